import { spawnSync } from "child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { reportBudgets, runCost, USAGE } from "../cost/cli";
import type { BudgetVerdict } from "../cost/estimate";
import { loadRevisionConfig, RevisionError } from "../cost/revision";

/**
 * `npm run cost -- --diff <ref>` against a scratch git repository whose commits
 * hold a copy of this project's config/ (as it is now, then edited) and an
 * older-style configuration from __tests__/fixtures. The head side is always
 * this checkout's configuration.
 */

const ROOT = path.resolve(__dirname, "..");
let repo: string;

function git(...args: string[]): string {
  const result = spawnSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args], {
    cwd: repo,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
  return result.stdout.trim();
}

/** Replaces config/ in the scratch repository with `source` (a folder holding config/) and commits it. */
function commitConfig(source: string, message: string, edit?: (file: string) => void): string {
  rmSync(path.join(repo, "config"), { recursive: true, force: true });
  cpSync(path.join(source, "config"), path.join(repo, "config"), { recursive: true });
  edit?.(path.join(repo, "config"));
  git("add", "-A", "config");
  git("commit", "-q", "--allow-empty", "-m", message);
  return git("rev-parse", "HEAD");
}

function replaceIn(file: string, from: string, to: string): void {
  const text = readFileSync(file, "utf8");
  if (!text.includes(from)) throw new Error(`${file} has no ${from}`);
  writeFileSync(file, text.replace(from, to));
}

function cost(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const status = runCost(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), root: repo });
  return { status, stdout, stderr };
}

const options = () => ({ cwd: repo, nodeModules: path.join(ROOT, "node_modules") });

beforeAll(() => {
  repo = mkdtempSync(path.join(tmpdir(), "cryptopulse-cost-repo-"));
  // The other revision's imports of npm packages resolve from this checkout's node_modules, as in a clone.
  symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"));
  git("init", "-q");
  git("commit", "-q", "--allow-empty", "-m", "empty");
  git("tag", "empty");
  commitConfig(path.join(__dirname, "fixtures", "cost-before-budgets"), "before budgets");
  git("tag", "before-budgets");
  commitConfig(ROOT, "this checkout's configuration");
  git("tag", "same");
  commitConfig(ROOT, "a third PostgreSQL node in production", (config) =>
    replaceIn(path.join(config, "environments", "production.ts"), "nodeCount: 2,\n      maintenanceWindow: { day: \"sunday\", hour: \"01:00\" }", "nodeCount: 3,\n      maintenanceWindow: { day: \"sunday\", hour: \"01:00\" }"),
  );
  git("tag", "three-postgres-nodes");
  commitConfig(ROOT, "an invalid configuration", (config) =>
    replaceIn(path.join(config, "environments", "production.ts"), 'size: "db-s-2vcpu-4gb"', 'size: "db-s-3vcpu-5gb"'),
  );
  git("tag", "invalid");
}, 60_000);

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe("loading the configuration of another revision", () => {
  it("runs that revision's own loadPlatformConfig() from its config/ folder", () => {
    const loaded = loadRevisionConfig("before-budgets", options());
    expect(loaded.commit).toBe(git("rev-parse", "before-budgets"));
    expect(loaded.environments.map((environment) => (environment as { name: string }).name)).toEqual(["staging"]);
  });

  it("names a revision git does not know, and how to get it", () => {
    expect(() => loadRevisionConfig("origin/no-such-branch", options())).toThrow(
      'unknown git revision "origin/no-such-branch" (in a shallow or partial clone, fetch it first, e.g. git fetch origin main)',
    );
    expect(() => loadRevisionConfig("--output=/tmp/x", options())).toThrow(RevisionError);
  });

  it("names a revision without a configuration", () => {
    expect(() => loadRevisionConfig("empty", options())).toThrow(/^revision empty \([0-9a-f]{12}\) has no config\/index\.ts to load$/);
  });

  it("passes on why that revision's configuration does not load", () => {
    expect(() => loadRevisionConfig("invalid", options())).toThrow(
      /^cannot load the configuration of invalid: invalid platform configuration: 1 problem\(s\)\n {2}environments\.production\.data\.postgres\.size = "db-s-3vcpu-5gb": unknown database size/,
    );
  });
});

describe("npm run cost -- --diff", () => {
  it("reports no change against an identical configuration", () => {
    const result = cost("--diff", "same", "--markdown");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`against \`same (${git("rev-parse", "same").slice(0, 12)})\``);
    expect(result.stdout.match(/No cost change\./g)).toHaveLength(2);
  });

  it("shows what a configuration change costs, per stack and item", () => {
    const result = cost("--diff", "three-postgres-nodes", "--markdown");
    expect(result.status).toBe(0);
    // The head (this checkout) has one PostgreSQL node fewer than the base: 3 → 2 × $60.
    expect(result.stdout).toContain("| `cryptopulse-production-data-fra1` | $540.00 | $480.00 | -$60.00 |");
    expect(result.stdout).toContain("PostgreSQL (db-s-2vcpu-4gb, 2 nodes) (was PostgreSQL (db-s-2vcpu-4gb, 3 nodes)): 3 × $60.00 → 2 × $60.00 (-$60.00)");
  });

  it("prices a revision from before budgets and later layers", () => {
    const result = cost("--diff", "before-budgets", "--json");
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout);
    const staging = json.environments.find((environment: { environment: string }) => environment.environment === "staging");
    // base: system 2..3 × $24 + apps 1..4 × $48, data $120; no platform stack yet
    expect(staging.before).toEqual({ minCents: 48_00 + 48_00 + 120_00, maxCents: 72_00 + 192_00 + 120_00 });
    const platform = staging.stacks.find((stack: { stack: string }) => stack.stack === "cryptopulse-staging-platform-fra1");
    expect(platform).not.toHaveProperty("before");
    expect(platform.after).toEqual({ minCents: 12_00, maxCents: 12_00 });
    expect(json.environments.find((environment: { environment: string }) => environment.environment === "production")).not.toHaveProperty("before");
    expect(json.budgets.map((verdict: BudgetVerdict) => verdict.environment).sort()).toEqual(["production", "staging"]);
  });

  it("fails with the reason when the revision cannot be priced", () => {
    expect(cost("--diff", "no-such-ref")).toMatchObject({ status: 2, stderr: expect.stringContaining('cost: unknown git revision "no-such-ref"') });
  });
});

describe("npm run cost arguments", () => {
  it.each([
    [["--markdown"], "--markdown needs --diff <git-ref>"],
    [["--json", "--markdown", "--diff", "same"], "--json and --markdown exclude each other"],
    [["--diff"], "--diff needs a value"],
    [["--diff="], "--diff needs a git revision, e.g. --diff origin/main"],
    [["--budget"], "unknown option --budget; the options are --json, --markdown, --diff, --group-by, -h/--help"],
  ])("%j is a usage error, in one line", (argv, message) => {
    expect(cost(...argv)).toEqual({ status: 2, stdout: "", stderr: `cost: ${message} (see --help)\n` });
  });

  it("prints its usage", () => {
    expect(cost("--help")).toEqual({ status: 0, stdout: `${USAGE}\n`, stderr: "" });
  });
});

describe("the budget exit status", () => {
  const verdict = (environment: string, status: BudgetVerdict["status"]): BudgetVerdict => ({ environment, status, maxCents: 0, largest: [], message: `${environment} is ${status}` });

  it("fails when any environment is over budget and says so on stderr", () => {
    let stderr = "";
    const io = { stdout: () => undefined, stderr: (text: string) => (stderr += text), root: ROOT };
    expect(reportBudgets([verdict("staging", "warning"), verdict("production", "over")], io)).toBe(1);
    expect(stderr).toBe("cost: warning: staging is warning\ncost: OVER BUDGET: production is over\n");
    expect(reportBudgets([verdict("staging", "within")], io)).toBe(0);
  });
});
