import { createHash } from "crypto";
import { mkdtempSync, readdirSync, readFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { mirrorCharts, pinnedCharts } from "../scripts/lib/chart-mirror.mjs";
import { sharedPlatformSynth } from "./helpers";

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

/** A fetch answering from `files` (URL → body), 404 for anything else: a chart repository as Helm serves one. */
function fakeRepository(files: Record<string, Buffer | string>): { fetchImpl: typeof fetch; asked: string[] } {
  const asked: string[] = [];
  const fetchImpl = (async (url: URL | string) => {
    asked.push(String(url));
    const body = files[String(url)];
    return body === undefined ? new Response("not found", { status: 404 }) : new Response(typeof body === "string" ? body : new Uint8Array(body));
  }) as typeof fetch;
  return { fetchImpl, asked };
}

const chartBytes = Buffer.from("a packaged chart, as bytes");
/** An index.yaml shaped like `helm repo index` writes it (apiVersion v1, entries by chart name, relative urls). */
const index = (digest: string) =>
  stringifyYaml({
    apiVersion: "v1",
    entries: {
      "ingress-nginx": [
        { apiVersion: "v2", name: "ingress-nginx", version: "4.15.0", digest: "0".repeat(64), urls: ["ingress-nginx-4.15.0.tgz"] },
        { apiVersion: "v2", name: "ingress-nginx", version: "4.15.1", digest, urls: ["releases/ingress-nginx-4.15.1.tgz"] },
      ],
    },
  });
const PIN = [{ repository: "https://charts.example/ingress-nginx", chart: "ingress-nginx", version: "4.15.1" }];

describe("the chart mirror", () => {
  it("copies each pinned chart at its version, checks its digest and writes an index of relative urls", async () => {
    const repo = fakeRepository({
      "https://charts.example/ingress-nginx/index.yaml": index(sha256(chartBytes)),
      "https://charts.example/ingress-nginx/releases/ingress-nginx-4.15.1.tgz": chartBytes,
    });
    const dir = mkdtempSync(path.join(tmpdir(), "chart-mirror-"));
    await mirrorCharts(PIN, dir, { fetchImpl: repo.fetchImpl });
    expect(readFileSync(path.join(dir, "ingress-nginx-4.15.1.tgz"))).toEqual(chartBytes);
    const written = parseYaml(readFileSync(path.join(dir, "index.yaml"), "utf8"));
    expect(written.entries["ingress-nginx"]).toEqual([expect.objectContaining({ version: "4.15.1", digest: sha256(chartBytes), urls: ["ingress-nginx-4.15.1.tgz"] })]);
    expect(repo.asked).toHaveLength(2);
  });

  it("refuses a chart whose bytes do not match the index's digest", async () => {
    const repo = fakeRepository({
      "https://charts.example/ingress-nginx/index.yaml": index("f".repeat(64)),
      "https://charts.example/ingress-nginx/releases/ingress-nginx-4.15.1.tgz": chartBytes,
    });
    const dir = mkdtempSync(path.join(tmpdir(), "chart-mirror-"));
    await expect(mirrorCharts(PIN, dir, { fetchImpl: repo.fetchImpl })).rejects.toThrow(
      `ingress-nginx 4.15.1: digest ${sha256(chartBytes)} is not the index's ${"f".repeat(64)}`,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses a version the repository does not have", async () => {
    const repo = fakeRepository({ "https://charts.example/ingress-nginx/index.yaml": index(sha256(chartBytes)) });
    const pin = [{ ...PIN[0], version: "9.9.9" }];
    await expect(mirrorCharts(pin, mkdtempSync(path.join(tmpdir(), "chart-mirror-")), { fetchImpl: repo.fetchImpl })).rejects.toThrow(
      "ingress-nginx 9.9.9: not in https://charts.example/ingress-nginx/index.yaml",
    );
  });

  it("takes the pins from the synthesized stacks: every upstream release once, never the app chart of this repository", () => {
    const outdir = sharedPlatformSynth();
    const charts = pinnedCharts(outdir);
    const releases = ["production", "staging"].flatMap((environment) => {
      const json = JSON.parse(readFileSync(path.join(outdir, "stacks", `cryptopulse-${environment}-platform-fra1`, "cdk.tf.json"), "utf8"));
      return Object.values(json.resource.helm_release) as { repository?: string; chart: string; version: string }[];
    });
    const upstream = releases.filter((release) => release.repository !== undefined);
    expect(upstream.length).toBeGreaterThan(charts.length);
    expect(new Set(charts.map((c) => `${c.chart}@${c.version}`))).toEqual(new Set(upstream.map((r) => `${r.chart}@${r.version}`)));
    expect(charts.map((c) => c.repository)).not.toContain(undefined);
    expect(charts).toHaveLength(new Set(charts.map((c) => c.chart)).size);
  });
});
