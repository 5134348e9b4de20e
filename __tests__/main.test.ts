import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

const root = path.resolve(__dirname, "..");
const appCommand = JSON.parse(readFileSync(path.join(root, "cdktf.json"), "utf8")).app as string;

/** Runs the app exactly as cdktf.json does, into a fresh output directory. */
function runApp(env: Record<string, string>) {
  const outdir = path.join(mkdtempSync(path.join(tmpdir(), "cryptopulse-main-")), "out");
  const result = spawnSync(appCommand, {
    shell: true,
    cwd: root,
    env: { PATH: process.env.PATH, CDKTF_OUTDIR: outdir, ...env },
    encoding: "utf8",
  });
  return { ...result, outdir };
}

describe("main.ts", () => {
  it("synthesizes every stack of every environment with no credentials", () => {
    const run = runApp({});
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(readdirSync(path.join(run.outdir, "stacks")).sort()).toEqual([
      "cryptopulse-production-backup-ams3",
      "cryptopulse-production-backup-fra1",
      "cryptopulse-production-cluster-fra1",
      "cryptopulse-production-data-fra1",
      "cryptopulse-production-edge",
      "cryptopulse-production-network-ams3",
      "cryptopulse-production-network-fra1",
      "cryptopulse-production-platform-fra1",
      "cryptopulse-staging-backup-fra1",
      "cryptopulse-staging-cluster-fra1",
      "cryptopulse-staging-data-fra1",
      "cryptopulse-staging-edge",
      "cryptopulse-staging-network-fra1",
      "cryptopulse-staging-platform-fra1",
    ]);
  });

  it("synthesizes only the environments named in CRYPTOPULSE_ENVIRONMENTS", () => {
    const run = runApp({ CRYPTOPULSE_ENVIRONMENTS: "staging" });
    expect(run.status).toBe(0);
    expect(readdirSync(path.join(run.outdir, "stacks")).sort()).toEqual([
      "cryptopulse-staging-backup-fra1",
      "cryptopulse-staging-cluster-fra1",
      "cryptopulse-staging-data-fra1",
      "cryptopulse-staging-edge",
      "cryptopulse-staging-network-fra1",
      "cryptopulse-staging-platform-fra1",
    ]);
  });

  it.each([
    [{ CRYPTOPULSE_ENVIRONMENTS: "prod" }, 'CRYPTOPULSE_ENVIRONMENTS = "prod": unknown environment "prod"; allowed: staging, production'],
    [{ CRYPTOPULSE_STATE_BACKEND: "gcs" }, 'CRYPTOPULSE_STATE_BACKEND = "gcs": unknown state backend; allowed: local, cloud, s3'],
  ])("exits non-zero on bad input, prints one line per problem and writes nothing (%p)", (env, line) => {
    const run = runApp(env);
    expect(run.status).toBe(1);
    expect(run.stderr.split("\n")).toContain(`  ${line}`);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(run.outdir)).toBe(false);
  });
});
