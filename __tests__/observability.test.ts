import { readFileSync } from "fs";
import { parse as parseYaml } from "yaml";
import { UptimeAlert } from "@cdktf/provider-digitalocean/lib/uptime-alert";
import { UptimeCheck } from "@cdktf/provider-digitalocean/lib/uptime-check";
import { projectPath } from "../config/paths";
import { SEED_ALERT_THRESHOLDS, SEED_BUSINESS_HOURS, SEED_ESCALATION, SEED_SLO_THRESHOLDS } from "../config/seed";
import { alertRuleGroups } from "../constructs/observability/alert-rules";
import { alertmanagerConfig, NOTIFIER_SECRET, SECURITY_RECEIVER } from "../constructs/observability/alertmanager-config";
import { APP_METRICS, seriesNames } from "../constructs/observability/app-metrics";
import { MONITORING_NAMESPACE, NODE_EXPORTER_NAMESPACE } from "../constructs/core/namespaces";
import { scalingPodMetrics } from "../constructs/platform/app-service";
import { metricsAdapterValues, PROMETHEUS_ADAPTER_CHART, SCALING_METRICS } from "../constructs/platform/metrics-adapter";
import { additionalScrapeConfigs, DASHBOARDS_DIR, dashboardFiles, KUBE_PROMETHEUS_STACK_CHART, monitoringValues } from "../constructs/observability/monitoring";
import { terraformLiteral } from "../constructs/core/terraform-literal";
import { environmentNamed, problemsOf, shippedConfig, type TerraformJson, releaseNamed, resourcesOf, synthesizedPlatform } from "./helpers";
import { loadPlatformConfig } from "../config";


const production = synthesizedPlatform("production");
const staging = synthesizedPlatform("staging");
const all = resourcesOf;
const release = releaseNamed;

const rules = (name: string) => {
  const { alerts, observability } = environmentNamed(name);
  return alertRuleGroups({ utilization: alerts.thresholds, service: observability.thresholds, security: observability.security }).flatMap((group) => group.rules);
};

describe("observability config", () => {
  it("defaults the thresholds and escalation to the guide's numbers", () => {
    for (const name of ["production", "staging"]) {
      expect(environmentNamed(name).observability.thresholds).toEqual(SEED_SLO_THRESHOLDS);
      expect(environmentNamed(name).observability.alerting.businessHours).toEqual(SEED_BUSINESS_HOURS);
    }
    expect(SEED_SLO_THRESHOLDS).toMatchObject({ latencySeconds: 2, pendingRequests: 100, hpaAtMaxMinutes: 15, certificateExpiryDays: 14 });
    expect(SEED_ESCALATION).toEqual({
      P1: { responseHours: 1, allHours: true },
      P2: { responseHours: 4, allHours: false },
      P3: { responseHours: 24, allHours: false },
      P4: { responseHours: 72, allHours: false },
    });
  });

  it("runs Prometheus and Alertmanager highly available in production", () => {
    const { observability } = environmentNamed("production");
    expect(observability.prometheus.replicas).toBeGreaterThanOrEqual(2);
    expect(observability.alertmanager.replicas).toBeGreaterThanOrEqual(2);
  });

  it("rejects broken values with one line each", () => {
    const config = shippedConfig();
    const observability = config.environments.staging.observability;
    observability.alerting.businessHours = { ...SEED_BUSINESS_HOURS, start: "18:00", end: "09:00", firstDay: "friday", lastDay: "monday" };
    observability.thresholds = { ...SEED_SLO_THRESHOLDS, errorRatio: 5 };
    observability.grafana.adminPasswordVariable = "Grafana-Password";
    expect(problemsOf(() => loadPlatformConfig(config))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^environments\.staging\.observability\.alerting\.businessHours\.start = "18:00": must be before end/),
        expect.stringMatching(/^environments\.staging\.observability\.alerting\.businessHours\.firstDay = "friday": must not come after lastDay/),
        expect.stringMatching(/^environments\.staging\.observability\.thresholds\.errorRatio = 5: a ratio below 1/),
        expect.stringMatching(/^environments\.staging\.observability\.grafana\.adminPasswordVariable = "Grafana-Password": a Terraform variable name/),
      ]),
    );
  });
});

describe("kube-prometheus-stack release", () => {
  const values = (json: TerraformJson) => release(json, "kube-prometheus-stack").values as string[];

  it("is pinned, in the monitoring namespace, with the shared release safety settings", () => {
    expect(release(production.json, "kube-prometheus-stack")).toMatchObject({
      repository: KUBE_PROMETHEUS_STACK_CHART.repository,
      chart: "kube-prometheus-stack",
      version: KUBE_PROMETHEUS_STACK_CHART.version,
      atomic: true,
      wait: true,
      max_history: 5,
    });
    expect(values(production.json)[0]).toBe(readFileSync(projectPath(KUBE_PROMETHEUS_STACK_CHART.baseValues), "utf8"));
  });

  it("enforces `restricted` in the monitoring namespace and `privileged` only where node-exporter runs alone", () => {
    const namespaces = all(production.json, "kubernetes_namespace_v1");
    const labels = (name: string) => namespaces.find((n) => n.metadata.name === name)!.metadata.labels;
    expect(labels(MONITORING_NAMESPACE)).toMatchObject({ "pod-security.kubernetes.io/enforce": "restricted" });
    expect(labels(NODE_EXPORTER_NAMESPACE)).toMatchObject({
      "pod-security.kubernetes.io/enforce": "privileged",
      "pod-security.kubernetes.io/warn": "restricted",
      "pod-security.kubernetes.io/audit": "restricted",
    });
    const { observability, alerts } = environmentNamed("production");
    expect(monitoringValues({ observability, alerts, ruleGroups: {}, dataSources: [] })["prometheus-node-exporter"]).toEqual({ namespaceOverride: NODE_EXPORTER_NAMESPACE });
  });

  it("denies by default and opens only what the components need", () => {
    const policies = all(production.json, "kubernetes_network_policy_v1").filter((p) => String(p.metadata.namespace).includes("monitoring_namespace"));
    const byName = Object.fromEntries(policies.map((p) => [p.metadata.name, p.spec]));
    expect(byName["default-deny-all"]).toEqual({ pod_selector: {}, policy_types: ["Ingress", "Egress"] });
    // grafana-to-loki: Grafana's egress to Loki (constructs/observability/logging.ts, tested in logging.test.ts).
    expect(Object.keys(byName).sort()).toEqual(["alertmanager-notify", "default-deny-all", "grafana-to-loki", "monitoring-internal", "operator-webhook", "prometheus-adapter", "prometheus-scrape"]);
    const ports = (rules: TerraformJson[]) => rules.flatMap((rule) => (rule.ports ?? []).map((port: TerraformJson) => port.port));
    expect(ports(byName["prometheus-scrape"].egress)).toEqual(expect.arrayContaining(["9100", "10250", "9273"]));
    expect(ports(byName["alertmanager-notify"].egress)).toEqual(["443", "587"]);
  });

  it("sizes Prometheus, Alertmanager and Grafana from the config, on DigitalOcean block storage that outlives its claims", () => {
    const environment = environmentNamed("production");
    const overrides = monitoringValues({ observability: environment.observability, alerts: environment.alerts, ruleGroups: {}, dataSources: [] });
    expect(overrides.prometheus.prometheusSpec).toMatchObject({
      replicas: 2,
      retention: "30d",
      retentionSize: "90GB",
      storageSpec: { volumeClaimTemplate: { spec: { storageClassName: "do-block-storage-retain", resources: { requests: { storage: "100Gi" } } } } },
    });
    expect(overrides.alertmanager.alertmanagerSpec).toMatchObject({ replicas: 2, storage: { volumeClaimTemplate: { spec: { storageClassName: "do-block-storage-retain" } } } });
    expect(overrides.grafana.persistence).toEqual({ storageClassName: "do-block-storage-retain", size: "10Gi" });
    const stagingEnv = environmentNamed("staging");
    const stagingOverrides = monitoringValues({ observability: stagingEnv.observability, alerts: stagingEnv.alerts, ruleGroups: {}, dataSources: [] });
    expect(stagingOverrides.prometheus.prometheusSpec).toMatchObject({ replicas: 1, retention: "7d" });
    // Disruption budgets only where a second replica keeps serving; with one they would block node drains.
    expect([overrides.prometheus.podDisruptionBudget, overrides.alertmanager.podDisruptionBudget]).toEqual([{ enabled: true }, { enabled: true }]);
    expect([stagingOverrides.prometheus.podDisruptionBudget, stagingOverrides.alertmanager.podDisruptionBudget]).toEqual([{ enabled: false }, { enabled: false }]);
  });

  it("keeps every credential out of values and synthesized JSON: Secrets from sensitive variables, files in the config", () => {
    for (const [{ json, synthesized }, webhook] of [[production, "alerts_slack_webhook_url"], [staging, "alerts_staging_slack_webhook_url"]] as const) {
      // Exactly the configured names: users set TF_VAR_alerts_smtp_password, TF_VAR_grafana_admin_password.
      for (const name of [webhook, "alerts_smtp_password", "grafana_admin_password"]) {
        expect(json.variable[name]).toMatchObject({ type: "string", sensitive: true, nullable: false });
      }
      const secrets = all(json, "kubernetes_secret_v1");
      const notifiers = secrets.find((s) => s.metadata.name === NOTIFIER_SECRET)!;
      expect(notifiers.data["slack-webhook-0"]).toBe(`\${var.${webhook}}`);
      expect(notifiers.data["smtp-password"]).toBe("${var.alerts_smtp_password}");
      const grafana = secrets.find((s) => s.metadata.name === "grafana-admin")!;
      expect(grafana.data["admin-password"]).toBe("${var.grafana_admin_password}");
      const rendered = values(json).join("\n");
      expect(rendered).not.toMatch(/hooks\.slack\.com|api_url[^_]|smtp_auth_password[^_]|adminPassword/);
      expect(rendered).toMatch(/api_url_file/);
      expect(rendered).toMatch(/smtp_auth_password_file/);
      expect(synthesized).not.toMatch(/hooks\.slack\.com/);
    }
  });

  it("ships the alert rules through the chart's values, not as a custom resource", () => {
    const overrides = parseYaml(values(production.json)[1]);
    expect(overrides.additionalPrometheusRulesMap.cryptopulse.groups.flatMap((group: { rules: { alert: string }[] }) => group.rules.map((rule) => rule.alert))).toContain("HighErrorRate");
    expect(JSON.stringify(production.json.resource)).not.toMatch(/kubernetes_manifest/);
  });

  it("passes the plain-YAML overrides through Terraform unchanged", () => {
    expect(terraformLiteral("a ${b} %{c} {{ $labels.x }} $d")).toBe("a $${b} %%{c} {{ $labels.x }} $d");
    expect(values(production.json)[1]).not.toMatch(/(^|[^$])\$\{|(^|[^%])%\{/);
  });

  it("provisions every dashboard file as a ConfigMap the Grafana sidecar picks up", () => {
    const maps = all(production.json, "kubernetes_config_map_v1").filter((m) => m.metadata.labels?.grafana_dashboard === "1");
    expect(maps.map((m) => Object.keys(m.data)[0]).sort()).toEqual(dashboardFiles());
    expect(dashboardFiles()).toEqual(["business.json", "data-layer.json", "platform.json"]);
  });

  it("installs the app services after kube-prometheus-stack, so their chart finds the ServiceMonitor CRD", () => {
    const monitoringAddress = Object.entries(production.json.resource.helm_release as Record<string, TerraformJson>).find(([, r]) => r.name === "kube-prometheus-stack")![0];
    for (const service of ["frontend", "backend", "functions"]) {
      expect(release(production.json, service).depends_on).toContain(`helm_release.${monitoringAddress}`);
    }
  });

  it("scrapes ingress-nginx's controller pods and the databases' metrics endpoints with their credentials", () => {
    const [ingress, databases] = additionalScrapeConfigs({ username: "metrics-user", targets: ["https://db.example:9273/metrics"] });
    expect(ingress).toMatchObject({ job_name: "ingress-nginx", honor_labels: true, kubernetes_sd_configs: [{ role: "pod", namespaces: { names: ["ingress-nginx"] } }] });
    expect(databases).toMatchObject({
      job_name: "digitalocean-databases",
      scheme: "https",
      basic_auth: { username: "metrics-user", password_file: "/etc/prometheus/secrets/database-metrics/password" },
      tls_config: { ca_file: "/etc/prometheus/secrets/database-metrics/ca.crt" },
    });
    const url = "https://db.example:9273/metrics";
    const [pathRule, , addressRule] = databases.relabel_configs as { regex: string; replacement: string }[];
    expect(url.replace(new RegExp(`^${pathRule.regex}$`), pathRule.replacement)).toBe("/metrics");
    expect(url.replace(new RegExp(`^${addressRule.regex}$`), addressRule.replacement)).toBe("db.example:9273");
    const scrape = values(production.json)[2];
    expect(scrape).toMatch(/^\$\{yamlencode\(/);
    expect(scrape).toMatch(/metrics_endpoints/);
    expect(scrape).toMatch(/digitalocean_database_metrics_credentials\.[\w-]+\.username/);
    const secret = all(production.json, "kubernetes_secret_v1").find((s) => s.metadata.name === "database-metrics")!;
    expect(secret.data.password).toMatch(/^\$\{data\.digitalocean_database_metrics_credentials\.[\w-]+\.password\}$/);
  });
});

describe("alert rules", () => {
  const REQUIRED = [
    "NodeCpuHigh", "PodCpuHigh", "NodeMemoryHigh", "PodMemoryHigh", "NodeDiskHigh", "VolumeFillingUp", "HighErrorRate", "HighLatency",
    "RequestsQueued", "PodCrashLooping", "HpaAtMaximum", "TargetDown", "CertificateExpiringSoon", "AuthFailureSpike", "AuthRateLimited",
  ];

  it("covers every alert the issue names, each with a priority, summary, description and runbook", () => {
    const production = rules("production");
    expect(production.map((rule) => rule.alert).sort()).toEqual([...REQUIRED].sort());
    for (const rule of production) {
      expect(Object.keys(SEED_ESCALATION)).toContain(rule.labels.priority);
      expect(rule.annotations.summary.length).toBeGreaterThan(10);
      expect(rule.annotations.description.length).toBeGreaterThan(10);
      expect(rule.annotations.runbook.length).toBeGreaterThan(20);
    }
  });

  it("takes its thresholds from the config", () => {
    const byName = Object.fromEntries(rules("production").map((rule) => [rule.alert, rule]));
    expect(byName.NodeCpuHigh.expr).toMatch(new RegExp(`> ${SEED_ALERT_THRESHOLDS.cpuPercent}$`));
    expect(byName.NodeCpuHigh.for).toBe(SEED_ALERT_THRESHOLDS.window);
    expect(byName.NodeMemoryHigh.expr).toMatch(/> 80$/);
    expect(byName.HighLatency.expr).toMatch(/^histogram_quantile\(0\.95, .*\) > 2$/);
    expect(byName.RequestsQueued.expr).toMatch(/> 100$/);
    expect(byName.HpaAtMaximum.for).toBe("15m");
    expect(byName.CertificateExpiringSoon.expr).toMatch(/< 14$/);
    const changed = alertRuleGroups({
      utilization: { ...SEED_ALERT_THRESHOLDS, cpuPercent: 55 },
      service: { ...SEED_SLO_THRESHOLDS, latencySeconds: 1.5, errorRatio: 0.01 },
      security: { authFailuresPerSecond: 2.5, authFailureRatio: 0.8 },
    }).flatMap((group) => group.rules);
    const changedByName = Object.fromEntries(changed.map((rule) => [rule.alert, rule]));
    expect(changedByName.NodeCpuHigh.expr).toMatch(/> 55$/);
    expect(changedByName.HighLatency.expr).toMatch(/> 1\.5$/);
    expect(changedByName.HighErrorRate.expr).toContain("> 0.01)");
    expect(changedByName.AuthFailureSpike.expr).toMatch(/ > 2\.5 and .* > 0\.8$/);
    expect(changedByName.AuthRateLimited.expr).toMatch(/ > 2\.5$/);
  });
});

describe("Alertmanager routing", () => {
  const environment = environmentNamed("production");
  const config = alertmanagerConfig({ alerts: environment.alerts, alerting: environment.observability.alerting });
  type Receiver = { name: string; slack_configs: { api_url_file: string }[]; email_configs?: { to: string }[] };
  type Route = { receiver: string; matchers: string[]; repeat_interval: string; active_time_intervals?: string[] };
  const receiver = (name: string) => config.receivers.find((r) => r.name === name) as Receiver;
  /** The on-call route of a matcher (security routes match priorities too, with their team). */
  const routeFor = (matcher: string) => config.route.routes.find((route) => route.matchers.includes(matcher) && !route.matchers.includes('team = "security"')) as Route;

  it("sends P1 to Slack and email at once, around the clock, repeating every hour until resolved", () => {
    const p1 = routeFor('priority = "P1"');
    expect(p1).not.toHaveProperty("active_time_intervals");
    expect(p1.repeat_interval).toBe("1h");
    expect(receiver(p1.receiver).slack_configs).toHaveLength(environment.alerts.slack.length);
    expect(receiver(p1.receiver).email_configs!.map((email) => email.to)).toEqual(environment.alerts.emails);
  });

  it.each([
    ["P2", "4h", "critical"],
    ["P3", "24h", "warning"],
    ["P4", "72h", "info"],
  ])("sends %s to Slack in business hours only, repeating every %s; the chart's %s alerts join it", (priority, repeat, severity) => {
    for (const route of [routeFor(`priority = "${priority}"`), routeFor(`severity = "${severity}"`)]) {
      expect(route.active_time_intervals).toEqual(["business-hours"]);
      expect(route.repeat_interval).toBe(repeat);
      expect(receiver(route.receiver).slack_configs).toHaveLength(1);
      expect(receiver(route.receiver)).not.toHaveProperty("email_configs");
    }
  });

  it("defines business hours from the config", () => {
    expect(config.time_intervals).toEqual([
      { name: "business-hours", time_intervals: [{ weekdays: ["monday:friday"], times: [{ start_time: "09:00", end_time: "18:00" }], location: "Europe/Berlin" }] },
    ]);
  });

  it("groups per alert and service, and lets a higher priority silence the lower ones of the same service", () => {
    expect(config.route.group_by).toEqual(["alertname", "namespace", "service"]);
    expect(config.inhibit_rules[0]).toEqual({ source_matchers: ['priority = "P1"'], target_matchers: ['priority =~ "P2|P3|P4"', 'team != "security"'], equal: ["namespace", "service"] });
    expect(config.inhibit_rules[2]).toEqual({ source_matchers: ['priority = "P3"'], target_matchers: ['priority =~ "P4"', 'team != "security"'], equal: ["namespace", "service"] });
  });

  it("reads secrets from files only", () => {
    expect(config.global.smtp_auth_password_file).toBe(`/etc/alertmanager/secrets/${NOTIFIER_SECRET}/smtp-password`);
    expect(receiver("p1-slack-email").slack_configs[0].api_url_file).toBe(`/etc/alertmanager/secrets/${NOTIFIER_SECRET}/slack-webhook-0`);
    expect(JSON.stringify(config)).not.toMatch(/"api_url"|"smtp_auth_password"/);
  });

  it("sends security alerts to the security contact and the Slack channels, before any on-call route, timed by their priority", () => {
    const security = config.route.routes.filter((route) => route.matchers.includes('team = "security"')) as Route[];
    expect(security.map((route) => route.matchers[1])).toEqual(['priority = "P1"', 'priority = "P2"', 'priority = "P3"', 'priority = "P4"']);
    expect(config.route.routes.indexOf(security[0])).toBeLessThan(config.route.routes.findIndex((route) => route.matchers.includes('priority = "P1"') && route.receiver !== SECURITY_RECEIVER));
    for (const route of security) expect(route.receiver).toBe(SECURITY_RECEIVER);
    expect(security[0]).not.toHaveProperty("active_time_intervals");
    expect(security[1]).toMatchObject({ active_time_intervals: ["business-hours"], repeat_interval: "4h" });
    expect(receiver(SECURITY_RECEIVER).email_configs!.map((email) => email.to)).toEqual(["security@cryptopulse.app"]);
    expect(receiver(SECURITY_RECEIVER).slack_configs).toHaveLength(environment.alerts.slack.length);
    // An outage's P1 never silences a security alert.
    for (const inhibit of config.inhibit_rules.filter((rule) => rule.source_matchers[0].startsWith("priority"))) expect(inhibit.target_matchers).toContain('team != "security"');
  });

  it("notifies nothing in staging outside business hours, and mails none of production's contacts but the security team", () => {
    const staging = environmentNamed("staging");
    const stagingConfig = alertmanagerConfig({ alerts: staging.alerts, alerting: staging.observability.alerting });
    for (const route of stagingConfig.route.routes.filter((route) => route.receiver !== "null")) expect(route).toMatchObject({ active_time_intervals: ["business-hours"] });
    const mailed = stagingConfig.receivers.flatMap((r) => ("email_configs" in r ? r.email_configs!.map((email) => email.to) : []));
    expect(mailed.filter((to) => environment.alerts.emails.includes(to))).toEqual([]);
    expect([...new Set(mailed)].sort()).toEqual([...staging.alerts.emails, ...staging.alerts.securityEmails].sort());
  });
});

describe("uptime checks", () => {
  it("check the apex, app. and api. /health over HTTPS and alert on down, latency and SSL expiry to the contacts", () => {
    for (const host of ["cryptopulse.com", "app.cryptopulse.com", "api.cryptopulse.com"]) {
      expect(production.synthesized).toHaveResourceWithProperties(UptimeCheck, { target: `https://${host}/health`, type: "https", enabled: true });
    }
    const alerts = all(production.json, "digitalocean_uptime_alert");
    expect(alerts).toHaveLength(9);
    expect(production.synthesized).toHaveResourceWithProperties(UptimeAlert, { type: "latency", threshold: 2000, comparison: "greater_than", period: "2m" });
    expect(production.synthesized).toHaveResourceWithProperties(UptimeAlert, { type: "ssl_expiry", threshold: 14, comparison: "less_than" });
    expect(production.synthesized).toHaveResourceWithProperties(UptimeAlert, { type: "down_global", period: "2m" });
    for (const alert of alerts) {
      expect(alert.notifications[0].email).toEqual(environmentNamed("production").alerts.emails);
      expect(alert.notifications[0].slack[0]).toEqual({ channel: "#cryptopulse-alerts", url: "${var.alerts_slack_webhook_url}" });
    }
  });
});

describe("scaling on the guide's traffic triggers", () => {
  it("serves requests in flight and each pod's p95 from Prometheus through a pinned prometheus-adapter, after Prometheus", () => {
    const adapter = release(production.json, "prometheus-adapter");
    expect(adapter).toMatchObject({ repository: PROMETHEUS_ADAPTER_CHART.repository, version: PROMETHEUS_ADAPTER_CHART.version, atomic: true });
    expect(adapter.namespace).toMatch(/monitoring_namespace/);
    const monitoringAddress = Object.entries(production.json.resource.helm_release as Record<string, TerraformJson>).find(([, r]) => r.name === "kube-prometheus-stack")![0];
    expect(adapter.depends_on).toContain(`helm_release.${monitoringAddress}`);
    const values = metricsAdapterValues({ prometheusUrl: "http://kube-prometheus-stack-prometheus.monitoring.svc", replicas: 2 });
    expect(values.rules.default).toBe(false);
    expect(values.rules.custom.map((rule) => rule.name.as)).toEqual([SCALING_METRICS.requestsInFlight, SCALING_METRICS.latencyP95]);
    const contract = new Set(APP_METRICS.flatMap(seriesNames));
    for (const rule of values.rules.custom) expect(contract).toContain(rule.seriesQuery.replace(/\{.*$/, ""));
  });

  it("gives every app service's HPA the queue-length and latency targets from the config, beside CPU and memory", () => {
    expect(scalingPodMetrics(environmentNamed("production"))).toEqual([
      { name: "http_requests_in_flight", averageValue: "100" },
      { name: "http_request_duration_seconds_p95", averageValue: "2000m" },
    ]);
    const environment = environmentNamed("staging");
    const changed = { ...environment, observability: { ...environment.observability, thresholds: { ...environment.observability.thresholds, pendingRequests: 40, latencySeconds: 1.5 } } };
    expect(scalingPodMetrics(changed)).toEqual([
      { name: "http_requests_in_flight", averageValue: "40" },
      { name: "http_request_duration_seconds_p95", averageValue: "1500m" },
    ]);
  });
});

/**
 * Metric names each exporter of the stack provides (the subset the rules and dashboards may use), and
 * the app contract of constructs/observability/app-metrics.ts. A panel or rule querying anything else is a mistake.
 */
const EXPORTERS: Record<string, readonly string[]> = {
  "node-exporter": [
    "node_cpu_seconds_total", "node_memory_MemAvailable_bytes", "node_memory_MemTotal_bytes", "node_filesystem_avail_bytes",
    "node_filesystem_size_bytes", "node_network_receive_bytes_total", "node_network_transmit_bytes_total",
  ],
  "kube-state-metrics": [
    "kube_pod_container_resource_requests", "kube_pod_container_resource_limits", "kube_pod_container_status_waiting_reason",
    "kube_pod_status_ready", "kube_horizontalpodautoscaler_status_current_replicas", "kube_horizontalpodautoscaler_spec_max_replicas",
  ],
  "kubelet/cAdvisor": ["container_cpu_usage_seconds_total", "container_memory_working_set_bytes", "kubelet_volume_stats_available_bytes", "kubelet_volume_stats_capacity_bytes"],
  "ingress-nginx": ["nginx_ingress_controller_requests", "nginx_ingress_controller_request_duration_seconds_bucket", "nginx_ingress_controller_ssl_expire_time_seconds"],
  prometheus: ["up"],
  "app contract": APP_METRICS.flatMap(seriesNames),
};
const KNOWN_METRICS = new Set(Object.values(EXPORTERS).flat());
const PROMQL_WORDS = new Set([
  "sum", "avg", "max", "min", "count", "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "rate", "irate", "increase",
  "histogram_quantile", "predict_linear", "max_over_time", "min_over_time", "avg_over_time", "time", "abs", "clamp_min", "bool", "offset",
]);

/** The metric names a PromQL expression reads: identifiers outside label matchers, grouping clauses, strings and ranges. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, " ")
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  return [...stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((match) => match[0]).filter((word) => !PROMQL_WORDS.has(word) && !/^\d/.test(word) && !/^e\d*$/.test(word));
}

describe("dashboards", () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- Grafana's dashboard JSON is untyped here
  const dashboards = dashboardFiles().map((file) => ({ file, json: JSON.parse(readFileSync(projectPath(`${DASHBOARDS_DIR}/${file}`), "utf8")) as Record<string, any> }));

  it("covers the platform, the data layer and the business metrics, with unique uids", () => {
    expect(dashboards.map((d) => d.json.uid).sort()).toEqual(["cryptopulse-business", "cryptopulse-data-layer", "cryptopulse-platform"]);
    for (const { json } of dashboards) {
      expect(json.panels.length).toBeGreaterThan(3);
      for (const panel of json.panels) expect(panel.targets.length).toBeGreaterThan(0);
    }
  });

  it("shows the guide's business metrics: trades, win/loss, profit/loss, active users, registrations", () => {
    const business = JSON.stringify(dashboards.find((d) => d.file === "business.json")!.json);
    for (const metric of ["cryptopulse_trades_executed_total", "outcome=\\\"win\\\"", "cryptopulse_trade_profit_usd_total", "cryptopulse_trade_loss_usd_total", "cryptopulse_active_users", "cryptopulse_user_registrations_total"]) {
      expect(business).toContain(metric);
    }
  });

  it.each(dashboardFiles())("%s queries only metrics that an exporter or the app contract provides", (file) => {
    const { json } = dashboards.find((d) => d.file === file)!;
    const unknown = json.panels.flatMap((panel: { title: string; targets: { expr: string }[] }) =>
      panel.targets.flatMap((target) => metricNames(target.expr).filter((name) => !KNOWN_METRICS.has(name)).map((name) => `${panel.title}: ${name}`)),
    );
    expect(unknown).toEqual([]);
  });

  it("alert rules query only metrics that an exporter or the app contract provides", () => {
    const unknown = rules("production").flatMap((rule) => metricNames(rule.expr).filter((name) => !KNOWN_METRICS.has(name)).map((name) => `${rule.alert}: ${name}`));
    expect(unknown).toEqual([]);
  });

  it("the metric check catches an unknown metric", () => {
    expect(metricNames('sum by (service) (rate(made_up_total{status=~"5.."}[5m])) / on(service) up').filter((name) => !KNOWN_METRICS.has(name))).toEqual(["made_up_total"]);
  });
});
