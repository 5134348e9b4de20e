import type { Construct } from "constructs";
import { ClusterAddon, type HelmChart } from "../core/cluster-addon";
import type { PinnedRelease } from "../core/pinned-release";

/** The metrics-server chart this project is written and checked against. */
export const METRICS_SERVER_CHART = {
  repository: "https://kubernetes-sigs.github.io/metrics-server/",
  chart: "metrics-server",
  version: "3.13.1",
} as const satisfies HelmChart;

export interface MetricsServerProps {
  /** Two replicas keep the resource-metrics API (and so every HPA) up through a node drain. */
  readonly replicas: number;
}

/**
 * metrics-server, which DOKS does not ship and every HorizontalPodAutoscaler
 * needs. It runs in kube-system beside the other cluster add-ons; the chart's
 * own security context already meets `restricted`.
 */
export class MetricsServer extends ClusterAddon {
  readonly release: PinnedRelease;

  constructor(scope: Construct, id: string, props: MetricsServerProps) {
    super(scope, id, { namespace: { existing: "kube-system" } });
    this.release = this.installChart("release", {
      name: "metrics-server",
      chart: METRICS_SERVER_CHART,
      timeout: 300,
      overrides: [JSON.stringify(metricsServerValues(props))],
    });
  }
}

/** Exported for the key check against the chart's values.yaml. */
export function metricsServerValues(props: MetricsServerProps) {
  return {
    replicas: props.replicas,
    podDisruptionBudget: { enabled: props.replicas > 1, minAvailable: 1 },
    resources: { requests: { cpu: "100m", memory: "200Mi" }, limits: { memory: "400Mi" } },
  };
}
