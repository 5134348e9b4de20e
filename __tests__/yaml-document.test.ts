import { isDeepStrictEqual } from "util";
import { parse } from "yaml";
import { isRemembered, yamlData, yamlDocument } from "../constructs/core/yaml-document";
import { resourcesOf } from "./helpers";
import { platformStackOf, synthJson } from "./synth";

describe("YAML documents read back from memory", () => {
  it("serve every Helm values document of a synth as parse reads its text", () => {
    // Built in this process, so that the documents the platform stacks wrote are the ones remembered.
    const texts = (["staging", "production"] as const).flatMap((name) =>
      resourcesOf(synthJson(platformStackOf(name)), "helm_release").flatMap((release) => (release.values as string[] | undefined) ?? []),
    );
    const remembered = texts.filter(isRemembered);
    expect(texts.length).toBeGreaterThan(20);
    // The large generated documents (kube-prometheus-stack's rules, each app service's values) are among them.
    expect(remembered.length).toBeGreaterThan(texts.length / 2);
    expect(Math.max(...remembered.map((text) => text.length))).toBeGreaterThan(10_000);
    for (const text of texts) expect(isDeepStrictEqual(yamlData(text), parse(text))).toBe(true);
  });

  it("remember JSON data only; anything else is parsed from its text when read", () => {
    const date = new Date(0);
    class Values {
      replicas = 2;
    }
    for (const value of [{ at: date }, { list: [1, undefined] }, { ratio: Number.NaN }, new Values(), { nested: new Map([["a", 1]]) }]) {
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
