import { spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { stringify } from "yaml";
import { mailbox } from "../config/alert-contacts";
import { alertmanagerConfig, SECURITY_RECEIVER } from "../constructs/observability/alertmanager-config";
import { environmentNamed } from "./helpers";
import { requireTool, toolboxOrPath } from "./tools";

/**
 * The Alertmanager configuration the platform renders, checked by the real
 * `amtool` of the Alertmanager release the chart runs: it loads (matchers, time
 * intervals, receivers, file references), and alerts route to the receivers
 * of the guide's escalation matrix. amtool is the toolbox's pinned build
 * (toolbox/versions.json), else amtool on PATH; without it the suite is
 * skipped with a line at the end of the run, unless CRYPTOPULSE_REQUIRE_AMTOOL=1 (CI).
 */

const AMTOOL = requireTool({ suite: "amtool Alertmanager tests", requireVariable: "CRYPTOPULSE_REQUIRE_AMTOOL", lookup: () => toolboxOrPath("amtool", ["--version"]) });

let scratch = "";
function configFile(name: string, content: unknown): string {
  if (!scratch) scratch = mkdtempSync(path.join(tmpdir(), "cryptopulse-amtool-"));
  const file = path.join(scratch, `${name}.yaml`);
  writeFileSync(file, stringify(content));
  return file;
}

function run(args: string[]) {
  const result = spawnSync(AMTOOL.tool!, args, { encoding: "utf8", timeout: 30_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const configOf = (name: string) => {
  const environment = environmentNamed(name);
  return alertmanagerConfig({ alerts: environment.alerts, alerting: environment.observability.alerting });
};

AMTOOL.describe("Alertmanager configuration checked by amtool", () => {
  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it.each(["production", "staging"])("the %s configuration loads", (name) => {
    const result = run(["check-config", configFile(name, configOf(name))]);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  it("rejects a broken configuration (the check is real)", () => {
    const broken = { ...configOf("production"), route: { ...configOf("production").route, receiver: "nobody" } };
    expect(run(["check-config", configFile("broken", broken)]).status).not.toBe(0);
  });

  it.each([
    [["priority=P1", "service=backend"], "p1-slack-email"],
    [["priority=P2"], "p2-slack"],
    [["priority=P3"], "p3-slack"],
    [["priority=P4"], "p4-slack"],
    [["severity=critical", "alertname=KubePodNotReady"], "p2-slack"],
    [["severity=warning"], "p3-slack"],
    [["severity=info"], "p4-slack"],
    [["alertname=Watchdog", "severity=none"], "null"],
    [["alertname=Unlabelled"], "null"],
    [["team=security", "priority=P2", "alertname=AuthFailureSpike"], SECURITY_RECEIVER],
    [["team=security", "priority=P3", "alertname=AuthRateLimited"], SECURITY_RECEIVER],
  ])("routes an alert labelled %j to %s", (labels, receiver) => {
    const result = run(["config", "routes", "test", `--config.file=${configFile("routes", configOf("production"))}`, `--verify.receivers=${receiver}`, ...labels]);
    expect(result.output.trim()).toBe(receiver);
    expect(result.status).toBe(0);
  });

  it("fails a route test whose receiver is wrong (the test is real)", () => {
    const labels = ["team=security", "priority=P2"];
    expect(run(["config", "routes", "test", `--config.file=${configFile("routes", configOf("production"))}`, "--verify.receivers=p2-slack", ...labels]).status).not.toBe(0);
  });

  describe("staging", () => {
    const staging = configOf("staging");
    const productionOnCall = new Set(environmentNamed("production").alerts.emails.map(mailbox));
    const mailedBy = (name: string) => {
      const receiver = staging.receivers.find((candidate) => candidate.name === name)!;
      return ("email_configs" in receiver ? receiver.email_configs! : []).map((email) => mailbox(email.to));
    };

    it.each(
      [
        ["priority=P1", "service=backend"], ["priority=P2"], ["priority=P3"], ["priority=P4"],
        ["severity=critical", "alertname=KubePodNotReady"], ["severity=warning"], ["severity=info"], ["severity=none"],
        ["team=security", "priority=P1"], ["team=security", "priority=P2", "alertname=AuthFailureSpike"], ["team=security", "priority=P3"], ["team=security", "priority=P4"],
      ].map((labels) => [labels]),
    )("an alert labelled %j reaches none of production's on-call, and nobody outside business hours", (labels) => {
      const result = run(["config", "routes", "test", `--config.file=${configFile("staging-routes", staging)}`, ...labels]);
      expect(result.status).toBe(0);
      for (const name of result.output.trim().split(",")) {
        expect([name, mailedBy(name).filter((address) => productionOnCall.has(address))]).toEqual([name, []]);
        // No route to the receiver notifies at night: staging pages nobody around the clock.
        for (const route of staging.route.routes.filter((candidate) => candidate.receiver === name && name !== "null")) {
          expect([name, route.matchers, "active_time_intervals" in route ? route.active_time_intervals : "around the clock"]).toEqual([name, route.matchers, ["business-hours"]]);
        }
      }
    });

    it("routes a security alert to the security contact", () => {
      const labels = ["team=security", "priority=P2", "alertname=AuthFailureSpike"];
      const result = run(["config", "routes", "test", `--config.file=${configFile("staging-routes", staging)}`, `--verify.receivers=${SECURITY_RECEIVER}`, ...labels]);
      expect(result.output.trim()).toBe(SECURITY_RECEIVER);
      expect(result.status).toBe(0);
    });
  });
});
