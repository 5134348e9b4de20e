import { readdirSync, readFileSync } from "fs";
import { Fn } from "cdktf";
import type { Construct } from "constructs";
import { DataDigitaloceanDatabaseCa } from "@cdktf/provider-digitalocean/lib/data-digitalocean-database-ca";
import { DataDigitaloceanDatabaseMetricsCredentials } from "@cdktf/provider-digitalocean/lib/data-digitalocean-database-metrics-credentials";
import type { DatabaseCluster } from "@cdktf/provider-digitalocean/lib/database-cluster";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import type { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import type { AlertsConfig } from "../../config";
import type { ObservabilityConfig } from "../../config/observability";
import { projectPath } from "../../config/paths";
import type { GrafanaDataSource, RuleGroup } from "../core/rule-groups";
import { alertRuleGroups } from "./alert-rules";
import { alertmanagerConfig, NOTIFIER_SECRET, slackWebhookKey, SMTP_PASSWORD_KEY } from "./alertmanager-config";
import { INGRESS_NAMESPACE, MONITORING_NAMESPACE, NODE_EXPORTER_NAMESPACE } from "../core/namespaces";
import { ClusterAddon, type HelmChart } from "../core/cluster-addon";
import type { PinnedRelease } from "../core/pinned-release";
import { SensitiveVariable } from "../core/sensitive-variable";
import { RETAINED_BLOCK_STORAGE } from "../core/storage";
import { DNS_EGRESS, SecureNamespace, tcpPorts } from "../core/secure-namespace";
import { terraformYamlDocument } from "../core/yaml-document";
import { yamlencode } from "../core/yamlencode";

/** The kube-prometheus-stack chart this project is written and checked against (operator v0.93, CRDs for Kubernetes 1.35). */
export const KUBE_PROMETHEUS_STACK_CHART = {
  repository: "https://prometheus-community.github.io/helm-charts",
  chart: "kube-prometheus-stack",
  version: "88.5.3",
  baseValues: "helm-values/kube-prometheus-stack.yaml",
} as const satisfies HelmChart;

/** The Service the chart puts in front of Prometheus (`<release>-prometheus`). */
export const PROMETHEUS_SERVICE = "kube-prometheus-stack-prometheus";
/** Grafana dashboards, one JSON file each, provisioned through the Grafana sidecar. */
export const DASHBOARDS_DIR = "dashboards";
/** The label the Grafana sidecar watches (helm-values/kube-prometheus-stack.yaml). */
export const DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;

const GRAFANA_ADMIN_SECRET = "grafana-admin";
const DATABASE_METRICS_SECRET = "database-metrics";
/** The port DigitalOcean managed databases serve Prometheus metrics on. */
export const DATABASE_METRICS_PORT = 9273;
/** Ports on node IPs and outside the cluster Prometheus scrapes: the API server, node-exporter (host network), kubelet, the databases. */
const PROMETHEUS_EXTERNAL_PORTS = [443, 6443, 9100, 10250, DATABASE_METRICS_PORT] as const;
/** The API server (DOKS serves it on 443; 6443 on the endpoint). */
const API_SERVER_PORTS = [443, 6443] as const;
/** The prometheus-operator's admission webhook, called by the API server. */
const OPERATOR_WEBHOOK_PORT = 10250;

export interface MonitoringProps {
  readonly observability: ObservabilityConfig;
  readonly alerts: AlertsConfig;
  /** Webhook URLs of `alerts.slack`, in order (sensitive variable references from AlertContacts). */
  readonly slackWebhookUrls: readonly string[];
  /** The managed database clusters whose metrics endpoints Prometheus scrapes. */
  readonly databases: readonly DatabaseCluster[];
  /** Alert rule groups of the other add-ons, by name (e.g. the backups' rules). */
  readonly ruleGroups: MonitoringValuesInputs["ruleGroups"];
  /** Grafana data sources of the other add-ons (e.g. Loki). */
  readonly dataSources: MonitoringValuesInputs["dataSources"];
}

/**
 * kube-prometheus-stack in its own `monitoring` namespace: the Prometheus
 * Operator, Prometheus and Alertmanager (highly available when the config
 * gives them more than one replica, each on its own DigitalOcean volume),
 * Grafana with the repository's dashboards, kube-state-metrics and
 * node-exporter. Credentials reach the pods only through Kubernetes Secrets
 * filled from sensitive variables and data sources; values hold file paths.
 */
export class Monitoring extends ClusterAddon {
  readonly nodeExporterNamespace: SecureNamespace;
  readonly release: PinnedRelease;
  /** Prometheus' in-cluster URL, for the add-ons that query it. */
  readonly prometheusUrl = `http://${PROMETHEUS_SERVICE}.${MONITORING_NAMESPACE}.svc`;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id, { namespace: { name: MONITORING_NAMESPACE, enforce: "restricted" } });
    const { observability } = props;
    // node-exporter reads the host's /proc, /sys and root file system on the host network and PID
    // namespace: `baseline` forbids each of those, so it runs alone in a namespace that enforces
    // `privileged` (still warning and auditing against `restricted`). Everything else of the chart
    // passes `restricted` and runs in the monitoring namespace, which enforces it.
    this.nodeExporterNamespace = new SecureNamespace(this, "node-exporter-namespace", { name: NODE_EXPORTER_NAMESPACE, enforce: "privileged" });
    const namespace = this.namespaceName;
    const policies = this.networkPolicies(observability);

    const grafanaPassword = SensitiveVariable.of(this, {
      name: observability.grafana.adminPasswordVariable,
      purpose: `Grafana admin password (the Secret ${GRAFANA_ADMIN_SECRET})`,
    });
    const smtpPassword = SensitiveVariable.of(this, {
      name: observability.alerting.smtp.passwordVariable,
      purpose: `SMTP password Alertmanager sends alert emails with (the Secret ${NOTIFIER_SECRET})`,
    });
    const grafanaAdmin = new SecretV1(this, "grafana-admin", {
      metadata: { name: GRAFANA_ADMIN_SECRET, namespace },
      data: { "admin-user": "admin", "admin-password": grafanaPassword.stringValue },
    });
    const notifiers = new SecretV1(this, "alertmanager-notifiers", {
      metadata: { name: NOTIFIER_SECRET, namespace },
      data: {
        [SMTP_PASSWORD_KEY]: smtpPassword.stringValue,
        ...Object.fromEntries(props.slackWebhookUrls.map((url, index) => [slackWebhookKey(index), url])),
      },
    });
    // DigitalOcean's metrics credentials are account-wide; the CA bundle holds each cluster's CA.
    const credentials = new DataDigitaloceanDatabaseMetricsCredentials(this, "database-metrics-credentials", {});
    const authorities = props.databases.map(
      (cluster, index) => new DataDigitaloceanDatabaseCa(this, `database-ca-${index}`, { clusterId: cluster.id }).certificate,
    );
    const databaseMetrics = new SecretV1(this, "database-metrics", {
      metadata: { name: DATABASE_METRICS_SECRET, namespace },
      data: { password: credentials.password, "ca.crt": Fn.join("\n", authorities) },
    });

    const dashboards = dashboardFiles().map(
      (file) =>
        new ConfigMapV1(this, `dashboard-${file.replace(/\.json$/, "")}`, {
          metadata: { name: `dashboard-${file.replace(/\.json$/, "")}`, namespace, labels: { ...DASHBOARD_LABEL } },
          data: { [file]: readFileSync(projectPath(`${DASHBOARDS_DIR}/${file}`), "utf8") },
        }),
    );

    this.release = this.installChart("release", {
      name: "kube-prometheus-stack",
      chart: KUBE_PROMETHEUS_STACK_CHART,
      // CRDs, the operator's webhook certificate job, then Prometheus and Alertmanager volumes attaching.
      timeout: 900,
      // The overrides without references as plain YAML (readable in a plan, nothing for Terraform to
      // evaluate); only the scrape jobs, which name stack outputs, go through yamlencode.
      overrides: [
        terraformYamlDocument(monitoringValues({ observability, alerts: props.alerts, ruleGroups: props.ruleGroups, dataSources: props.dataSources })),
        yamlencode(
          scrapeValues({
            username: credentials.username,
            targets: Fn.concat(props.databases.map((cluster) => cluster.metricsEndpoints)),
          }),
        ),
      ],
      dependsOn: [...policies, grafanaAdmin, notifiers, databaseMetrics, ...dashboards, this.nodeExporterNamespace.namespace],
    });
  }

  /** What each component needs on top of the namespace's default deny. */
  private networkPolicies(observability: ObservabilityConfig): NetworkPolicyV1[] {
    const anywhere = [{ ipBlock: { cidr: "0.0.0.0/0" } }];
    const byName = (name: string) => ({ matchLabels: { "app.kubernetes.io/name": name } });
    const smtpPort = Number(observability.alerting.smtp.smarthost.split(":")[1]);
    return [
      // Components talk to each other (Grafana → Prometheus, Prometheus ↔ Alertmanager, Alertmanager
      // cluster gossip), resolve names and watch the Kubernetes API.
      this.networkPolicy("monitoring-internal", {
        name: "monitoring-internal",
        podSelector: {},
        ingress: [{ from: [{ podSelector: {} }] }],
        egress: [{ to: [{ podSelector: {} }] }, DNS_EGRESS, { to: anywhere, ports: tcpPorts(API_SERVER_PORTS) }],
      }),
      // Prometheus scrapes pods in every namespace, node-exporter and the kubelet on node IPs, and the
      // databases' metrics endpoints.
      this.networkPolicy("prometheus-scrape", {
        name: "prometheus-scrape",
        podSelector: byName("prometheus"),
        egress: [{ to: [{ namespaceSelector: {} }] }, { to: anywhere, ports: tcpPorts(PROMETHEUS_EXTERNAL_PORTS) }],
      }),
      // The API server calls the operator's admission webhook (it validates PrometheusRules).
      this.networkPolicy("operator-webhook", {
        name: "operator-webhook",
        podSelector: { matchLabels: { app: "kube-prometheus-stack-operator" } },
        ingress: [{ ports: tcpPorts([OPERATOR_WEBHOOK_PORT]) }],
      }),
      // Alertmanager reaches Slack (HTTPS) and the SMTP relay.
      this.networkPolicy("alertmanager-notify", {
        name: "alertmanager-notify",
        podSelector: byName("alertmanager"),
        egress: [{ to: anywhere, ports: tcpPorts([443, smtpPort]) }],
      }),
    ];
  }
}

/** The dashboard files, sorted. */
export function dashboardFiles(): string[] {
  return readdirSync(projectPath(DASHBOARDS_DIR))
    .filter((file) => file.endsWith(".json"))
    .sort();
}

export interface MonitoringValuesInputs {
  readonly observability: ObservabilityConfig;
  readonly alerts: AlertsConfig;
  /** The alert rule groups other add-ons ship, by the name of their PrometheusRule, next to the platform's own. */
  readonly ruleGroups: Readonly<Record<string, readonly RuleGroup[]>>;
  /** Grafana data sources other add-ons serve, next to the chart's Prometheus. */
  readonly dataSources: readonly GrafanaDataSource[];
}

/** The databases' metrics endpoints (URLs) and the account's metrics user. */
export interface DatabaseScrape {
  readonly username: string;
  readonly targets: string[];
}

/** The values holding the scrape jobs Prometheus needs beyond ServiceMonitors (a list: one values file sets it whole). */
export function scrapeValues(databaseScrape: DatabaseScrape) {
  return { prometheus: { prometheusSpec: { additionalScrapeConfigs: additionalScrapeConfigs(databaseScrape) } } };
}

/** The scrape jobs Prometheus needs beyond ServiceMonitors. Exported for tests. */
export function additionalScrapeConfigs(databaseScrape: DatabaseScrape) {
  const secretDir = `/etc/prometheus/secrets/${DATABASE_METRICS_SECRET}`;
  return [
    {
      // ingress-nginx's controller pods, scraped directly: a ServiceMonitor from the ingress chart would
      // need this chart's CRDs at the ingress release's install, coupling the two releases' order.
      // honor_labels keeps the metrics' own namespace/service (the upstream's), which the alerts group by.
      job_name: "ingress-nginx",
      honor_labels: true,
      kubernetes_sd_configs: [{ role: "pod", namespaces: { names: [INGRESS_NAMESPACE] } }],
      relabel_configs: [
        {
          source_labels: ["__meta_kubernetes_pod_label_app_kubernetes_io_component", "__meta_kubernetes_pod_container_port_number"],
          regex: "controller;10254",
          action: "keep",
        },
        { source_labels: ["__meta_kubernetes_pod_name"], target_label: "controller_pod_name" },
      ],
    },
    {
      // DigitalOcean managed databases: metrics URLs such as https://<host>:9273/metrics, behind the
      // account's metrics credentials and each cluster's own CA.
      job_name: "digitalocean-databases",
      scheme: "https",
      basic_auth: { username: databaseScrape.username, password_file: `${secretDir}/password` },
      tls_config: { ca_file: `${secretDir}/ca.crt` },
      static_configs: [{ targets: databaseScrape.targets }],
      relabel_configs: [
        { source_labels: ["__address__"], regex: "https?://([^/]+)(/.+)", target_label: "__metrics_path__", replacement: "$2" },
        { source_labels: ["__address__"], regex: "https?://([^/]+)(/.+)", target_label: "instance", replacement: "$1" },
        { source_labels: ["__address__"], regex: "https?://([^/]+)(/.+)", target_label: "__address__", replacement: "$1" },
      ],
    },
  ];
}

/** The per-environment values, on top of the base file. Exported for the key check against the chart. */
export function monitoringValues({ observability, alerts, ruleGroups, dataSources }: MonitoringValuesInputs) {
  const { prometheus, alertmanager, grafana } = observability;
  const volume = (gib: number) => ({
    volumeClaimTemplate: {
      spec: { storageClassName: RETAINED_BLOCK_STORAGE, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: `${gib}Gi` } } },
    },
  });
  return {
    additionalPrometheusRulesMap: {
      cryptopulse: { groups: alertRuleGroups({ utilization: alerts.thresholds, service: observability.thresholds, security: observability.security }) },
      ...Object.fromEntries(Object.entries(ruleGroups).map(([name, groups]) => [name, { groups }])),
    },
    prometheus: {
      // A budget of one available pod is an outage guard with two replicas, and a blocked node drain with one.
      podDisruptionBudget: { enabled: prometheus.replicas > 1 },
      prometheusSpec: {
        replicas: prometheus.replicas,
        retention: `${prometheus.retentionDays}d`,
        // Prometheus drops the oldest blocks before the volume fills (90 % of it).
        retentionSize: `${Math.floor(prometheus.volumeGiB * 0.9)}GB`,
        storageSpec: volume(prometheus.volumeGiB),
        secrets: [DATABASE_METRICS_SECRET],
      },
    },
    alertmanager: {
      podDisruptionBudget: { enabled: alertmanager.replicas > 1 },
      config: alertmanagerConfig({ alerts, alerting: observability.alerting }),
      alertmanagerSpec: {
        replicas: alertmanager.replicas,
        storage: volume(alertmanager.volumeGiB),
        secrets: [NOTIFIER_SECRET],
      },
    },
    "prometheus-node-exporter": { namespaceOverride: NODE_EXPORTER_NAMESPACE },
    grafana: {
      admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: "admin-user", passwordKey: "admin-password" },
      persistence: { storageClassName: RETAINED_BLOCK_STORAGE, size: `${grafana.volumeGiB}Gi` },
      // Log search: Loki (the logging add-on) next to the chart's Prometheus data source.
      additionalDataSources: dataSources,
    },
  };
}
