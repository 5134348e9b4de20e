import { spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { stringify } from "yaml";
import { alertRuleGroups, type RuleGroup } from "../constructs/observability/alert-rules";
import { additionalScrapeConfigs } from "../constructs/observability/monitoring";
import { environmentNamed } from "./helpers";
import { requireTool, toolboxOrPath } from "./tools";

/**
 * The alert rules checked by the real Prometheus tooling: `promtool check
 * rules` parses every expression and template of both environments' rules,
 * and `promtool test rules` runs the CPU, error-rate, latency, queue and
 * failed-login alerts against synthetic series, firing and not firing. promtool is the
 * toolbox's pinned build (toolbox/versions.json), else promtool on PATH.
 * Without it the suite is skipped with a line at the end of the run, unless
 * CRYPTOPULSE_REQUIRE_PROMTOOL=1 makes that a failure (CI sets it).
 */

const PROMTOOL = requireTool({ suite: "promtool alert-rule tests", requireVariable: "CRYPTOPULSE_REQUIRE_PROMTOOL", lookup: () => toolboxOrPath("promtool", ["--version"]) });

const groupsOf = (name: string) => {
  const { alerts, observability } = environmentNamed(name);
  return alertRuleGroups({ utilization: alerts.thresholds, service: observability.thresholds, security: observability.security });
};

let scratch = "";
function write(name: string, content: unknown): string {
  if (!scratch) scratch = mkdtempSync(path.join(tmpdir(), "cryptopulse-promtool-"));
  const file = path.join(scratch, name);
  writeFileSync(file, stringify(content));
  return file;
}

function run(args: string[]) {
  const result = spawnSync(PROMTOOL.tool!, args, { encoding: "utf8", timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Rules without annotations: unit tests assert when an alert fires and with which labels; templates are checked by `check rules`. */
function withoutAnnotations(groups: RuleGroup[]) {
  return { groups: groups.map((group) => ({ ...group, rules: group.rules.map(({ annotations: _annotations, ...rule }) => rule) })) };
}

const SERVICE = { namespace: "cryptopulse", service: "backend" };
const ENDPOINT = { ...SERVICE, path: "/api/trades" };
/** What ingress-nginx 4.15 (controller 1.15) labels a request to the backend's auth Ingress with (rule path, not request URI). */
const AUTH_INGRESS = { namespace: "cryptopulse", ingress: "backend-auth", host: "api.cryptopulse.com" };
const AUTH_ENDPOINT = { ...AUTH_INGRESS, service: "backend", path: "/api/auth", method: "POST", canary: "", controller_class: "k8s.io/ingress-nginx", controller_namespace: "ingress-nginx", controller_pod: "ingress-nginx-controller-0" };
const series = (name: string, labels: Record<string, string>, values: string) =>
  ({ series: `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",")}}`, values });
const buckets = (perMinute: Record<string, number>) =>
  Object.entries(perMinute).map(([le, count]) => series("nginx_ingress_controller_request_duration_seconds_bucket", { ...SERVICE, le }, `0+${count}x30`));

/** Firing and not-firing cases, with the production thresholds (the guide's: 70 %, 5 %, 2 s, 100). */
const UNIT_TESTS = [
  {
    name: "node CPU above 70 % for 5 minutes fires; not before 5 minutes, not at 50 %",
    interval: "1m",
    input_series: [
      // 6 idle seconds a minute: 90 % busy.
      series("node_cpu_seconds_total", { instance: "busy", cpu: "0", mode: "idle" }, "0+6x30"),
      // 30 idle seconds a minute: 50 % busy.
      series("node_cpu_seconds_total", { instance: "calm", cpu: "0", mode: "idle" }, "0+30x30"),
    ],
    alert_rule_test: [
      { alertname: "NodeCpuHigh", eval_time: "4m", exp_alerts: [] },
      { alertname: "NodeCpuHigh", eval_time: "15m", exp_alerts: [{ exp_labels: { instance: "busy", priority: "P3" } }] },
    ],
  },
  {
    name: "5xx ratio above 5 % per service and endpoint fires; 2 % does not, nor a quiet endpoint",
    interval: "1m",
    input_series: [
      // 1 error/s of 11 requests/s: 9 %.
      series("nginx_ingress_controller_requests", { ...ENDPOINT, status: "500" }, "0+60x30"),
      series("nginx_ingress_controller_requests", { ...ENDPOINT, status: "200" }, "0+600x30"),
      // 0.2 errors/s of 10.2/s: 2 %.
      series("nginx_ingress_controller_requests", { ...ENDPOINT, path: "/api/portfolio", status: "502" }, "0+12x30"),
      series("nginx_ingress_controller_requests", { ...ENDPOINT, path: "/api/portfolio", status: "200" }, "0+600x30"),
      // Half of the requests fail, but 1 request a minute is below the minimum rate.
      series("nginx_ingress_controller_requests", { ...ENDPOINT, path: "/api/rare", status: "500" }, "0+1x30"),
      series("nginx_ingress_controller_requests", { ...ENDPOINT, path: "/api/rare", status: "200" }, "0+1x30"),
    ],
    alert_rule_test: [
      { alertname: "HighErrorRate", eval_time: "3m", exp_alerts: [] },
      { alertname: "HighErrorRate", eval_time: "15m", exp_alerts: [{ exp_labels: { ...ENDPOINT, priority: "P1" } }] },
    ],
  },
  {
    name: "p95 response time above 2 s fires",
    interval: "1m",
    // 20 of 100 requests a minute within 2.5 s: the 95th percentile lies between 2.5 and 5 s.
    input_series: buckets({ "0.5": 10, "2.5": 20, "5": 100, "+Inf": 100 }),
    alert_rule_test: [
      { alertname: "HighLatency", eval_time: "3m", exp_alerts: [] },
      { alertname: "HighLatency", eval_time: "15m", exp_alerts: [{ exp_labels: { ...SERVICE, priority: "P2" } }] },
    ],
  },
  {
    name: "p95 response time below 2 s does not fire",
    interval: "1m",
    input_series: buckets({ "0.5": 99, "2.5": 100, "5": 100, "+Inf": 100 }),
    alert_rule_test: [{ alertname: "HighLatency", eval_time: "15m", exp_alerts: [] }],
  },
  {
    name: "more than 100 requests in flight per service fires; 100 does not",
    interval: "1m",
    input_series: [
      series("http_requests_in_flight", { ...SERVICE, pod: "backend-a" }, "60x20"),
      series("http_requests_in_flight", { ...SERVICE, pod: "backend-b" }, "60x20"),
      series("http_requests_in_flight", { namespace: "cryptopulse", service: "frontend", pod: "frontend-a" }, "100x20"),
    ],
    alert_rule_test: [{ alertname: "RequestsQueued", eval_time: "10m", exp_alerts: [{ exp_labels: { ...SERVICE, priority: "P2" } }] }],
  },
  {
    // 2 failed logins a second of 3 auth requests: the 5 r/s-per-client limit lets one attacker do this.
    name: "a spike of 401/403 on the auth Ingress fires AuthFailureSpike for the security team; everyday failures do not",
    interval: "1m",
    input_series: [
      series("nginx_ingress_controller_requests", { ...AUTH_ENDPOINT, status: "401" }, "0+90x30"),
      series("nginx_ingress_controller_requests", { ...AUTH_ENDPOINT, status: "403" }, "0+30x30"),
      series("nginx_ingress_controller_requests", { ...AUTH_ENDPOINT, status: "200" }, "0+60x30"),
      // The app host's logins: a busy hour, 2 failures a second of 20 (typos, expired sessions).
      series("nginx_ingress_controller_requests", { ...AUTH_ENDPOINT, host: "app.cryptopulse.com", path: "/auth", status: "401" }, "0+120x30"),
      series("nginx_ingress_controller_requests", { ...AUTH_ENDPOINT, host: "app.cryptopulse.com", path: "/auth", status: "200" }, "0+1080x30"),
    ],
    alert_rule_test: [
      { alertname: "AuthFailureSpike", eval_time: "4m", exp_alerts: [] },
      { alertname: "AuthFailureSpike", eval_time: "15m", exp_alerts: [{ exp_labels: { ...AUTH_INGRESS, priority: "P2", team: "security" } }] },
      { alertname: "AuthRateLimited", eval_time: "15m", exp_alerts: [] },
    ],
  },
  {
    name: "normal auth traffic does not fire, nor 401s outside the auth paths",
    interval: "1m",
    input_series: [
      // Half a failed login a second, a third of the requests: below the rate.
      series("nginx_ingress_controller_requests", { ...AUTH_ENDPOINT, status: "401" }, "0+30x30"),
      series("nginx_ingress_controller_requests", { ...AUTH_ENDPOINT, status: "200" }, "0+60x30"),
      // Expired tokens on the API itself: 5 a second, all 401, but not a login.
      series("nginx_ingress_controller_requests", { ...ENDPOINT, ingress: "backend", host: "api.cryptopulse.com", status: "401" }, "0+300x30"),
    ],
    alert_rule_test: [
      { alertname: "AuthFailureSpike", eval_time: "15m", exp_alerts: [] },
      { alertname: "AuthRateLimited", eval_time: "15m", exp_alerts: [] },
    ],
  },
  {
    name: "auth requests refused by the rate limit (429) fire AuthRateLimited",
    interval: "1m",
    input_series: [
      series("nginx_ingress_controller_requests", { ...AUTH_ENDPOINT, status: "429" }, "0+300x30"),
      series("nginx_ingress_controller_requests", { ...AUTH_ENDPOINT, status: "200" }, "0+300x30"),
    ],
    alert_rule_test: [{ alertname: "AuthRateLimited", eval_time: "15m", exp_alerts: [{ exp_labels: { ...AUTH_INGRESS, priority: "P3", team: "security" } }] }],
  },
];

PROMTOOL.describe("alert rules checked by promtool", () => {
  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it.each(["production", "staging"])("every %s rule group parses: expressions, durations and templates", (name) => {
    const file = write(`rules-${name}.yaml`, { groups: groupsOf(name) });
    const result = run(["check", "rules", file]);
    expect(result.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(result.status).toBe(0);
  });

  it("rejects a broken expression (the check is real)", () => {
    const file = write("rules-broken.yaml", { groups: [{ name: "broken", rules: [{ alert: "Broken", expr: "sum(rate(x[5m]) >" }] }] });
    expect(run(["check", "rules", file]).status).not.toBe(0);
  });

  it("the additional scrape jobs (ingress-nginx, the databases) are valid Prometheus configuration", () => {
    const [ingress, databases] = additionalScrapeConfigs({ username: "metrics", targets: ["https://db.example:9273/metrics"] });
    // promtool checks that the credential files exist: stand-ins for the mounted Secret's files.
    const password = write("password", "x");
    const ca = write("ca.crt", "x");
    const config = write("prometheus.yml", {
      scrape_configs: [ingress, { ...databases, basic_auth: { ...databases.basic_auth, password_file: password }, tls_config: { ca_file: ca } }],
    });
    const result = run(["check", "config", config]);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  it("fires the CPU, error-rate, latency, queue and failed-login alerts exactly when they should", () => {
    write("rules.yaml", withoutAnnotations(groupsOf("production")));
    const tests = write("rules.test.yaml", { rule_files: ["rules.yaml"], evaluation_interval: "1m", tests: UNIT_TESTS });
    const result = run(["test", "rules", tests]);
    expect(result.output).toContain("SUCCESS");
    expect(result.status).toBe(0);
  });

  it("fails a unit test whose expectation is wrong (the test is real)", () => {
    write("rules.yaml", withoutAnnotations(groupsOf("production")));
    const wrong = [{ ...UNIT_TESTS[3], alert_rule_test: [{ alertname: "HighLatency", eval_time: "15m", exp_alerts: [{ exp_labels: { ...SERVICE, priority: "P2" } }] }] }];
    const tests = write("rules-wrong.test.yaml", { rule_files: ["rules.yaml"], evaluation_interval: "1m", tests: wrong });
    expect(run(["test", "rules", tests]).status).not.toBe(0);
  });
});
