import { existsSync, readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { projectPath } from "../config/paths";
import { INGRESS_NGINX_CHART } from "../constructs/platform/ingress-controller";

/** docs/guide-adaptations.md, held to the code it points at and the settings it names. */
const DOC = "docs/guide-adaptations.md";
const text = readFileSync(projectPath(DOC), "utf8");

describe(DOC, () => {
  it("links only to files that exist", () => {
    const targets = [...text.matchAll(/\]\(([^)#]+)(?:#[^)]*)?\)/g)].map(([, target]) => target).filter((target) => !/^[a-z]+:/.test(target));
    expect(targets.length).toBeGreaterThan(0);
    const dir = path.dirname(projectPath(DOC));
    expect(targets.filter((target) => !existsSync(path.resolve(dir, target)))).toEqual([]);
  });

  it("names each ingress-nginx setting with the value the release is given", () => {
    const { config } = parse(readFileSync(projectPath(INGRESS_NGINX_CHART.baseValues), "utf8")).controller as { config: Record<string, string> };
    const named = [...text.matchAll(/`([a-z][a-z0-9-]+): ([^`]+)`/g)].map(([, key, value]) => ({ key, value }));
    expect(named.length).toBeGreaterThan(0);
    for (const { key, value } of named) expect({ key, value: config[key] }).toEqual({ key, value });
  });
});
