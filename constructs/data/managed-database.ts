import { Construct } from "constructs";
import { DatabaseCluster } from "@cdktf/provider-digitalocean/lib/database-cluster";
import { DatabaseFirewall } from "@cdktf/provider-digitalocean/lib/database-firewall";
import { MonitorAlert, type MonitorAlertAlerts } from "@cdktf/provider-digitalocean/lib/monitor-alert";
import type { AlertsConfig } from "../../config";
import type { MaintenanceWindowConfig } from "../../config/data";
import { PROTECTED } from "../core/protected";

/** Where a managed database lives, who may reach it and who hears about it: the same for every engine. */
export interface DatabasePlacementProps {
  /** Cluster name, unique in the account; replicas are named after it. */
  readonly name: string;
  readonly region: string;
  /** The VPC the cluster joins: its hosts are private to it. */
  readonly vpcId: string;
  /** DOKS clusters whose nodes may connect; the only trusted sources. */
  readonly trustedKubernetesClusterIds: readonly string[];
  readonly alerts: {
    readonly thresholds: AlertsConfig["thresholds"];
    readonly targets: MonitorAlertAlerts;
  };
  readonly tags: readonly string[];
}

export interface ManagedDatabaseProps extends DatabasePlacementProps {
  /** DigitalOcean engine slug. */
  readonly engine: "pg" | "valkey" | "mongodb";
  /** Major version only: DigitalOcean applies minor updates in the maintenance window. */
  readonly version: string;
  readonly size: string;
  readonly nodeCount: number;
  readonly maintenanceWindow: MaintenanceWindowConfig;
  /** Caching engines only. */
  readonly evictionPolicy?: string;
}


/** DigitalOcean's database metrics, with the threshold each alert uses. */
const METRICS = [
  { id: "cpu", type: "v1/dbaas/alerts/cpu_alerts", threshold: "cpuPercent", what: "CPU" },
  { id: "memory", type: "v1/dbaas/alerts/memory_utilization_alerts", threshold: "memoryPercent", what: "memory" },
  { id: "disk", type: "v1/dbaas/alerts/disk_utilization_alerts", threshold: "diskPercent", what: "disk" },
] as const;

/**
 * A DigitalOcean database cluster of any engine with what every cluster needs:
 * private to the VPC, reachable only from the trusted DOKS clusters, protected
 * from deletion, and watched for CPU, memory and disk utilization.
 */
export class ManagedDatabase extends Construct {
  readonly cluster: DatabaseCluster;
  readonly firewall: DatabaseFirewall;
  readonly alerts: readonly MonitorAlert[];

  constructor(scope: Construct, id: string, props: ManagedDatabaseProps) {
    super(scope, id);
    this.cluster = new DatabaseCluster(this, "cluster", {
      name: props.name,
      engine: props.engine,
      version: props.version,
      size: props.size,
      nodeCount: props.nodeCount,
      region: props.region,
      privateNetworkUuid: props.vpcId,
      maintenanceWindow: [{ day: props.maintenanceWindow.day, hour: props.maintenanceWindow.hour }],
      evictionPolicy: props.evictionPolicy,
      tags: [...props.tags],
      lifecycle: PROTECTED,
    });
    this.firewall = new KubernetesOnlyFirewall(this, "firewall", {
      subject: props.name,
      clusterId: this.cluster.id,
      trustedKubernetesClusterIds: props.trustedKubernetesClusterIds,
    }).firewall;

    const { thresholds, targets } = props.alerts;
    this.alerts = METRICS.map(
      (metric) =>
        new MonitorAlert(this, `alert-${metric.id}`, {
          type: metric.type,
          compare: "GreaterThan",
          value: thresholds[metric.threshold],
          window: thresholds.window,
          entities: [this.cluster.id],
          description: `${props.name}: ${metric.what} above ${thresholds[metric.threshold]}% for ${thresholds.window}`,
          alerts: targets,
          enabled: true,
        }),
    );
  }
}

export interface KubernetesOnlyFirewallProps {
  /** Names the database in errors. */
  readonly subject: string;
  /** A cluster's `id`, or a read replica's `uuid`. */
  readonly clusterId: string;
  readonly trustedKubernetesClusterIds: readonly string[];
}

/**
 * The trusted sources of one cluster or replica: the nodes of the given DOKS
 * clusters, nothing else. DigitalOcean replaces the whole rule set on every
 * change, so each cluster and each replica gets exactly one of these. Without
 * one a database accepts connections from anywhere that holds its credentials,
 * so an empty list is refused, and the firewall itself is protected from
 * deletion for the same reason.
 */
export class KubernetesOnlyFirewall extends Construct {
  readonly firewall: DatabaseFirewall;

  constructor(scope: Construct, id: string, props: KubernetesOnlyFirewallProps) {
    super(scope, id);
    if (props.trustedKubernetesClusterIds.length === 0) {
      throw new Error(
        `${props.subject}: trustedKubernetesClusterIds is empty; a database without a firewall rule accepts connections from the whole internet`,
      );
    }
    this.firewall = new DatabaseFirewall(this, "firewall", {
      clusterId: props.clusterId,
      rule: props.trustedKubernetesClusterIds.map((value) => ({ type: "k8s", value })),
      lifecycle: PROTECTED,
    });
  }
}
