import { spawnSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { buildBundle } from "../scripts/lib/esbuild-runner.cjs";
import { Aspects, TerraformStack } from "cdktf";
import { GuardrailError, GuardrailsAspect, reportFileName, type StackReport } from "../guardrails";
import { synthesizePlatform } from "../stacks/platform-app";
import { shippedConfig } from "./helpers";

const root = path.resolve(__dirname, "..");

function scratch(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `cryptopulse-${prefix}-`));
}

function readReport(outdir: string, stack: string): StackReport {
  return JSON.parse(readFileSync(path.join(outdir, reportFileName(stack)), "utf8")) as StackReport;
}

/** The shipped configuration with production's control plane turned single (a CP-DO-005 finding). */
function singleControlPlane() {
  const config = shippedConfig();
  (config.environments.production.cluster as { highAvailability: boolean }).highAvailability = false;
  return config;
}

const FINDING_LINE = /^CP-(DATA|DO|K8S|HELM|CF|SEC)-\d{3} — [^ ]+ — .+ — .+$/;

describe("guardrails on the whole app", () => {
  const outdir = scratch("guardrails-app");
  const app = synthesizePlatform({ env: {}, outdir });
  const stacks = Object.keys(JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8")).stacks as Record<string, unknown>);

  it("attaches the rule pack to every stack", () => {
    const all = app.node.findAll().filter(TerraformStack.isStack);
    expect(all.length).toBeGreaterThan(0);
    for (const stack of all) expect(Aspects.of(stack).all.some((aspect) => aspect instanceof GuardrailsAspect)).toBe(true);
  });

  it("passes every rule with zero unsuppressed findings, and reports every check per stack", () => {
    for (const stack of stacks) {
      const report = readReport(outdir, stack);
      expect({ stack, passed: report.passed, failed: report.summary.failed, unused: report.summary.unusedSuppressions }).toEqual({
        stack,
        passed: true,
        failed: 0,
        unused: 0,
      });
      expect(report.summary.checks).toBe(report.results.length);
      expect(report.results.length).toBeGreaterThan(0);
    }
    // The rules ran on the real resources, not on nothing.
    const cluster = readReport(outdir, "cryptopulse-production-cluster-fra1").results;
    for (const rule of ["CP-DATA-003", "CP-DO-004", "CP-DO-005", "CP-DO-006", "CP-DO-007", "CP-SEC-003"]) {
      expect(cluster).toContainEqual(expect.objectContaining({ rule, status: "pass" }));
    }
  });

  it("checks the storage class of every volume the platform's releases ask for (CP-DATA-004)", () => {
    for (const stack of ["cryptopulse-production-platform-fra1", "cryptopulse-staging-platform-fra1"]) {
      const checked = readReport(outdir, stack).results.filter((result) => result.rule === "CP-DATA-004");
      // Prometheus, Alertmanager and Grafana (kube-prometheus-stack) and Loki hold data on volumes.
      for (const release of ["monitoring/release", "logging/loki"]) {
        expect(checked).toContainEqual(expect.objectContaining({ path: `${stack}/${release}`, status: "pass" }));
      }
    }
  });

  it("stops at a finding in any stack before a single stack file is written", () => {
    const failed = scratch("guardrails-fail");
    let error: unknown;
    try {
      synthesizePlatform({ config: singleControlPlane(), env: {}, outdir: failed });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GuardrailError);
    const problems = (error as GuardrailError).problems;
    expect(problems).toEqual([expect.stringMatching(/^CP-DO-005 — cryptopulse-production-cluster-fra1\/doks\/cluster — .*\(ha is false\) — set ha: true/)]);
    expect(existsSync(path.join(failed, "manifest.json"))).toBe(false);
    expect(readdirSync(path.join(failed, "stacks"))).toEqual([]);
    // Every stack's report is there, the failing one marked.
    expect(readReport(failed, "cryptopulse-production-cluster-fra1").passed).toBe(false);
    expect(readReport(failed, "cryptopulse-staging-cluster-fra1").passed).toBe(true);
  });

  it("removes the reports of stacks that no longer exist", () => {
    const again = scratch("guardrails-stale");
    writeFileSync(path.join(again, reportFileName("cryptopulse-retired-network-sgp1")), "{}");
    synthesizePlatform({ env: { CRYPTOPULSE_ENVIRONMENTS: "staging" }, outdir: again });
    const reports = readdirSync(again).filter((file) => file.startsWith("guardrails-"));
    expect(reports.sort()).toEqual(readdirSync(path.join(again, "stacks")).map(reportFileName).sort());
  });

  it("makes the app process exit 1 with one line per finding and no stack trace", () => {
    // The real main.ts, bundled by the app's esbuild runner, after an entry that breaks the configuration.
    // The bundle sits inside the project so that its require("cdktf") finds node_modules.
    const cache = path.join(root, "node_modules", ".cache");
    mkdirSync(cache, { recursive: true });
    const work = mkdtempSync(path.join(cache, "cryptopulse-guardrails-test-"));
    const entry = path.join(work, "entry.ts");
    writeFileSync(
      entry,
      [
        `import { PLATFORM_CONFIG } from ${JSON.stringify(path.join(root, "config"))};`,
        "(PLATFORM_CONFIG.environments.production.cluster as { highAvailability: boolean }).highAvailability = false;",
        `require(${JSON.stringify(path.join(root, "main"))});`,
      ].join("\n"),
    );
    const bundle = path.join(work, "entry.js");
    buildBundle(root, entry, bundle);
    const out = path.join(scratch("guardrails-process"), "out");
    const run = spawnSync(process.execPath, [bundle], { cwd: root, env: { PATH: process.env.PATH, CDKTF_OUTDIR: out }, encoding: "utf8" });
    rmSync(work, { recursive: true, force: true });

    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split("\n");
    expect(lines[0]).toBe("guardrails: 1 finding(s)");
    for (const line of lines.slice(1)) expect(line.trim()).toMatch(FINDING_LINE);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(out, "manifest.json"))).toBe(false);
    expect(readdirSync(path.join(out, "stacks"))).toEqual([]);
  });
});
