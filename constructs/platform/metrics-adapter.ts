import type { Construct } from "constructs";
import { ClusterAddon, type HelmChart } from "../core/cluster-addon";
import type { PinnedRelease } from "../core/pinned-release";
import { tcpPorts } from "../core/secure-namespace";
import { terraformYamlDocument } from "../core/yaml-document";

/** The prometheus-adapter chart this project is written and checked against (adapter v0.12.0). */
export const PROMETHEUS_ADAPTER_CHART = {
  repository: "https://prometheus-community.github.io/helm-charts",
  chart: "prometheus-adapter",
  version: "5.3.0",
} as const satisfies HelmChart;

/** The port the adapter serves the custom metrics API on (the chart's listenPort), called by the API server. */
const ADAPTER_PORT = 6443;

/**
 * The per-pod metrics the app services' HPAs scale on (besides CPU and memory),
 * served as custom.metrics.k8s.io from the app contract (constructs/observability/app-metrics.ts):
 * requests in flight (the guide's request queue length) and each pod's p95
 * response time over the last 2 minutes.
 */
export const SCALING_METRICS = {
  requestsInFlight: "http_requests_in_flight",
  latencyP95: "http_request_duration_seconds_p95",
} as const;

/** The add-on that runs Prometheus: the adapter runs in its namespace and needs it to answer. */
export interface PrometheusAddon extends ClusterAddon {
  /** Prometheus' in-cluster URL, e.g. http://kube-prometheus-stack-prometheus.monitoring.svc (a plain string, no reference). */
  readonly prometheusUrl: string;
}

export interface MetricsAdapterProps {
  readonly prometheus: PrometheusAddon;
  readonly replicas: number;
}

/**
 * prometheus-adapter: Prometheus' series as the Kubernetes custom metrics API,
 * so the app services' HPAs scale on the guide's traffic triggers (request
 * queue length, response time) with the same cooldowns as CPU and memory.
 * metrics-server keeps serving CPU and memory (metrics.k8s.io); the adapter
 * serves only the custom metrics (`rules.default: false`).
 */
export class MetricsAdapter extends ClusterAddon {
  readonly release: PinnedRelease;

  constructor(scope: Construct, id: string, props: MetricsAdapterProps) {
    super(scope, id, { namespace: { existing: props.prometheus.namespaceName }, after: [props.prometheus] });
    // The API server calls the adapter's APIService.
    const policy = this.networkPolicy("api-server", {
      name: "prometheus-adapter",
      podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus-adapter" } },
      ingress: [{ ports: tcpPorts([ADAPTER_PORT]) }],
    });
    this.release = this.installChart("release", {
      name: "prometheus-adapter",
      chart: PROMETHEUS_ADAPTER_CHART,
      timeout: 300,
      // Plain YAML: the values hold no references (a quoted PromQL matcher inside yamlencode with a
      // reference is not escaped correctly by cdktf), and the plan shows them as written.
      overrides: [terraformYamlDocument(metricsAdapterValues({ prometheusUrl: props.prometheus.prometheusUrl, replicas: props.replicas }))],
      dependsOn: [policy],
    });
  }
}

/** The adapter's values. Exported for the key check against the chart. */
export function metricsAdapterValues(props: { readonly prometheusUrl: string; readonly replicas: number }) {
  const perPod = { overrides: { namespace: { resource: "namespace" }, pod: { resource: "pod" } } };
  return {
    replicas: props.replicas,
    prometheus: { url: props.prometheusUrl, port: 9090 },
    podDisruptionBudget: { enabled: props.replicas > 1, maxUnavailable: 1 },
    resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } },
    rules: {
      default: false,
      custom: [
        {
          seriesQuery: `${SCALING_METRICS.requestsInFlight}{namespace!="",pod!=""}`,
          resources: perPod,
          name: { matches: `^${SCALING_METRICS.requestsInFlight}$`, as: SCALING_METRICS.requestsInFlight },
          metricsQuery: "sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)",
        },
        {
          seriesQuery: 'http_request_duration_seconds_bucket{namespace!="",pod!=""}',
          resources: perPod,
          name: { matches: "^http_request_duration_seconds_bucket$", as: SCALING_METRICS.latencyP95 },
          metricsQuery: "histogram_quantile(0.95, sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (le, <<.GroupBy>>))",
        },
      ],
    },
  };
}
