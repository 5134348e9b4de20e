import { isDeepStrictEqual } from "util";
import { parse } from "yaml";
import { isRemembered, yamlData, yamlDocument } from "../constructs/core/yaml-document";

// That the memory serves every values document of a synth as parse reads its text: platform-stack.test.ts, which
// builds a platform stack in its process anyway.
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
