import { isDeepStrictEqual } from "util";
import { parse, stringify } from "yaml";
import { terraformLiteral } from "../constructs/core/terraform-literal";
import { isRemembered, terraformYamlDocument, yamlData, yamlDocument } from "../constructs/core/yaml-document";

// The package's own stringify, counted: yamlDocument writes the text of data it wrote before from memory.
jest.mock("yaml", () => {
  const actual = jest.requireActual<typeof import("yaml")>("yaml");
  return { ...actual, stringify: jest.fn(actual.stringify) };
});
const writes = () => (stringify as jest.MockedFunction<typeof stringify>).mock.calls.length;

// That the memory serves every values document of a synth as parse reads its text: platform-stack.test.ts, which
// builds a platform stack in its process anyway.
describe("YAML documents", () => {
  it("are written as the yaml package's stringify writes them, though without its walk for directives", () => {
    const shared = { host: "api.example.com" };
    const values = {
      replicas: 3,
      ratio: 0.25,
      enabled: true,
      nothing: null,
      looksLikeOther: ["true", "null", "1.0", "0x1F", "~", "", " padded ", "#hash", "key: value", "- item", "%TAG", "---"],
      "key with: colon": { "": "empty key", "${var.x}": "reference" },
      multiline: "line one\nline two\n",
      long: "word ".repeat(40).trim(),
      unicode: "café ☕",
      empty: { list: [], map: {} },
      nested: [[1, [2, { three: 3 }]], { a: { b: { c: "deep" } } }],
      twice: [shared, shared],
      binary: new Uint8Array([1, 2, 3]),
      at: new Date(0),
    };
    for (const options of [undefined, { lineWidth: 0 }, { lineWidth: 0, blockQuote: "literal" } as const, { lineWidth: 0, indentSeq: false }, { directives: true }, { aliasDuplicateObjects: false }]) {
      expect(yamlDocument(values, options)).toBe(stringify(values, options));
    }
    expect(stringify(values)).toContain("&a1");
  });
});

describe("YAML documents written again", () => {
  it("are the text written before, without writing it, for equal JSON data under the same options", () => {
    const values = () => ({ written: "again", list: [1, { nested: ["a", null, true] }], skipped: undefined });
    const before = writes();
    const text = yamlDocument(values());
    expect(yamlDocument(values())).toBe(text);
    expect(writes() - before).toBe(1);
    expect(yamlDocument(values(), { lineWidth: 0, indentSeq: false })).toBe(stringify(values(), { lineWidth: 0, indentSeq: false }));
    expect(writes() - before).toBe(3); // once more in yamlDocument, once for the expectation
  });

  it("are written anew where the package writes equal JSON apart: aliases, -0, a Date that repeats, a Map", () => {
    const shared = { host: "aliased.example.com" };
    const date = new Date(1);
    const pairs: [unknown, unknown][] = [
      [{ twice: [shared, shared] }, { twice: [{ ...shared }, { ...shared }] }],
      [{ twice: [{ ...shared }, shared, shared] }, { twice: [shared, shared, { ...shared }] }],
      [{ zero: -0 }, { zero: 0 }],
      [{ at: [date, date] }, { at: [date.toISOString(), date.toISOString()] }],
      [{ map: new Map([["key", "value"]]) }, { map: {} }],
    ];
    for (const [first, second] of pairs) {
      expect(JSON.stringify(first)).toBe(JSON.stringify(second));
      expect(stringify(first)).not.toBe(stringify(second));
      for (const value of [first, second, first]) expect(yamlDocument(value)).toBe(stringify(value, { directives: false }));
    }
  });

  it("are written anew when the data changed since", () => {
    const values = { replicas: 2, hosts: ["changed.example.com"] };
    const text = yamlDocument(values);
    values.hosts.push("added.example.com");
    expect(yamlDocument(values)).not.toBe(text);
    expect(yamlDocument(values)).toBe(stringify(values));
  });

});

describe("YAML documents read back from memory", () => {
  it("remember JSON data only; anything else is parsed from its text when read", () => {
    const date = new Date(0);
    class Values {
      replicas = 2;
    }
    const withProtoKey = JSON.parse('{"__proto__": {"polluted": true}}') as object;
    for (const value of [{ at: date }, { list: [1, undefined] }, { ratio: Number.NaN }, new Values(), { nested: new Map([["a", 1]]) }, withProtoKey]) {
      const text = yamlDocument(value);
      expect(isRemembered(text)).toBe(false);
      expect(isDeepStrictEqual(yamlData(text), parse(text))).toBe(true);
    }
  });

  it("leave out keys whose value is undefined, as the text does", () => {
    const text = yamlDocument({ kept: "yes", dropped: undefined, nested: { also: undefined, n: 1 } });
    expect(isRemembered(text)).toBe(true);
    expect(yamlData(text)).toStrictEqual({ kept: "yes", nested: { n: 1 } });
  });

  it("share frozen data, so no reader changes what the next one gets", () => {
    const source = { chart: { values: ["a"] } };
    const written = yamlData(yamlDocument(source)) as typeof source;
    const parsed = yamlData("chart:\n  values: [b]\n") as typeof source;
    for (const data of [written, parsed]) {
      expect(Object.isFrozen(data.chart.values)).toBe(true);
      expect(() => data.chart.values.push("c")).toThrow(TypeError);
    }
    // The source stays the caller's to change; the remembered copy does not follow.
    source.chart.values.push("changed");
    expect(yamlData(yamlDocument({ chart: { values: ["a"] } }))).toStrictEqual({ chart: { values: ["a"] } });
  });
});

describe("YAML documents as Terraform string literals", () => {
  /** A string the package double-quotes (a tab) and folds between the `$` and the `{` of its `${`, found by length. */
  function foldedBetweenDollarAndBrace(): string {
    for (let length = 40; length < 200; length += 1) {
      const text = `\t${"x".repeat(length)}\${y}tail`;
      if (!yamlDocument({ key: text }).includes("${")) return text;
    }
    throw new Error("no length folds the string between $ and {");
  }

  it("are yamlDocument's text with terraformLiteral's escapes", () => {
    const values = { "${key}": "%{if x}", quoted: "${x}: y", block: "line ${a}\nline %{b}\n", list: ["${a}", { "%{b}": ["$${c}"] }] };
    for (const options of [undefined, { lineWidth: 0, blockQuote: "literal" } as const]) {
      expect(terraformYamlDocument(values, options)).toBe(terraformLiteral(yamlDocument(values, options)));
    }
  });

  it("are read back from memory as parse reads them, with the escapes in keys, plain, quoted and block scalars", () => {
    const values = { "${key}": "%{if x}", quoted: "${x}: y", block: "line ${a}\nline %{b}\n", list: ["${a}", { "%{b}": ["$${c}"] }], long: `${"word ".repeat(30)}\${end}` };
    for (const options of [undefined, { lineWidth: 0, blockQuote: "literal" } as const]) {
      const text = terraformYamlDocument(values, options);
      expect(text).not.toBe(yamlDocument(values, options));
      expect(isRemembered(text)).toBe(true);
      expect(isDeepStrictEqual(yamlData(text), parse(text))).toBe(true);
    }
  });

  it("are parsed, not served from memory, when a fold splits a `${` or a shared object repeats one", () => {
    const folded = { key: foldedBetweenDollarAndBrace(), other: "${x}" };
    const shared = { host: "${host}" };
    for (const values of [folded, { twice: [shared, shared] }]) {
      const text = terraformYamlDocument(values);
      expect(isRemembered(text)).toBe(false);
      expect(isDeepStrictEqual(yamlData(text), parse(text))).toBe(true);
    }
    // Unescaped by Terraform, the folded text is still the document of the value.
    expect(parse(terraformYamlDocument(folded).replace(/\$\$\{/g, "${"))).toStrictEqual(folded);
  });
});
