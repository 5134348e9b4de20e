import type { Construct } from "constructs";
import type { EnvironmentConfig, RegionSlug } from "../config";
import type { StateBackendOptions } from "../config/runtime";
import { ingressLoadBalancerName } from "../constructs/platform/ingress-controller";
import { BackupStack } from "./backup-stack";
import { ClusterStack } from "./cluster-stack";
import { DataStack } from "./data-stack";
import { EdgeStack } from "./edge-stack";
import { NetworkStack } from "./network-stack";
import { PlatformLayerStack } from "./platform-layer-stack";

/** The stacks of one environment, for wiring cross-stack references. */
export interface EnvironmentStacks {
  readonly network: ReadonlyMap<RegionSlug, NetworkStack>;
  /** The workload cluster, in the primary region. */
  readonly cluster: ClusterStack;
  /** The databases, in the primary region; their firewalls admit only the cluster's nodes. */
  readonly data: DataStack;
  /** What runs inside the workload cluster. */
  readonly platform: PlatformLayerStack;
  /** The Cloudflare zone in front of the platform's ingress load balancer. */
  readonly edge: EdgeStack;
  /** A backup bucket per region, the primary region's first. */
  readonly backup: readonly BackupStack[];
}

/** Builds every stack of `environment` in `scope` (the App). */
export function defineEnvironment(scope: Construct, environment: EnvironmentConfig, state: StateBackendOptions): EnvironmentStacks {
  const network = new Map(
    environment.regions.map((region) => [region.slug, new NetworkStack(scope, { environment, region, state })] as const),
  );
  const primaryNetwork = network.get(environment.primaryRegion.slug) as NetworkStack;
  const projectId = (primaryNetwork.project as NonNullable<NetworkStack["project"]>).id;

  const cluster = new ClusterStack(scope, {
    environment,
    region: environment.primaryRegion,
    network: primaryNetwork,
    projectId,
    state,
  });
  const data = new DataStack(scope, {
    environment,
    state,
    network: primaryNetwork,
    trustedKubernetesClusterIds: [cluster.doks.cluster.id],
  });
  const backup = environment.regions.map((region) => new BackupStack(scope, { environment, region, state }));
  const platform = new PlatformLayerStack(scope, { environment, region: environment.primaryRegion, cluster, data, backups: backup, state });
  const edge = new EdgeStack(scope, { environment, platform, loadBalancerName: ingressLoadBalancerName(cluster.clusterName), state });
  return { network, cluster, data, platform, edge, backup };
}
