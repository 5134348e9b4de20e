import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { homedir, tmpdir } from "os";
import * as path from "path";
import { stringify } from "yaml";
import { alertmanagerConfig } from "../constructs/alertmanager-config";
import { environmentNamed } from "./helpers";

/**
 * The Alertmanager configuration the platform renders, checked by the real
 * `amtool` of the Alertmanager release the chart runs: it loads (matchers, time
 * intervals, receivers, file references), and alerts route to the receivers
 * of the guide's escalation matrix. amtool is the toolbox's pinned build
 * (toolbox/versions.json), else amtool on PATH; without it the suite is
 * skipped with a warning, unless CRYPTOPULSE_REQUIRE_AMTOOL=1 (CI).
 */

const TOOLBOX_AMTOOL = path.join(process.env.CRYPTOPULSE_TOOLBOX_CACHE ?? path.join(homedir(), ".cache", "cryptopulse-toolbox"), "bin", "amtool");

function findAmtool(): string | undefined {
  return [TOOLBOX_AMTOOL, "amtool"].find(
    (candidate) => (candidate === "amtool" || existsSync(candidate)) && spawnSync(candidate, ["--version"]).status === 0,
  );
}

const amtool = findAmtool();
const required = process.env.CRYPTOPULSE_REQUIRE_AMTOOL === "1";
if (!amtool && !required) {
  console.warn(
    `\n*** SKIPPED: alertmanager-amtool.test.ts needs amtool (\`npm run toolbox\` builds the pinned one as ${TOOLBOX_AMTOOL});` +
      " none found there or on PATH. Set CRYPTOPULSE_REQUIRE_AMTOOL=1 to make this a failure. ***\n",
  );
}

let scratch = "";
function configFile(name: string, content: unknown): string {
  if (!scratch) scratch = mkdtempSync(path.join(tmpdir(), "cryptopulse-amtool-"));
  const file = path.join(scratch, `${name}.yaml`);
  writeFileSync(file, stringify(content));
  return file;
}

function run(args: string[]) {
  const result = spawnSync(amtool!, args, { encoding: "utf8", timeout: 30_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const configOf = (name: string) => {
  const environment = environmentNamed(name);
  return alertmanagerConfig({ alerts: environment.alerts, alerting: environment.observability.alerting });
};

(amtool || required ? describe : describe.skip)("Alertmanager configuration checked by amtool", () => {
  beforeAll(() => {
    if (!amtool) throw new Error(`CRYPTOPULSE_REQUIRE_AMTOOL=1 but no working amtool was found at ${TOOLBOX_AMTOOL} or on PATH: run \`npm run toolbox\` first`);
  });
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
  ])("routes an alert labelled %j to %s", (labels, receiver) => {
    const result = run(["config", "routes", "test", `--config.file=${configFile("routes", configOf("production"))}`, `--verify.receivers=${receiver}`, ...labels]);
    expect(result.output.trim()).toBe(receiver);
    expect(result.status).toBe(0);
  });
});
