import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { main } from "../scripts/ci/drift-issue.mjs";
import { summarizeDirectory } from "../scripts/ci/plan-summary.mjs";
import { fakeGitHub, FIXTURES, githubEnv, runScript, type FakeGitHub, type ScriptResult } from "./fixtures/ci/harness";

/**
 * scripts/ci/drift-issue.mjs: one open "drift" issue while the recorded plans show drift. The script's
 * main() runs in process (a node process per call made the file slow under load); one test runs it as
 * the workflow does, as a process.
 */

const MARKER = "<!-- cryptopulse:drift:production -->";
let work: string;
let github: FakeGitHub;

type Summary = { stack: string; status: string; outputsOnly?: boolean };
const summary = (stack: string, status: string, extra: object = {}) => ({
  stack,
  status,
  source: "text",
  add: 0,
  change: 0,
  destroy: 0,
  import: 0,
  forget: 0,
  outputsOnly: false,
  resources: [],
  errors: status === "error" ? ["Error acquiring the state lock"] : [],
  ...extra,
});
const DRIFT = summary("cryptopulse-production-data-fra1", "changes", { change: 1, destroy: 1, resources: [{ address: "digitalocean_database_firewall.postgres", action: "replace" }] });

function plans(list: Summary[]): string {
  const file = path.join(work, `plans-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(list));
  return file;
}

/** main(argv) with `env` for the process environment, and what it wrote. */
async function driftIssue(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<ScriptResult> {
  let stdout = "";
  let stderr = "";
  const status = await main(argv, { env, stdout: (text: string) => (stdout += text), stderr: (text: string) => (stderr += text) });
  return { status, stdout, stderr };
}

const drift = (list: Summary[], ...extra: string[]) =>
  driftIssue(["--plans", plans(list), "--environment", "production", "--run-url", "https://github.com/cryptopulse/infrastructure/actions/runs/9", ...extra], githubEnv(github));

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), "drift-"));
});
beforeEach(async () => {
  github = await fakeGitHub();
});
afterEach(() => github.close());

describe("the drift issue", () => {
  it("opens when a production stack drifted, naming the stacks and resources", async () => {
    const result = await drift([summary("cryptopulse-production-network-fra1", "no-changes"), DRIFT]);
    expect(result).toMatchObject({ status: 0, stdout: expect.stringContaining("DRIFT: open or update the drift issue\ndrift-issue: created #1") });
    const issue = github.issues.get(1)!;
    expect(issue).toMatchObject({ title: "Drift: the production infrastructure differs from the code", state: "open", labels: [{ name: "drift" }] });
    expect(issue.body.startsWith(`${MARKER}\nThe live production infrastructure differs from the code on the default branch (checked `)).toBe(true);
    expect(issue.body).toContain("| `cryptopulse-production-data-fra1` | 0 | 1 | **1** |");
    expect(issue.body).toContain("- replace `digitalocean_database_firewall.postgres`");
    expect(issue.body).not.toContain("cryptopulse-production-network-fra1");
  });

  it("is updated, not duplicated, while the drift lasts", async () => {
    github.addIssue({ number: 7, title: "unrelated", body: "not ours", labels: [{ name: "drift" }] });
    await drift([DRIFT]);
    expect(await drift([DRIFT])).toMatchObject({ status: 0, stdout: expect.stringContaining("drift-issue: updated #8") });
    expect([...github.issues.keys()]).toEqual([7, 8]);
  });

  it("closes with a comment once no stack drifts; output-only changes are no drift", async () => {
    await drift([DRIFT]);
    const result = await drift([summary("cryptopulse-production-data-fra1", "no-changes"), summary("cryptopulse-production-platform-fra1", "changes", { outputsOnly: true })]);
    expect(result).toMatchObject({ status: 0, stdout: expect.stringContaining("no drift: close the drift issue if one is open\ndrift-issue: closed #1") });
    expect(github.issues.get(1)).toMatchObject({ state: "closed", state_reason: "completed" });
    expect(github.issues.get(1)!.comments[0].body).toMatch(/^No drift in any production stack as of .*\(\[workflow run\]\(https:\/\/github.com\/cryptopulse\/infrastructure\/actions\/runs\/9\)\)\. Closing\.$/);
    expect(await drift([summary("cryptopulse-production-data-fra1", "no-changes")])).toMatchObject({ status: 0, stdout: expect.stringContaining("drift-issue: none") });
  });

  it("is left alone when a plan failed and nothing drifted, and the run fails", async () => {
    await drift([DRIFT]);
    const requests = github.requests.length;
    const result = await drift([summary("cryptopulse-production-data-fra1", "error")]);
    expect(result).toMatchObject({ status: 1, stdout: expect.stringContaining("plans failed: cryptopulse-production-data-fra1\nno drift: leave the drift issue as it is") });
    expect(github.requests.length).toBe(requests);
    expect(github.issues.get(1)!.state).toBe("open");
  });

  it("can be previewed without GitHub, run as the workflow runs it", async () => {
    const result = await runScript("drift-issue.mjs", ["--plans", plans([DRIFT]), "--environment", "production", "--dry-run"], { env: { GITHUB_TOKEN: "" } });
    expect(result).toMatchObject({ status: 0, stdout: expect.stringContaining(`DRIFT: open or update the drift issue\n\n${MARKER}\n`) });
    expect(github.requests).toEqual([]);
  });

  it("reads the plan summaries the workflow writes", async () => {
    const result = await driftIssue(["--plans", plans(summarizeDirectory(path.join(FIXTURES, "plans"))), "--environment", "staging", "--dry-run"]);
    expect(result.status).toBe(1); // the recorded cluster plan failed
    expect(result.stdout).toContain("| `cryptopulse-staging-data-fra1` | 2 | 1 | **2** |");
    expect(result.stdout).toContain("Plans that failed (unknown drift): `cryptopulse-staging-cluster-fra1`.");
  });
});
