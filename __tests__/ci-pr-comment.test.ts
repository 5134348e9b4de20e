import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { fakeGitHub, FIXTURES, githubEnv, runScript, type FakeGitHub } from "./fixtures/ci/harness";

/**
 * scripts/ci/pr-comment.mjs: the pull-request report rendered from the recorded plans
 * (__tests__/fixtures/ci/plans) and a cost difference, and posted once per pull request.
 */

const MARKER = "<!-- cryptopulse:pull-request-report -->";
let work: string;

function write(name: string, content: string): string {
  const file = path.join(work, name);
  writeFileSync(file, content);
  return file;
}

async function render(...args: string[]): Promise<string> {
  const result = await runScript("pr-comment.mjs", ["render", ...args]);
  expect(result).toMatchObject({ status: 0, stderr: "" });
  return result.stdout;
}

const COST = "Monthly estimate of this change against `origin/main (0123456789ab)`, in USD.\n\n**staging**: $228.00 – $492.00 → $258.00 – $522.00 (+$30.00)\n";

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "pr-comment-"));
  const summaries = await runScript("plan-summary.mjs", [path.join(FIXTURES, "plans"), "--out", path.join(work, "plans.json")]);
  expect(summaries.status).toBe(0);
  write("cost.md", COST);
  write(
    "affected.json",
    JSON.stringify({ all: false, stacks: ["cryptopulse-staging-cluster-fra1"], unaffected: ["cryptopulse-production-network-ams3", "cryptopulse-production-network-fra1"], reasons: {}, files: [] }),
  );
});

describe("the pull-request report", () => {
  it("summarizes each stack's plan and highlights what would be destroyed", async () => {
    const body = await render("--plans", path.join(work, "plans.json"), "--cost", path.join(work, "cost.md"), "--sha", "0123456789abcdef0123456789abcdef01234567", "--run-url", "https://github.com/cryptopulse/infrastructure/actions/runs/7");
    expect(body.startsWith(`${MARKER}\n### Infrastructure plan\nCommit \`0123456789ab\` · [workflow run](https://github.com/cryptopulse/infrastructure/actions/runs/7)\n`)).toBe(true);
    expect(body).toContain(
      [
        "> [!CAUTION]",
        "> **This change destroys 2 resources** (1 of them replaced: destroyed, then created anew). Check each before merging:",
        "> - `cryptopulse-staging-data-fra1`: `terraform_data.replica_reporting` (destroy), `terraform_data.valkey` (replace)",
      ].join("\n"),
    );
    expect(body).toContain(
      [
        "| stack | to add | to change | to destroy | |",
        "| --- | ---: | ---: | ---: | --- |",
        "| `cryptopulse-staging-cluster-fra1` | | | | ❌ plan failed: Reference to undeclared resource |",
        "| `cryptopulse-staging-data-fra1` | 2 | 1 | **🔴 2** | 1 replaced |",
        "| `cryptopulse-staging-network-fra1` | 0 | 0 | 0 | no changes |",
        "| `cryptopulse-staging-platform-fra1` | 0 | 0 | 0 | outputs only |",
      ].join("\n"),
    );
    expect(body).toContain("> 1 plan failed; the table shows which.");
    expect(body).toContain("- 🔴 replace `terraform_data.valkey`");
    expect(body.endsWith(`### Cost\n\n${COST}`)).toBe(true);
  });

  it("says so when no stack is affected, and lists the stacks it did not plan", async () => {
    write("none.json", JSON.stringify({ all: false, stacks: [], unaffected: ["cryptopulse-staging-network-fra1"], reasons: {}, files: ["README.md"] }));
    const body = await render("--plans", write("empty.json", "[]"), "--affected", path.join(work, "none.json"), "--cost", path.join(work, "cost.md"));
    expect(body).toContain("This change affects no stack, so nothing was planned.");
    expect(body).toContain("Not planned, because this change does not affect them: `cryptopulse-staging-network-fra1`.");
    expect(body).not.toContain("| stack |");
  });

  it("explains skipped plans for forks and still shows the cost", async () => {
    const body = await render("--affected", path.join(work, "affected.json"), "--cost", path.join(work, "cost.md"), "--skip-reason", "pull requests from forks get no repository secrets");
    expect(body).toContain("> [!NOTE]\n> **Plans skipped:** pull requests from forks get no repository secrets\n");
    expect(body).toContain(COST.trim());
    expect(body).not.toContain("Not planned");
  });

  it("flags a cost estimate over budget or failed", async () => {
    expect(await render("--plans", path.join(work, "plans.json"), "--cost", path.join(work, "cost.md"), "--cost-status", "1")).toContain("> An environment would exceed its monthly budget at maximum scale");
    expect(await render("--plans", path.join(work, "plans.json"), "--cost", write("blank.md", ""), "--cost-status", "2")).toContain("⚠️ The cost estimate failed; the workflow log says why.");
  });

  it("stays under GitHub's comment size limit", async () => {
    const many = JSON.parse(readFileSync(path.join(work, "plans.json"), "utf8"));
    const data = many.find((summary: { stack: string }) => summary.stack === "cryptopulse-staging-data-fra1");
    data.resources = Array.from({ length: 2000 }, (_, index) => ({ address: `terraform_data.resource_with_a_long_name_${index}`, action: "delete" }));
    data.destroy = 2000;
    const body = await render("--plans", write("many.json", JSON.stringify(many)), "--cost", path.join(work, "cost.md"));
    expect(body.length).toBeLessThan(65_536);
    expect(body).toContain("_Resource lists left out: the comment would exceed GitHub's size limit._");
    expect(body).toContain("`terraform_data.resource_with_a_long_name_19` (destroy), and 1980 more");
    expect(body).toContain("| `cryptopulse-staging-data-fra1` | 2 | 1 | **🔴 2000** |");
  });

  it("rejects unknown arguments", async () => {
    expect(await runScript("pr-comment.mjs", ["render", "--colour", "red"])).toMatchObject({ status: 2, stderr: expect.stringMatching(/^pr-comment: unknown option --colour; the options are --plans, .* \(see --help\)\n$/) });
    expect(await runScript("pr-comment.mjs", ["publish"])).toMatchObject({ status: 2, stderr: 'pr-comment: unknown command "publish"; the commands are render and post (see --help)\n' });
    expect(await runScript("pr-comment.mjs", ["render", "--pr", "7"])).toMatchObject({ status: 2, stderr: expect.stringContaining("pr-comment: --pr is not an option of render, whose options are --plans,") });
  });
});

describe("posting the report", () => {
  let github: FakeGitHub;
  beforeEach(async () => {
    github = await fakeGitHub();
  });
  afterEach(() => github.close());

  const post = (body: string, pr = "42") => runScript("pr-comment.mjs", ["post", "--body", write("comment.md", body), "--pr", pr], { env: githubEnv(github) });

  it("creates one comment and then edits it in place, leaving other comments alone", async () => {
    const pr = github.addIssue({ number: 42, pull_request: {} });
    pr.comments.push({ id: 1, body: "LGTM", user: { login: "reviewer" } });
    pr.comments.push({ id: 2, body: `${MARKER}\nquoted by a person`, user: { login: "reviewer" } });
    expect(await post(`${MARKER}\nfirst`)).toMatchObject({ status: 0, stdout: expect.stringMatching(/^pr-comment: created comment \d+ on #42\n$/) });
    expect(await post(`${MARKER}\nsecond`)).toMatchObject({ status: 0, stdout: expect.stringMatching(/^pr-comment: updated comment \d+ on #42\n$/) });
    expect(pr.comments.map((comment) => comment.body)).toEqual(["LGTM", `${MARKER}\nquoted by a person`, `${MARKER}\nsecond`]);
  });

  it("finds its comment beyond the first page", async () => {
    const pr = github.addIssue({ number: 42, pull_request: {} });
    for (let id = 1; id <= 150; id++) pr.comments.push({ id, body: `comment ${id}`, user: { login: "reviewer" } });
    pr.comments.push({ id: 151, body: `${MARKER}\nold`, user: { login: "github-actions[bot]" } });
    expect(await post(`${MARKER}\nnew`)).toMatchObject({ status: 0 });
    expect(pr.comments).toHaveLength(151);
    expect(pr.comments[150].body).toBe(`${MARKER}\nnew`);
    expect(github.requests.filter((request) => request.startsWith("GET"))).toHaveLength(2);
  });

  it("fails clearly without a token or when GitHub refuses", async () => {
    expect(await runScript("pr-comment.mjs", ["post", "--body", write("comment.md", `${MARKER}\nx`), "--pr", "42"], { env: { ...githubEnv(github), GITHUB_TOKEN: "" } })).toMatchObject({
      status: 1,
      stderr: "pr-comment: GITHUB_TOKEN is not set\n",
    });
    expect(await post(`${MARKER}\nx`, "404")).toMatchObject({ status: 1, stderr: "pr-comment: GitHub GET /issues/404/comments?per_page=100&page=1: 404 Not Found\n" });
    expect(await post("no marker")).toMatchObject({ status: 1, stderr: "pr-comment: the comment body must start with its marker\n" });
  });
});
