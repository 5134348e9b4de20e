import { readFileSync } from "fs";
import * as path from "path";
import { sharedPlatformSynth } from "./helpers";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The staging stacks synthesized with `env` as the runtime settings. */
function stagingStacks(env: NodeJS.ProcessEnv): Record<string, Json> {
  const outdir = sharedPlatformSynth({ CRYPTOPULSE_ENVIRONMENTS: "staging", ...env });
  const manifest = JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8")) as Json;
  return Object.fromEntries(
    Object.entries(manifest.stacks as Json).map(([name, stack]) => [name, JSON.parse(readFileSync(path.join(outdir, stack.synthesizedStackPath), "utf8"))]),
  );
}

const releases = (stack: Json): Json[] => Object.values(stack.resource?.helm_release ?? {});

describe("service endpoints for the whole app", () => {
  const publicStacks = stagingStacks({});
  const mirrored = stagingStacks({
    CRYPTOPULSE_DIGITALOCEAN_API_ENDPOINT: "https://do.mirror.internal",
    CRYPTOPULSE_SPACES_ENDPOINT: "https://{{.Region}}.spaces.internal",
    CRYPTOPULSE_CLOUDFLARE_BASE_URL: "https://cf.mirror.internal/client/v4",
    CRYPTOPULSE_CHART_REPOSITORY: "https://charts.mirror.internal",
  });

  it("leave the providers on their public endpoints when unset", () => {
    for (const stack of Object.values(publicStacks)) {
      for (const provider of stack.provider.digitalocean ?? []) expect(provider).toEqual({});
      for (const provider of stack.provider.cloudflare ?? []) expect(provider).toEqual({});
    }
    const upstream = releases(publicStacks["cryptopulse-staging-platform-fra1"]).filter((release) => release.repository);
    expect(upstream.map((release) => release.repository)).toContain("https://kubernetes.github.io/ingress-nginx");
  });

  it("point every DigitalOcean and Cloudflare provider at the given endpoints", () => {
    const stacks = Object.values(mirrored);
    expect(stacks.filter((stack) => stack.provider.digitalocean)).toHaveLength(stacks.length);
    for (const stack of stacks) {
      expect(stack.provider.digitalocean).toEqual([{ api_endpoint: "https://do.mirror.internal", spaces_endpoint: "https://{{.Region}}.spaces.internal" }]);
      if (stack.provider.cloudflare) expect(stack.provider.cloudflare).toEqual([{ base_url: "https://cf.mirror.internal/client/v4" }]);
    }
    expect(mirrored["cryptopulse-staging-edge"].provider.cloudflare).toBeDefined();
  });

  it("serve every upstream chart from the mirror and leave the app chart of this repository alone", () => {
    const before = releases(publicStacks["cryptopulse-staging-platform-fra1"]);
    const after = releases(mirrored["cryptopulse-staging-platform-fra1"]);
    expect(after).toHaveLength(before.length);
    for (const [index, release] of after.entries()) {
      const original = before[index];
      expect(release.chart).toBe(original.chart);
      expect(release.version).toBe(original.version);
      expect(release.repository).toBe(original.repository === undefined ? undefined : "https://charts.mirror.internal");
    }
    expect(after.filter((release) => release.repository === undefined).map((release) => release.name).sort()).toEqual(["backend", "frontend", "functions"]);
  });
});
