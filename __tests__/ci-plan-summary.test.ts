import { mkdtempSync, readFileSync, writeFileSync, cpSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { FIXTURES, runScript } from "./fixtures/ci/harness";

/**
 * scripts/ci/plan-summary.mjs on plan output recorded from cdktf 0.21 and Terraform 1.11
 * (__tests__/fixtures/ci/plans: `cdktf diff` logs with and without colours, their exit statuses and a
 * `terraform show -json` plan).
 */

const PLANS = path.join(FIXTURES, "plans");

async function summaries(dir = PLANS) {
  const result = await runScript("plan-summary.mjs", [dir]);
  expect(result).toMatchObject({ status: 0, stderr: "" });
  return JSON.parse(result.stdout) as Array<Record<string, unknown>>;
}

const byStack = (list: Array<Record<string, unknown>>, stack: string) => list.find((summary) => summary.stack === stack)!;

describe("plan summaries", () => {
  it("summarize each recorded stack, sorted by name", async () => {
    const list = await summaries();
    expect(list.map((summary) => [summary.stack, summary.status])).toEqual([
      ["cryptopulse-staging-cluster-fra1", "error"],
      ["cryptopulse-staging-data-fra1", "changes"],
      ["cryptopulse-staging-network-fra1", "no-changes"],
      ["cryptopulse-staging-platform-fra1", "changes"],
    ]);
  });

  it("count adds, changes and destroys the way Terraform does, a replacement as one of each", async () => {
    expect(byStack(await summaries(), "cryptopulse-staging-data-fra1")).toEqual({
      stack: "cryptopulse-staging-data-fra1",
      status: "changes",
      source: "plan-json",
      add: 2,
      change: 1,
      destroy: 2,
      import: 0,
      forget: 0,
      outputsOnly: false,
      resources: [
        { address: "terraform_data.mongodb", action: "create" },
        { address: "terraform_data.postgres", action: "update" },
        { address: "terraform_data.replica_reporting", action: "delete" },
        { address: "terraform_data.valkey", action: "replace" },
      ],
      errors: [],
    });
  });

  it("read the same from the text of cdktf diff when there is no JSON plan (remote execution)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "plans-"));
    for (const extension of [".log", ".exit"]) cpSync(path.join(PLANS, `cryptopulse-staging-data-fra1${extension}`), path.join(dir, `cryptopulse-staging-data-fra1${extension}`));
    const fromText = byStack(await summaries(dir), "cryptopulse-staging-data-fra1");
    const fromJson = byStack(await summaries(), "cryptopulse-staging-data-fra1");
    expect({ ...fromText, source: "plan-json" }).toEqual(fromJson);
    expect(fromText.source).toBe("text");
  });

  it("read plain terraform plan output too (no cdktf prefix)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "plans-"));
    writeFileSync(path.join(dir, "cryptopulse-staging-data-fra1.log"), readFileSync(path.join(FIXTURES, "terraform-plan-changes.txt")));
    expect(byStack(await summaries(dir), "cryptopulse-staging-data-fra1")).toMatchObject({ status: "changes", add: 2, change: 1, destroy: 2 });
  });

  it("see through colours and cdktf's stack prefix for a plan without changes", async () => {
    expect(readFileSync(path.join(PLANS, "cryptopulse-staging-network-fra1.log"), "utf8")).toContain("\u001b[");
    expect(byStack(await summaries(), "cryptopulse-staging-network-fra1")).toMatchObject({ status: "no-changes", add: 0, change: 0, destroy: 0, errors: [] });
  });

  it("tell a plan that changes only outputs from one that changes infrastructure", async () => {
    expect(byStack(await summaries(), "cryptopulse-staging-platform-fra1")).toMatchObject({ status: "changes", outputsOnly: true, add: 0, destroy: 0 });
  });

  it("report a failed plan with Terraform's error summaries", async () => {
    expect(byStack(await summaries(), "cryptopulse-staging-cluster-fra1")).toMatchObject({
      status: "error",
      errors: ["Reference to undeclared resource", "External Error: Stack failed to plan: cryptopulse-staging-cluster-fra1. Please check the logs for more information."],
    });
  });

  it("treat output without a plan, or a failed exit status, as a failure", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "plans-"));
    writeFileSync(path.join(dir, "cryptopulse-staging-edge.log"), "Killed\n");
    writeFileSync(path.join(dir, "cryptopulse-production-edge.log"), readFileSync(path.join(PLANS, "cryptopulse-staging-network-fra1.log")));
    writeFileSync(path.join(dir, "cryptopulse-production-edge.exit"), "137\n");
    const list = await summaries(dir);
    expect(byStack(list, "cryptopulse-staging-edge")).toMatchObject({ status: "error", errors: ['no plan in the output (neither "Plan:" nor "No changes.")'] });
    expect(byStack(list, "cryptopulse-production-edge")).toMatchObject({ status: "error", errors: ["exit status 137 without an error message in the output"] });
  });

  it("writes to a file and refuses a missing directory", async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "plans-")), "plans.json");
    expect((await runScript("plan-summary.mjs", [PLANS, "--out", out])).status).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8"))).toHaveLength(4);
    expect(await runScript("plan-summary.mjs", ["/no/such/dir"])).toMatchObject({ status: 2, stderr: expect.stringContaining("no such directory: /no/such/dir") });
  });
});
