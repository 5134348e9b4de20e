import type { AlertsConfig } from "../../config";
import type { ObservabilityConfig, Priority } from "../../config/observability";
import { SECURITY_TEAM, type AlertRule, type RuleGroup } from "../core/rule-groups";
import { BACKEND_AUTH_PATHS } from "../core/app-routes";

/**
 * The platform's Prometheus alert rules, built from the configured thresholds.
 * They reach Prometheus through kube-prometheus-stack's
 * `additionalPrometheusRulesMap` (the chart renders the PrometheusRule), so
 * Terraform never plans a custom resource whose CRD does not exist yet.
 * `priority` is the guide's escalation level and drives Alertmanager's routing
 * (see alertmanager-config.ts); every rule carries a summary, a description
 * and the runbook's first steps, and docs/observability.md ("Alerts and escalation") has the rest.
 */

export type { Priority, RuleGroup };

export interface AlertRuleThresholds {
  /** CPU, memory and disk percentages and their window, shared with the DigitalOcean monitor alerts. */
  readonly utilization: AlertsConfig["thresholds"];
  readonly service: ObservabilityConfig["thresholds"];
  readonly security: ObservabilityConfig["security"];
}

/**
 * Below this many requests per second an endpoint's error ratio is noise
 * (one failed request of two is 50 %), so the error-rate alert ignores it.
 */
export const MIN_REQUESTS_PER_SECOND = 0.1;

/** The ingress-nginx request metrics, by upstream service and path (scraped with honor_labels). */
const INGRESS_REQUESTS = "nginx_ingress_controller_requests";
const INGRESS_DURATION = "nginx_ingress_controller_request_duration_seconds_bucket";
const BY_ENDPOINT = "namespace, service, path";
/** `text` as a literal inside a double-quoted PromQL regex (the string unescapes once, the regex once more). */
const promRegexLiteral = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\\\$&");
/**
 * Requests the auth Ingress served (the app-service chart's `<service>-auth`,
 * 5 r/s per client), optionally only those answered with `status` (a regex).
 * ingress-nginx's `path` label is the Ingress rule's path, so they carry one
 * of BACKEND_AUTH_PATHS exactly.
 */
function authRequests(status?: string): string {
  const statusMatcher = status ? `,status=~"${status}"` : "";
  return `${INGRESS_REQUESTS}{path=~"${BACKEND_AUTH_PATHS.map(promRegexLiteral).join("|")}"${statusMatcher}}`;
}
const BY_AUTH_INGRESS = "namespace, ingress, host";

function rule(alert: string, priority: Priority, expr: string, forDuration: string, summary: string, description: string, runbook: string): AlertRule {
  return { alert, expr, for: forDuration, labels: { priority }, annotations: { summary, description, runbook } };
}

/** A rule for the security contact (see SECURITY_TEAM). */
function securityRule(...args: Parameters<typeof rule>): AlertRule {
  const base = rule(...args);
  return { ...base, labels: { ...base.labels, team: SECURITY_TEAM } };
}

/** Every rule group the platform ships; the first rule of each group is the one the guide names first. */
export function alertRuleGroups(thresholds: AlertRuleThresholds): RuleGroup[] {
  const { cpuPercent, memoryPercent, diskPercent, window } = thresholds.utilization;
  const { errorRatio, latencySeconds, pendingRequests, hpaAtMaxMinutes, certificateExpiryDays } = thresholds.service;
  const { authFailuresPerSecond, authFailureRatio } = thresholds.security;
  const authRate = (status?: string) => `sum by (${BY_AUTH_INGRESS}) (rate(${authRequests(status)}[5m]))`;
  return [
    {
      name: "cryptopulse.resources",
      rules: [
        rule(
          "NodeCpuHigh", "P3",
          `100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))) > ${cpuPercent}`,
          window,
          "Node {{ $labels.instance }} CPU above " + `${cpuPercent} %`,
          "CPU of node {{ $labels.instance }} is {{ $value | humanize }} % for " + window + ".",
          "Check `kubectl top pods -A --sort-by=cpu` on the node; if the app pool is saturated, confirm the cluster autoscaler is adding nodes.",
        ),
        rule(
          "PodCpuHigh", "P4",
          `100 * sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{container!=""}[5m])) / sum by (namespace, pod) (kube_pod_container_resource_requests{resource="cpu"}) > ${cpuPercent}`,
          window,
          "Pod {{ $labels.namespace }}/{{ $labels.pod }} CPU above " + `${cpuPercent} % of its request`,
          "The pod uses {{ $value | humanize }} % of its CPU request; its HPA should be scaling out.",
          "Check the HPA (`kubectl describe hpa -n {{ $labels.namespace }}`); if it is at its maximum, raise services.<name>.replicas.max or the CPU request.",
        ),
        rule(
          "NodeMemoryHigh", "P3",
          `100 * (1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes) > ${memoryPercent}`,
          window,
          "Node {{ $labels.instance }} memory above " + `${memoryPercent} %`,
          "Memory of node {{ $labels.instance }} is {{ $value | humanize }} % used for " + window + ".",
          "Find the largest pods with `kubectl top pods -A --sort-by=memory`; evictions follow if it keeps rising.",
        ),
        rule(
          "PodMemoryHigh", "P4",
          `100 * sum by (namespace, pod) (container_memory_working_set_bytes{container!=""}) / sum by (namespace, pod) (kube_pod_container_resource_limits{resource="memory"}) > ${memoryPercent}`,
          window,
          "Pod {{ $labels.namespace }}/{{ $labels.pod }} memory above " + `${memoryPercent} % of its limit`,
          "The pod uses {{ $value | humanize }} % of its memory limit; it is OOM-killed at 100 %.",
          "Look for a leak in the service's dashboard; raise services.<name>.memoryMiB if the growth is legitimate.",
        ),
        rule(
          "NodeDiskHigh", "P3",
          `100 * (1 - node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs"} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs"}) > ${diskPercent}`,
          window,
          "Node {{ $labels.instance }} disk {{ $labels.mountpoint }} above " + `${diskPercent} %`,
          "{{ $labels.mountpoint }} is {{ $value | humanize }} % full.",
          "Image garbage collection normally frees space; if not, drain and recycle the node (`kubectl drain`).",
        ),
        rule(
          "VolumeFillingUp", "P2",
          `predict_linear(kubelet_volume_stats_available_bytes[6h], 24 * 3600) < 0 and 100 * (1 - kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes) > ${diskPercent}`,
          window,
          "Volume {{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} fills within a day",
          "The volume is above " + `${diskPercent} %` + " and, at the last 6 h's rate, full within 24 h.",
          "Grow it (raise observability.*.volumeGiB for monitoring volumes; DigitalOcean volumes grow online) or shorten retention.",
        ),
      ],
    },
    {
      name: "cryptopulse.services",
      rules: [
        rule(
          "HighErrorRate", "P1",
          `(sum by (${BY_ENDPOINT}) (rate(${INGRESS_REQUESTS}{status=~"5.."}[5m])) / sum by (${BY_ENDPOINT}) (rate(${INGRESS_REQUESTS}[5m])) > ${errorRatio}) and sum by (${BY_ENDPOINT}) (rate(${INGRESS_REQUESTS}[5m])) > ${MIN_REQUESTS_PER_SECOND}`,
          "5m",
          "{{ $labels.service }} {{ $labels.path }}: 5xx above " + `${errorRatio * 100} %`,
          "{{ $value | humanizePercentage }} of responses of {{ $labels.namespace }}/{{ $labels.service }} on {{ $labels.path }} are server errors.",
          "Check the service's pods and logs (`kubectl logs -n {{ $labels.namespace }} -l app.kubernetes.io/name={{ $labels.service }}`); roll back the last release if it started with a deploy.",
        ),
        rule(
          "HighLatency", "P2",
          `histogram_quantile(0.95, sum by (namespace, service, le) (rate(${INGRESS_DURATION}[5m]))) > ${latencySeconds}`,
          "5m",
          "{{ $labels.service }}: p95 response time above " + `${latencySeconds} s`,
          "p95 response time of {{ $labels.namespace }}/{{ $labels.service }} is {{ $value | humanizeDuration }}.",
          "Compare with the data layer dashboard (pool saturation, replica lag); scale the service out if CPU-bound.",
        ),
        rule(
          "RequestsQueued", "P2",
          `sum by (namespace, service) (http_requests_in_flight) > ${pendingRequests}`,
          "2m",
          "{{ $labels.service }}: more than " + `${pendingRequests}` + " requests in flight",
          "{{ $labels.namespace }}/{{ $labels.service }} holds {{ $value }} requests in flight.",
          "The service cannot keep up: check its HPA and the database pool; raise replicas.max if it is at its maximum.",
        ),
        rule(
          "PodCrashLooping", "P2",
          `max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1`,
          "10m",
          "Pod {{ $labels.namespace }}/{{ $labels.pod }} is crash-looping",
          "Container {{ $labels.container }} keeps restarting.",
          "Read the previous container's logs (`kubectl logs --previous`); a missing Secret key or an unreachable database is the usual cause.",
        ),
        rule(
          "HpaAtMaximum", "P3",
          "kube_horizontalpodautoscaler_status_current_replicas >= kube_horizontalpodautoscaler_spec_max_replicas",
          `${hpaAtMaxMinutes}m`,
          "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} at its maximum",
          "The autoscaler has been at its maximum for " + `${hpaAtMaxMinutes}` + " minutes; load beyond it is not absorbed.",
          "Raise services.<name>.replicas.max (and the app pool's maxNodes if the pool is full), or find what drives the load.",
        ),
      ],
    },
    {
      name: "cryptopulse.security",
      rules: [
        securityRule(
          "AuthFailureSpike", "P2",
          `${authRate("401|403")} > ${authFailuresPerSecond} and ${authRate("401|403")} / ${authRate()} > ${authFailureRatio}`,
          "5m",
          "{{ $labels.host }}: failed logins above " + `${authFailuresPerSecond}/s`,
          "{{ $value | humanize }} auth requests a second to {{ $labels.host }} ({{ $labels.namespace }}/{{ $labels.ingress }}) are refused with 401/403, more than " + `${authFailureRatio * 100} %` + " of them: credential stuffing or brute force.",
          "Find the sources in the logs (Grafana → Loki: `{namespace=\"ingress-nginx\"} |= \"/auth\" |~ \" 40[13] \"`); block them at Cloudflare (a custom rule) and check the accounts they target.",
        ),
        securityRule(
          "AuthRateLimited", "P3",
          `${authRate("429")} > ${authFailuresPerSecond}`,
          "5m",
          "{{ $labels.host }}: auth requests refused by the rate limit",
          "{{ $value | humanize }} auth requests a second to {{ $labels.host }} ({{ $labels.namespace }}/{{ $labels.ingress }}) exceed a client's 5 r/s and get 429: someone is trying faster than a person types.",
          "Find the clients in the ingress logs; if they come from few addresses, block them at Cloudflare; if many, the edge's auth rate limit is the next line.",
        ),
      ],
    },
    {
      name: "cryptopulse.platform",
      rules: [
        rule(
          "TargetDown", "P3",
          "up == 0",
          "5m",
          "Scrape target {{ $labels.job }} {{ $labels.instance }} is down",
          "Prometheus cannot scrape {{ $labels.instance }} of {{ $labels.job }}.",
          "Check the target's pod and the NetworkPolicy allowing the monitoring namespace to its metrics port.",
        ),
        rule(
          "CertificateExpiringSoon", "P2",
          `(nginx_ingress_controller_ssl_expire_time_seconds - time()) / 86400 < ${certificateExpiryDays}`,
          "1h",
          "Certificate of {{ $labels.host }} expires within " + `${certificateExpiryDays}` + " days",
          "The certificate ingress-nginx serves for {{ $labels.host }} expires in {{ $value | humanize }} days.",
          "Renew the origin certificate: `terraform apply -replace` its tls_private_key in the platform stack (docs/platform.md: Origin certificate renewal).",
        ),
      ],
    },
  ];
}
