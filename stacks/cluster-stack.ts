import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig, Region } from "../config";
import { environmentPrefix, PROJECT, regionalName } from "../config/naming.mjs";
import type { StateBackendOptions } from "../config/runtime";
import { AlertContacts } from "../constructs/core/alert-contacts";
import { accountRegistry } from "../constructs/cluster/container-registry";
import { DoksCluster } from "../constructs/cluster/doks-cluster";
import { NodeAlerts } from "../constructs/cluster/node-alerts";
import { projectMembership } from "../constructs/network/environment-project";
import type { NetworkStack } from "./network-stack";
import { LayerStack } from "./layer-stack";

export interface ClusterStackProps {
  readonly environment: EnvironmentConfig;
  readonly region: Region;
  /** The region's network stack: the cluster joins its VPC. */
  readonly network: NetworkStack;
  /** The environment's project (on the primary network stack), to list the cluster in. */
  readonly projectId: string;
  readonly state: StateBackendOptions;
}

/**
 * The DOKS cluster of a region that runs workloads, its node alerts and, in the
 * environment that owns it, the account's container registry.
 */
export class ClusterStack extends LayerStack {
  readonly doks: DoksCluster;
  /** Known at synth time, so the platform layer looks the cluster up without a cross-stack reference. */
  readonly clusterName: string;

  constructor(scope: Construct, props: ClusterStackProps) {
    const { environment, region } = props;
    super(scope, { environment, layer: "cluster", region: region.slug, providers: ["digitalocean"], state: props.state });
    const name = regionalName(environment.name, region.slug);
    this.clusterName = name;
    const production = environment.tier === "production";

    const registry = accountRegistry(this, environment.registry, production);
    if (registry) new TerraformOutput(this, "registry_endpoint", { value: registry.endpoint, description: "Container registry endpoint" });
    this.doks = new DoksCluster(this, "doks", {
      name,
      region: region.slug,
      vpcId: props.network.vpc.id,
      config: environment.cluster,
      tags: [PROJECT, environmentPrefix(environment.name), ...this.allocationTags("kubernetes")],
      systemPoolTags: this.allocationTags("kubernetes"),
      appPoolTags: this.allocationTags("workloads"),
      registryIntegration: true,
      registry,
      preventDestroy: production,
    });

    projectMembership(this, props.projectId, [this.doks.cluster.urn]);

    new NodeAlerts(this, "node-alerts", {
      subject: `${name} nodes`,
      tags: [...this.doks.poolTags.values()],
      thresholds: environment.alerts.thresholds,
      targets: new AlertContacts(this, "alert-contacts", { alerts: environment.alerts }).targets,
    });

    const { cluster } = this.doks;
    new TerraformOutput(this, "cluster_id", { value: cluster.id, description: "DOKS cluster id" });
    new TerraformOutput(this, "cluster_name", { value: cluster.name, description: "DOKS cluster name (the platform layer looks it up by name)" });
    new TerraformOutput(this, "cluster_endpoint", { value: cluster.endpoint, description: "Kubernetes API endpoint" });
    new TerraformOutput(this, "cluster_urn", { value: cluster.urn, description: "DOKS cluster URN" });
  }
}
