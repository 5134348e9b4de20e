import type { Construct } from "constructs";
import type { EnvironmentConfig } from "../config";
import { environmentPrefix, PROJECT, stackName } from "../config/naming.mjs";
import type { StateBackendOptions } from "../config/runtime";
import { AlertContacts } from "../constructs/core/alert-contacts";
import { ManagedCache } from "../constructs/data/managed-cache";
import { ManagedMongo } from "../constructs/data/managed-mongo";
import { ManagedPostgres } from "../constructs/data/managed-postgres";
import { projectMembership } from "../constructs/network/environment-project";
import type { NetworkStack } from "./network-stack";
import { LayerStack } from "./layer-stack";

export interface DataStackProps {
  readonly environment: EnvironmentConfig;
  readonly state: StateBackendOptions;
  /** The primary region's network stack: the databases join its VPC and its project. */
  readonly network: NetworkStack;
  /** DOKS clusters whose nodes may reach the databases: the only entries of every database firewall. */
  readonly trustedKubernetesClusterIds: readonly string[];
}

/**
 * The environment's databases, in its primary region: PostgreSQL with standbys
 * and the analytics and reporting replicas, Valkey, MongoDB. Connection details
 * leave the stack only as sensitive outputs, and only their private (VPC) forms.
 */
export class DataStack extends LayerStack {
  readonly postgres: ManagedPostgres;
  readonly cache: ManagedCache;
  readonly mongo: ManagedMongo;

  constructor(scope: Construct, props: DataStackProps) {
    const { environment, network } = props;
    const region = environment.primaryRegion.slug;
    super(scope, { environment, layer: "data", region, providers: ["digitalocean"], state: props.state });
    if (!network.project) {
      throw new Error(`${this.stackName} needs the primary region's network stack ${stackName(environment.name, "network", region)}, not ${network.stackName}`);
    }

    const prefix = environmentPrefix(environment.name);
    const placement = {
      region,
      vpcId: network.vpc.id,
      trustedKubernetesClusterIds: props.trustedKubernetesClusterIds,
      alerts: {
        thresholds: environment.alerts.thresholds,
        targets: new AlertContacts(this, "alert-contacts", { alerts: environment.alerts }).targets,
      },
      tags: [PROJECT, prefix],
    };
    const { data } = environment;
    this.postgres = new ManagedPostgres(this, "postgres", { ...placement, tags: [...placement.tags, ...this.allocationTags("postgres")], name: `${prefix}-pg`, config: data.postgres });
    this.cache = new ManagedCache(this, "valkey", { ...placement, tags: [...placement.tags, ...this.allocationTags("valkey")], name: `${prefix}-valkey`, config: data.valkey });
    this.mongo = new ManagedMongo(this, "mongodb", { ...placement, tags: [...placement.tags, ...this.allocationTags("mongodb")], name: `${prefix}-mongodb`, config: data.mongodb });

    projectMembership(this, network.project.id, [this.postgres.primary, this.cache.primary, this.mongo.primary].map((managed) => managed.cluster.urn));

    this.outputs();
  }

  private outputs(): void {
    const { postgres } = this;
    const primary = postgres.primary.cluster;
    this.sensitiveOutput("postgres_private_host", primary.privateHost, "PostgreSQL primary, private host (VPC only)");
    this.sensitiveOutput(
      "postgres_pool_uris",
      Object.fromEntries([...postgres.pools].map(([name, pool]) => [name, pool.privateUri])),
      "PgBouncer pools of the app role by name: private URIs, sslmode=require",
    );
    this.sensitiveOutput(
      "postgres_replica_uris",
      Object.fromEntries(postgres.replicaUris()),
      "Read-only replicas by name: private URIs of the app role, sslmode=require",
    );
    this.sensitiveOutput("postgres_admin_uri", primary.privateUri, "PostgreSQL admin role (doadmin) on the primary: private URI, for migrations and break-glass only");
    this.sensitiveOutput("valkey_uri", this.cache.primary.cluster.privateUri, "Valkey: private rediss:// URI (TLS)");
    this.sensitiveOutput("mongodb_uri", this.mongo.primary.cluster.privateUri, "MongoDB replica set: private URI (TLS)");
  }
}
