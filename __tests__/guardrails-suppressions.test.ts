import { existsSync, mkdtempSync, readdirSync, readFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { App, TerraformStack } from "cdktf";
import { DatabaseCluster } from "@cdktf/provider-digitalocean/lib/database-cluster";
import { DatabaseFirewall } from "@cdktf/provider-digitalocean/lib/database-firewall";
import { applyGuardrails, GuardrailError, reportFileName, suppressRule, type RuleId, type StackReport } from "../guardrails";

/** An App in a fresh directory with one guarded stack holding a database without a firewall (CP-DO-002), tagged as CP-DO-010 asks. */
function fixture() {
  const outdir = mkdtempSync(path.join(tmpdir(), "cryptopulse-suppress-"));
  const app = new App({ outdir, skipValidation: true });
  const stack = new TerraformStack(app, "data");
  applyGuardrails(stack, { tier: "staging" });
  const db = new DatabaseCluster(stack, "db", {
    name: "pg",
    engine: "pg",
    version: "17",
    size: "db-s-1vcpu-2gb",
    region: "fra1",
    nodeCount: 1,
    privateNetworkUuid: "${digitalocean_vpc.vpc.id}",
    tags: ["environment:staging", "layer:data", "service:postgres", "team:devops"],
    lifecycle: { preventDestroy: true },
  });
  return { app, outdir, stack, db };
}

function synthProblems(app: App): readonly string[] {
  try {
    app.synth();
  } catch (error) {
    if (error instanceof GuardrailError) return error.problems;
    throw error;
  }
  return [];
}

function report(outdir: string, stack = "data"): StackReport {
  return JSON.parse(readFileSync(path.join(outdir, reportFileName(stack)), "utf8")) as StackReport;
}

const REASON = "the firewall lives in the platform stack until the data stack owns it";

describe("guardrail suppressions", () => {
  it("turn a finding into a listed suppression with its reason, and let the synth pass", () => {
    const { app, outdir, db } = fixture();
    suppressRule(db, "CP-DO-002", REASON);
    expect(synthProblems(app)).toEqual([]);
    const written = report(outdir);
    expect(written.passed).toBe(true);
    expect(written.summary).toMatchObject({ failed: 0, suppressed: 1 });
    expect(written.results).toContainEqual({
      rule: "CP-DO-002",
      path: "data/db",
      address: expect.stringMatching(/^digitalocean_database_cluster\./),
      status: "suppressed",
      detail: "no digitalocean_database_firewall refers to it",
      justification: REASON,
    });
    expect(written.results.filter((result) => result.status === "pass").length).toBeGreaterThan(0);
  });

  it("without one, the finding fails the synth with one line: rule — path — reason — fix", () => {
    const { app, outdir } = fixture();
    const problems = synthProblems(app);
    expect(problems).toEqual([
      "CP-DO-002 — data/db — a database without a firewall accepts connections from anywhere, and two firewalls overwrite each other's rules " +
        "(no digitalocean_database_firewall refers to it) — give every database cluster and replica exactly one digitalocean_database_firewall, in the same stack",
    ]);
    // Nothing that looks like a synthesized stack (the App makes stacks/ empty up front): only the report, showing the failure.
    expect(existsSync(path.join(outdir, "manifest.json"))).toBe(false);
    expect(readdirSync(path.join(outdir, "stacks"))).toEqual([]);
    expect(report(outdir)).toMatchObject({ passed: false, summary: { failed: 1 } });
  });

  it("fail the synth when they match no finding", () => {
    const { app, stack, db } = fixture();
    new DatabaseFirewall(stack, "firewall", { clusterId: db.id, rule: [{ type: "k8s", value: "${var.cluster_id}" }], lifecycle: { preventDestroy: true } });
    suppressRule(db, "CP-DO-002", REASON);
    expect(synthProblems(app)).toEqual([`CP-DO-002 — data/db — suppression matches no finding ("${REASON}") — remove the suppression: the rule passes here`]);
  });

  it("apply to the construct itself, not to its children", () => {
    const { app, stack } = fixture();
    suppressRule(stack, "CP-DO-002", REASON);
    const problems = synthProblems(app);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^CP-DO-002 — data\/db — /);
    expect(problems[1]).toMatch(/^CP-DO-002 — data — suppression matches no finding/);
  });

  it.each([
    ["a reason under 10 characters", "CP-DO-002", "legacy", /^CP-DO-002 — data\/db — suppression reason "legacy" is shorter than 10 characters — /],
    ["a blank reason", "CP-DO-002", "          ", /is shorter than 10 characters/],
    ["an unknown rule id", "CP-XX-999", REASON, /^CP-XX-999 — data\/db — suppression of an unknown rule id — /],
  ])("refuse %s at once", (_what, rule, reason, line) => {
    const { db } = fixture();
    expect(() => suppressRule(db, rule as RuleId, reason)).toThrow(GuardrailError);
    try {
      suppressRule(db, rule as RuleId, reason);
    } catch (error) {
      expect((error as GuardrailError).problems).toEqual([expect.stringMatching(line)]);
    }
  });

  it("refuse suppressing one rule twice on one construct", () => {
    const { db } = fixture();
    suppressRule(db, "CP-DO-002", REASON);
    expect(() => suppressRule(db, "CP-DO-002", `${REASON}, again`)).toThrow(/rule suppressed twice on one construct/);
  });
});
