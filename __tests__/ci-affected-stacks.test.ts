import { spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { FIXTURES, runScript } from "./fixtures/ci/harness";

/**
 * scripts/ci/affected-stacks.mjs on sample diffs, against the manifest of the shipped app
 * (__tests__/fixtures/ci/manifest.json: two environments, network/cluster/data/platform stacks).
 */

const MANIFEST = path.join(FIXTURES, "manifest.json");
const STAGING = ["cryptopulse-staging-cluster-fra1", "cryptopulse-staging-data-fra1", "cryptopulse-staging-network-fra1", "cryptopulse-staging-platform-fra1"];
const PRODUCTION = [
  "cryptopulse-production-cluster-fra1",
  "cryptopulse-production-data-fra1",
  "cryptopulse-production-network-ams3",
  "cryptopulse-production-network-fra1",
  "cryptopulse-production-platform-fra1",
];
const ALL = [...PRODUCTION, ...STAGING];

async function affected(...files: string[]) {
  const result = await runScript("affected-stacks.mjs", ["--files", "-", "--manifest", MANIFEST, "--json"], { input: files.join("\n") });
  expect(result).toMatchObject({ status: 0, stderr: "" });
  return JSON.parse(result.stdout) as { all: boolean; stacks: string[]; unaffected: string[]; reasons: Record<string, string[]> };
}

describe("affected stacks", () => {
  it.each([
    ["documentation only", ["README.md", "docs/runbook.md"], []],
    ["tests, workflows, cost and CI scripts", ["__tests__/cost.test.ts", ".github/workflows/deploy.yml", "cost/prices.json", "scripts/ci/deploy-order.mjs", "toolbox/versions.json", ".ci/run"], []],
    ["one environment's file", ["config/environments/staging.ts"], STAGING],
    ["both environment files", ["config/environments/staging.ts", "config/environments/production.ts"], ALL],
    ["a layer's stack: it and everything that depends on it", ["stacks/data-stack.ts"], ["cryptopulse-production-data-fra1", "cryptopulse-production-platform-fra1", "cryptopulse-staging-data-fra1", "cryptopulse-staging-platform-fra1"]],
    ["the network layer: every stack downstream", ["stacks/network-stack.ts"], ALL],
    ["the platform layer's stack", ["stacks/platform-layer-stack.ts"], ["cryptopulse-production-platform-fra1", "cryptopulse-staging-platform-fra1"]],
    ["what only the platform layer ships", ["helm-values/ingress-nginx.yaml", "charts/app-service/README.md", "migrations/0002_more.sql"], ["cryptopulse-production-platform-fra1", "cryptopulse-staging-platform-fra1"]],
    ["the base class of every stack", ["stacks/layer-stack.ts"], ALL],
    ["shared configuration", ["config/schema.ts"], ALL],
    ["a construct", ["constructs/managed-postgres.ts"], ALL],
    ["the guardrails", ["guardrails/rules/data.ts"], ALL],
    ["the dependencies", ["package-lock.json"], ALL],
    ["the app launcher", ["scripts/app.cjs"], ALL],
    ["a file nobody classified", ["Makefile"], ALL],
    ["a new environment's file before it has stacks", ["config/environments/qa.ts"], ALL],
  ])("%s", async (_name, files, expected) => {
    const result = await affected(...files);
    expect(result.stacks).toEqual(expected);
    expect(result.unaffected).toEqual(ALL.filter((stack) => !expected.includes(stack)));
    expect(result.all).toBe(expected.length === ALL.length);
  });

  it("names the files behind each stack", async () => {
    const result = await affected("config/environments/staging.ts", "stacks/cluster-stack.ts", "README.md");
    expect(result.reasons["cryptopulse-staging-data-fra1"]).toEqual(["config/environments/staging.ts", "stacks/cluster-stack.ts"]);
    expect(result.reasons["cryptopulse-staging-network-fra1"]).toEqual(["config/environments/staging.ts"]);
    expect(result.reasons["cryptopulse-production-cluster-fra1"]).toEqual(["stacks/cluster-stack.ts"]);
  });

  it("prints one stack per line without --json", async () => {
    const result = await runScript("affected-stacks.mjs", ["--files", "-", "--manifest", MANIFEST], { input: "config/environments/staging.ts\n" });
    expect(result).toEqual({ status: 0, stdout: `${STAGING.join("\n")}\n`, stderr: "" });
  });

  it("reads the changed files from git against a base revision", async () => {
    const repo = mkdtempSync(path.join(tmpdir(), "affected-"));
    const git = (...args: string[]) => {
      const result = spawnSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args], { cwd: repo, encoding: "utf8" });
      if (result.status !== 0) throw new Error(result.stderr);
    };
    git("init", "-q", "-b", "main");
    git("commit", "-q", "--allow-empty", "-m", "base");
    git("checkout", "-q", "-b", "change");
    mkdirSync(path.join(repo, "config", "environments"), { recursive: true });
    writeFileSync(path.join(repo, "config", "environments", "production.ts"), "export {};\n");
    git("add", ".");
    git("commit", "-q", "-m", "change");
    const result = await runScript("affected-stacks.mjs", ["--base", "main", "--manifest", MANIFEST], { cwd: repo });
    expect(result).toEqual({ status: 0, stdout: `${PRODUCTION.join("\n")}\n`, stderr: "" });
    expect(await runScript("affected-stacks.mjs", ["--base", "no-such-branch", "--manifest", MANIFEST], { cwd: repo })).toMatchObject({
      status: 1,
      stderr: expect.stringContaining("affected-stacks: git diff against no-such-branch failed"),
    });
  });

  it("needs exactly one source of files", async () => {
    expect(await runScript("affected-stacks.mjs", ["--manifest", MANIFEST])).toMatchObject({ status: 2, stderr: expect.stringContaining("give either --base REF or --files FILE") });
  });
});
