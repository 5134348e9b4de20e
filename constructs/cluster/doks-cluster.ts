import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { DataDigitaloceanKubernetesVersions } from "@cdktf/provider-digitalocean/lib/data-digitalocean-kubernetes-versions";
import { KubernetesCluster } from "@cdktf/provider-digitalocean/lib/kubernetes-cluster";
import { KubernetesNodePool } from "@cdktf/provider-digitalocean/lib/kubernetes-node-pool";
import { APP_POOL_LABEL, APP_POOL_TAINT, type ClusterConfig, type NodePoolConfig } from "../../config/cluster";

export interface DoksClusterProps {
  /** Unique in the account; the platform layer looks the cluster up by it. */
  readonly name: string;
  readonly region: string;
  readonly vpcId: string;
  readonly config: ClusterConfig;
  /** Tags on the cluster; each pool's droplets also get a tag of their own (see `poolTags`). */
  readonly tags: readonly string[];
  /** Further tags on the system pool's droplets (cost allocation). */
  readonly systemPoolTags: readonly string[];
  /** Further tags on every app pool's droplets (cost allocation). */
  readonly appPoolTags: readonly string[];
  /** Let nodes pull from the account's container registry, which must exist before the cluster. */
  readonly registryIntegration: boolean;
  /** The registry, when this stack creates it: the cluster is created after it. */
  readonly registry?: ITerraformDependable;
  /** `lifecycle.preventDestroy`: a routine deploy can never delete the cluster. */
  readonly preventDestroy: boolean;
}

/**
 * A DOKS cluster whose default pool is a small, stable system pool and whose
 * app services run on separate autoscaling pools, labelled and tainted so only
 * workloads that ask for them land there.
 *
 * - The version is the newest patch of a configured minor, read at plan time:
 *   a pinned slug plus auto-upgrade would make the next plan see a downgrade,
 *   which replaces the whole cluster.
 * - Upgrades are automatic (patch releases, in the maintenance window) and use
 *   surge nodes, so capacity never drops during a roll.
 * - The API server only answers the configured admin CIDRs.
 * - Destroying the cluster keeps the load balancers and volumes DOKS created
 *   (`destroyAllAssociatedResources: false`): volumes hold Prometheus and
 *   Alertmanager data, and a destroy must never take data with it. They are
 *   cleaned up by hand (see docs/runbooks/cluster.md), and they block deleting the VPC
 *   until then.
 */
export class DoksCluster extends Construct {
  readonly cluster: KubernetesCluster;
  readonly appPools: readonly KubernetesNodePool[];
  /** Droplet tag per pool name: monitor alerts and firewalls target nodes by it. */
  readonly poolTags: ReadonlyMap<string, string>;

  constructor(scope: Construct, id: string, props: DoksClusterProps) {
    super(scope, id);
    const { config } = props;
    const poolTag = (pool: NodePoolConfig) => `${props.name}-${pool.name}`;
    this.poolTags = new Map([config.systemPool, ...config.appPools].map((pool) => [pool.name, poolTag(pool)]));

    const versions = new DataDigitaloceanKubernetesVersions(this, "versions", { versionPrefix: config.versionPrefix });

    this.cluster = new KubernetesCluster(this, "cluster", {
      name: props.name,
      region: props.region,
      version: versions.latestVersion,
      vpcUuid: props.vpcId,
      ha: config.highAvailability,
      autoUpgrade: true,
      surgeUpgrade: true,
      maintenancePolicy: { day: config.maintenance.day, startTime: config.maintenance.startTime },
      controlPlaneFirewall: { enabled: true, allowedAddresses: [...config.adminCidrs] },
      registryIntegration: props.registryIntegration,
      dependsOn: props.registry ? [props.registry] : undefined,
      clusterAutoscalerConfiguration: [
        {
          scaleDownUnneededTime: `${config.scaleDownUnneededMinutes}m`,
          scaleDownUtilizationThreshold: config.scaleDownUtilizationThreshold,
        },
      ],
      destroyAllAssociatedResources: false,
      tags: [...props.tags],
      nodePool: {
        name: config.systemPool.name,
        size: config.systemPool.size,
        autoScale: true,
        minNodes: config.systemPool.nodes.minNodes,
        maxNodes: config.systemPool.nodes.maxNodes,
        tags: [poolTag(config.systemPool), ...props.systemPoolTags],
        labels: { [APP_POOL_LABEL]: config.systemPool.name },
      },
      lifecycle: { preventDestroy: props.preventDestroy },
    });

    this.appPools = config.appPools.map(
      (pool) =>
        new KubernetesNodePool(this, `pool-${pool.name}`, {
          clusterId: this.cluster.id,
          name: pool.name,
          size: pool.size,
          autoScale: true,
          minNodes: pool.nodes.minNodes,
          maxNodes: pool.nodes.maxNodes,
          tags: [poolTag(pool), ...props.appPoolTags],
          labels: { [APP_POOL_LABEL]: pool.name },
          taint: [{ key: APP_POOL_TAINT.key, value: pool.name, effect: APP_POOL_TAINT.effect }],
        }),
    );
  }
}
