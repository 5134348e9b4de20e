import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { parse } from "yaml";
import { parseCached } from "../constructs/core/parsed-yaml-cache";

const scratch = () => mkdtempSync(path.join(tmpdir(), "parsed-yaml-"));
const entries = (folder: string) => readdirSync(folder).map((name) => path.join(folder, name));

describe("the parsed-YAML cache", () => {
  const values = "# base values\nreplicas: 2\nimage: { repository: app, tag: '1.0' }\nports: [80, 443]\nempty:\nyes: yes\n";

  it("reads what parse reads, and from the kept entry the next time", () => {
    const folder = scratch();
    expect(parseCached(values, folder)).toEqual(parse(values));
    const [entry] = entries(folder);
    expect(JSON.parse(readFileSync(entry, "utf8"))).toEqual(parse(values));
    // Served from the entry, not parsed again: an entry changed on disk is what the next read returns.
    writeFileSync(entry, JSON.stringify({ from: "the cache" }));
    expect(parseCached(values, folder)).toEqual({ from: "the cache" });
  });

  it("keeps a changed text as a new entry", () => {
    const folder = scratch();
    parseCached(values, folder);
    expect(parseCached(`${values}extra: 1\n`, folder)).toEqual({ ...(parse(values) as object), extra: 1 });
    expect(entries(folder)).toHaveLength(2);
  });

  it("parses again over an entry cut short, and writes it whole", () => {
    const folder = scratch();
    parseCached(values, folder);
    const [entry] = entries(folder);
    writeFileSync(entry, '{"replicas": 2, "ima');
    expect(parseCached(values, folder)).toEqual(parse(values));
    expect(JSON.parse(readFileSync(entry, "utf8"))).toEqual(parse(values));
  });

  it.each([
    ["-0, which JSON writes as 0", "zero: -0\n"],
    ["infinity, which JSON writes as null", "limit: .inf\n"],
    ["not a number", "ratio: .nan\n"],
    ["binary data, which JSON writes as an object of its bytes", "key: !!binary aGVsbG8=\n"],
    ["a set, which JSON writes as an empty object", "seen: !!set { a, b }\n"],
  ])("keeps no entry for %s", (_, text) => {
    const folder = scratch();
    // toEqual tells -0 from 0 and NaN from null.
    expect(parseCached(text, folder)).toEqual(parse(text));
    expect(parseCached(text, folder)).toEqual(parse(text));
    expect(entries(folder)).toEqual([]);
  });

  it.each([
    ["a collection as a map key", "? [a, b]\n: 1\n", /Keys with collection values will be stringified/],
    ["an unknown tag", "when: !local 2001-12-14\n", /Unresolved tag/],
  ])("keeps no entry for %s, so that each read warns as parse does", (_, text, warning) => {
    const folder = scratch();
    const warn = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    try {
      expect(parseCached(text, folder)).toEqual(parse(text));
      parseCached(text, folder);
      const warnings = warn.mock.calls.map(([message]) => String(message));
      expect(warnings.filter((message) => warning.test(message))).toHaveLength(3);
    } finally {
      warn.mockRestore();
    }
    expect(entries(folder)).toEqual([]);
  });

  it("throws parse's error for a text that is not YAML, and keeps nothing", () => {
    const folder = scratch();
    const text = "a: [1, 2\n";
    let refusal: unknown;
    try {
      parse(text);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(Error);
    expect(() => parseCached(text, folder)).toThrow((refusal as Error).message);
    expect(entries(folder)).toEqual([]);
  });

  it("still parses where the cache cannot be written", () => {
    // A folder below a file: root, which CI runs as, writes even where the mode forbids it.
    const file = path.join(scratch(), "file");
    writeFileSync(file, "");
    expect(parseCached(values, path.join(file, "cache"))).toEqual(parse(values));
    expect(parseCached(values, path.join(file, "cache"))).toEqual(parse(values));
  });
});
