import { spawnSync } from "child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

const root = path.resolve(__dirname, "..");
const appCommand = JSON.parse(readFileSync(path.join(root, "cdktf.json"), "utf8")).app as string;

/** Runs the app exactly as cdktf.json does, into a fresh output directory. */
function runApp(env: Record<string, string>, cwd = root) {
  const outdir = path.join(mkdtempSync(path.join(tmpdir(), "cryptopulse-main-")), "out");
  const result = spawnSync(appCommand, {
    shell: true,
    cwd,
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

  it("captures no token creation trace, loading or synthesizing, unless CRYPTOPULSE_TOKEN_TRACES=true", () => {
    const counted = { NODE_OPTIONS: `--require ${path.join(__dirname, "fixtures", "count-token-traces.cjs")}`, CRYPTOPULSE_ENVIRONMENTS: "staging" };
    const run = runApp(counted);
    expect([run.status, run.stderr]).toEqual([0, "token traces: 0\n"]);
    expect(runApp({ ...counted, CRYPTOPULSE_TOKEN_TRACES: "true" }).stderr).toMatch(/^token traces: [1-9]\d*\n$/);
  });

  it("refuses an output directory it cannot create, in one line, before writing anything", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "cryptopulse-main-")), "a-file");
    writeFileSync(file, "");
    const run = runApp({ CDKTF_OUTDIR: file });
    expect([run.status, run.stderr]).toEqual([
      1,
      `invalid output directory: 1 problem(s)\n  CDKTF_OUTDIR = ${JSON.stringify(file)}: ${file} is not a directory; the synthesized stacks are written there (cdktf synth --output <dir>)\n`,
    ]);
  });
});

/**
 * A copy of the app's sources in a scratch folder, with one edit. Its
 * node_modules links each package of this checkout's but is a folder of its
 * own, so the bundle cache (node_modules/.cache) of the copy stays apart.
 */
function scratchCopy(file: string, from: string, to: string): string {
  const scratch = mkdtempSync(path.join(tmpdir(), "cryptopulse-main-src-"));
  for (const entry of ["main.ts", "package-lock.json", "cdktf.json", "config", "constructs", "guardrails", "stacks", "scripts/app.cjs", "scripts/lib/esbuild-runner.cjs", "scripts/lib/lazy-archiver.cjs", "scripts/lib/stable-json.cjs", "scripts/lib/cdktf-dependency.cjs"]) {
    cpSync(path.join(root, entry), path.join(scratch, entry), { recursive: true });
  }
  mkdirSync(path.join(scratch, "node_modules"));
  for (const name of readdirSync(path.join(root, "node_modules")).filter((name) => name !== ".cache")) {
    symlinkSync(path.join(root, "node_modules", name), path.join(scratch, "node_modules", name));
  }
  const text = readFileSync(path.join(scratch, file), "utf8");
  if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
  writeFileSync(path.join(scratch, file), text.replace(from, to));
  return scratch;
}

describe("a configuration file that does not build or load", () => {
  it("stops at a syntax error with one line naming the file, line and column, writing nothing", () => {
    const scratch = scratchCopy("config/environments/staging.ts", 'tier: "staging",', 'tier: "staging"');
    const run = runApp({}, scratch);
    // The line after `tier`, wherever the file puts it.
    const line = readFileSync(path.join(scratch, "config/environments/staging.ts"), "utf8").split("\n").findIndex((text) => text.includes('tier: "staging"')) + 2;
    expect([run.status, run.stderr]).toEqual([1, `config/environments/staging.ts:${line}:3: Expected "}" but found "description"\n`]);
    expect(existsSync(run.outdir)).toBe(false);
    expect(existsSync(path.join(scratch, "node_modules", ".cache"))).toBe(false); // no bundle either
  });

  it("stops at a name that does not exist with one line naming where it is used", () => {
    const scratch = scratchCopy("config/environments/staging.ts", "  SEED_PGBOUNCER,\n", "  SEED_PGBOUNCERS,\n");
    const run = runApp({}, scratch);
    const line = readFileSync(path.join(scratch, "config/environments/staging.ts"), "utf8").split("\n").findIndex((text) => text.includes("pgbouncer: SEED_PGBOUNCER")) + 1;
    expect([run.status, run.stderr]).toEqual([1, `config/environments/staging.ts:${line}:18: ReferenceError: SEED_PGBOUNCER is not defined\n`]);
    expect(existsSync(run.outdir)).toBe(false);
  });
});
