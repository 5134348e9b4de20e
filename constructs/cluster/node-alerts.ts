import { Construct } from "constructs";
import { MonitorAlert, type MonitorAlertAlerts } from "@cdktf/provider-digitalocean/lib/monitor-alert";
import type { AlertsConfig } from "../../config";

export interface NodeAlertsProps {
  /** Shown in every alert's description. */
  readonly subject: string;
  /** Droplet tags to watch: nodes created later by the autoscaler carry them too. */
  readonly tags: readonly string[];
  readonly thresholds: AlertsConfig["thresholds"];
  readonly targets: MonitorAlertAlerts;
}

/** The droplet metrics each alert watches, with the threshold that applies. */
const METRICS = [
  { id: "cpu", type: "v1/insights/droplet/cpu", threshold: "cpuPercent", what: "CPU" },
  { id: "memory", type: "v1/insights/droplet/memory_utilization_percent", threshold: "memoryPercent", what: "memory" },
  { id: "disk", type: "v1/insights/droplet/disk_utilization_percent", threshold: "diskPercent", what: "disk" },
] as const;

/** CPU, memory and disk alerts on a set of droplets, by tag. */
export class NodeAlerts extends Construct {
  readonly alerts: readonly MonitorAlert[];

  constructor(scope: Construct, id: string, props: NodeAlertsProps) {
    super(scope, id);
    const { thresholds } = props;
    this.alerts = METRICS.map(
      (metric) =>
        new MonitorAlert(this, metric.id, {
          type: metric.type,
          compare: "GreaterThan",
          value: thresholds[metric.threshold],
          window: thresholds.window,
          tags: [...props.tags],
          description: `${props.subject}: ${metric.what} above ${thresholds[metric.threshold]}% for ${thresholds.window}`,
          alerts: props.targets,
          enabled: true,
        }),
    );
  }
}
