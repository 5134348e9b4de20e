import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { DatabaseConnectionPool } from "@cdktf/provider-digitalocean/lib/database-connection-pool";
import { DatabaseDb } from "@cdktf/provider-digitalocean/lib/database-db";
import { DatabasePostgresqlConfig } from "@cdktf/provider-digitalocean/lib/database-postgresql-config";
import { DatabaseReplica } from "@cdktf/provider-digitalocean/lib/database-replica";
import { DatabaseUser } from "@cdktf/provider-digitalocean/lib/database-user";
import { REPLICA_PURPOSES, type PostgresConfig, type ReplicaPurpose } from "../../config/data";
import { PROTECTED } from "../core/protected";
import { KubernetesOnlyFirewall, ManagedDatabase, type DatabasePlacementProps } from "./managed-database";
import type { MigrationConnection } from "../core/postgres-connection";

export interface ManagedPostgresProps extends DatabasePlacementProps {
  readonly config: PostgresConfig;
}

/**
 * The application's PostgreSQL: a primary with the configured standbys, the
 * read-only replicas, the app database and role, and PgBouncer in front.
 *
 * - Pools run in transaction mode: a server connection serves one transaction,
 *   then returns to the pool, so many app connections share few backend ones.
 *   The app must therefore not rely on session state (SET, session advisory
 *   locks, LISTEN); migrations connect to the primary directly.
 * - Every replica is in the VPC and has its own firewall.
 * - The database, the role and every node are protected from deletion; pools
 *   are not (DigitalOcean recreates a pool to resize it, and it holds no data).
 */
export class ManagedPostgres extends Construct {
  /** The cluster: its primary node and standbys. */
  readonly primary: ManagedDatabase;
  readonly database: DatabaseDb;
  readonly user: DatabaseUser;
  readonly pools: ReadonlyMap<string, DatabaseConnectionPool>;
  /** The read-only replicas by purpose (analytics, reporting). */
  readonly replicas: ReadonlyMap<ReplicaPurpose, DatabaseReplica>;
  readonly settings: DatabasePostgresqlConfig;

  constructor(scope: Construct, id: string, props: ManagedPostgresProps) {
    super(scope, id);
    const { config, ...placement } = props;
    this.primary = new ManagedDatabase(this, "primary", {
      ...placement,
      engine: "pg",
      version: config.version,
      size: config.size,
      nodeCount: config.nodeCount,
      maintenanceWindow: config.maintenanceWindow,
    });
    const clusterId = this.primary.cluster.id;

    this.database = new DatabaseDb(this, "database", { clusterId, name: config.database, lifecycle: PROTECTED });
    this.user = new DatabaseUser(this, "user", { clusterId, name: config.user, lifecycle: PROTECTED });

    this.pools = new Map(
      config.pools.map((pool) => [
        pool.name,
        new DatabaseConnectionPool(this, `pool-${pool.name}`, {
          clusterId,
          name: pool.name,
          mode: "transaction",
          size: pool.size,
          dbName: this.database.name,
          user: this.user.name,
        }),
      ]),
    );

    this.replicas = new Map(
      (Object.keys(REPLICA_PURPOSES) as ReplicaPurpose[]).map((name) => {
        const size = config.replicas[name];
        const replica = new DatabaseReplica(this, `replica-${name}`, {
          clusterId,
          name: `${props.name}-${name}`,
          size,
          region: props.region,
          privateNetworkUuid: props.vpcId,
          lifecycle: PROTECTED,
        });
        new KubernetesOnlyFirewall(this, `replica-${name}-firewall`, {
          subject: `${props.name}-${name}`,
          clusterId: replica.uuid,
          trustedKubernetesClusterIds: props.trustedKubernetesClusterIds,
        });
        return [name, replica];
      }),
    );

    this.settings = new DatabasePostgresqlConfig(this, "settings", {
      clusterId,
      pgbouncer: [{ minPoolSize: config.pgbouncer.minPoolSize, serverIdleTimeout: config.pgbouncer.serverIdleTimeoutSeconds }],
    });
  }

  /**
   * A TLS connection URI of the app role to `host` (e.g. a replica's private host). With
   * `caFile`, the path of the clusters' CA certificate where the client runs, the server's
   * certificate and host name are verified (`verify-full`, libpq's and node-postgres'
   * `sslrootcert`); without, TLS is only required.
   */
  appUri(host: string, port: number, caFile?: string): string {
    const password = Fn.urlencode(this.user.password);
    const tls = caFile === undefined ? "sslmode=require" : `sslmode=verify-full&sslrootcert=${encodeURIComponent(caFile).replace(/%2F/g, "/")}`;
    return `postgresql://${this.user.name}:${password}@${host}:${Token.asString(port)}/${this.database.name}?${tls}`;
  }

  /** The app role's URI of each replica by purpose (see appUri). */
  replicaUris(caFile?: string): ReadonlyMap<ReplicaPurpose, string> {
    return new Map([...this.replicas].map(([purpose, replica]) => [purpose, this.appUri(replica.privateHost, replica.port, caFile)]));
  }

  /** What the schema migration job needs: the admin role, straight to the primary's private host. */
  get migrationConnection(): MigrationConnection {
    const { cluster } = this.primary;
    return {
      host: cluster.privateHost,
      port: Token.asString(cluster.port),
      database: this.database.name,
      adminUser: cluster.user,
      adminPassword: cluster.password,
      appUser: this.user.name,
    };
  }
}
