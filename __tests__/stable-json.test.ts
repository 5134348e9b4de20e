// The app's JSON writer (scripts/lib/stable-json.cjs, cdktf's json-stable-stringify in the app's vendor bundle)
// against cdktf's own copy of json-stable-stringify: the same text for every file of the platform's synth and for
// the values JSON makes special.
import { readFileSync, readdirSync } from "fs";
import * as path from "path";
import { cdktfDependency } from "../scripts/lib/cdktf-dependency.cjs";
import stableStringify from "../scripts/lib/stable-json.cjs";
import { sharedPlatformSynth } from "./helpers";

type Stringify = (value: unknown, options?: object) => string | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- cdktf's own copy, by its path
const cdktfStringify = require(cdktfDependency("json-stable-stringify")) as Stringify;

const ours = stableStringify as Stringify;

describe("the app's JSON writer", () => {
  test("writes every file of the platform's synth as cdktf's writer wrote it", () => {
    const outdir = sharedPlatformSynth();
    const files = ["manifest.json", ...readdirSync(path.join(outdir, "stacks")).map((stack) => path.join("stacks", stack, "cdk.tf.json"))];
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = readFileSync(path.join(outdir, file), "utf8");
      expect(ours(JSON.parse(text), { space: 2 })).toBe(text);
    }
  });

  const cycle: Record<string, unknown> = { name: "loop" };
  cycle.self = { again: cycle };
  const shared = { id: 1 };
  const cases: Record<string, unknown> = {
    "empty list and object, nested": { a: [], b: {}, c: [[], [{}]], d: { e: {} } },
    "undefined, functions and symbols: members dropped, items null": { a: undefined, b: () => 1, c: Symbol("s"), d: [undefined, () => 1, Symbol("s"), null] },
    "keys sorted as strings, integer-like ones too": { b: 1, a: 2, "10": 3, "9": 4, B: 5, "": 6, "é": 7 },
    "toJSON, on a member and on the value it returns": { when: new Date(Date.UTC(2026, 11, 1)), custom: { toJSON: () => ({ z: 1, y: [2] }) } },
    "escapes in keys and strings": { 'quote"': "line\nbreak\ttab\u2028\u0007", "\\": "back\\slash" },
    "numbers JSON writes as null, and booleans": [NaN, Infinity, -0, 1e21, 0.1, true, false],
    "the same object twice is not a cycle": { left: shared, right: shared, list: [shared, shared] },
    "a primitive alone": "text",
    "null alone": null,
    "undefined alone": undefined,
  };
  test.each(Object.entries(cases))("%s", (_, value) => {
    for (const options of [{ space: 2 }, { space: 4 }, { space: "\t" }, { space: 0 }, {}, undefined]) {
      expect(ours(value, options)).toBe(cdktfStringify(value, options));
    }
  });

  test("refuses a cycle and a bigint as cdktf's writer does", () => {
    expect(() => ours(cycle, { space: 2 })).toThrow(new TypeError("Converting circular structure to JSON"));
    expect(() => cdktfStringify(cycle, { space: 2 })).toThrow(new TypeError("Converting circular structure to JSON"));
    expect(() => ours({ big: 1n }, { space: 2 })).toThrow(TypeError);
    expect(() => cdktfStringify({ big: 1n }, { space: 2 })).toThrow(TypeError);
  });

  test("hands any other option to cdktf's writer", () => {
    const descending = { cmp: (a: { key: string }, b: { key: string }) => (a.key < b.key ? 1 : -1) };
    expect(ours({ a: 1, b: 2 }, descending)).toBe('{"b":2,"a":1}');
    expect(ours(cycle, { cycles: true })).toBe(cdktfStringify(cycle, { cycles: true }));
    for (const options of [{ space: 2.5 }, { space: -1 }]) expect(ours({ a: [1], b: {} }, options)).toBe(cdktfStringify({ a: [1], b: {} }, options));
  });
});
