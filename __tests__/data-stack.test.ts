import { App, Testing } from "cdktf";
import { DatabaseCluster } from "@cdktf/provider-digitalocean/lib/database-cluster";
import { DatabaseConnectionPool } from "@cdktf/provider-digitalocean/lib/database-connection-pool";
import { DatabaseDb } from "@cdktf/provider-digitalocean/lib/database-db";
import { DatabaseMongodbConfig } from "@cdktf/provider-digitalocean/lib/database-mongodb-config";
import { DatabasePostgresqlConfig } from "@cdktf/provider-digitalocean/lib/database-postgresql-config";
import { DatabaseUser } from "@cdktf/provider-digitalocean/lib/database-user";
import { DatabaseValkeyConfig } from "@cdktf/provider-digitalocean/lib/database-valkey-config";
import { MonitorAlert } from "@cdktf/provider-digitalocean/lib/monitor-alert";
import { ProjectResources } from "@cdktf/provider-digitalocean/lib/project-resources";
import type { EnvironmentConfig } from "../config";
import { DataStack } from "../stacks/data-stack";
import { NetworkStack } from "../stacks/network-stack";
import { environmentNamed, type TerraformJson } from "./helpers";
import { synthApp } from "./synth";

const local = { kind: "local" } as const;
const DOKS_ID = "3b2a0b31-6d0e-4a7e-9f0c-1d2e3f405162";

function dataStack(environment: EnvironmentConfig, trustedKubernetesClusterIds: readonly string[] = [DOKS_ID]) {
  const app = new App({ outdir: "cdktf.out", skipValidation: true });
  const network = new NetworkStack(app, { environment, region: environment.primaryRegion, state: local });
  const stack = new DataStack(app, { environment, state: local, network, trustedKubernetesClusterIds });
  const synth = Testing.synth(stack);
  return { stack, synth, json: JSON.parse(synth) as TerraformJson };
}

/** The resources of one Terraform type in a synthesized stack, by logical id. */
function resources(json: TerraformJson, type: string): Record<string, TerraformJson> {
  return json.resource[type] ?? {};
}

const ref = (type: string, name: string, attribute: string) => `\${${type}.${name}.${attribute}}`;

describe.each(["production", "staging"])("DataStack (%s)", (name) => {
  const environment = environmentNamed(name);
  const { data } = environment;
  const { stack, synth, json } = dataStack(environment);
  const clusters = resources(json, "digitalocean_database_cluster");
  const clusterNamed = (suffix: string) => Object.entries(clusters).find(([, cluster]) => cluster.name === `cryptopulse-${name}-${suffix}`)!;
  const [pgId] = clusterNamed("pg");

  it("is the primary region's data layer", () => {
    expect(stack.stackName).toBe(`cryptopulse-${name}-data-fra1`);
  });

  it("runs PostgreSQL at the pinned major with the configured size, nodes and maintenance window, inside the VPC", () => {
    expect(synth).toHaveResourceWithProperties(DatabaseCluster, {
      name: `cryptopulse-${name}-pg`,
      engine: "pg",
      version: data.postgres.version,
      size: data.postgres.size,
      node_count: data.postgres.nodeCount,
      region: "fra1",
      maintenance_window: [data.postgres.maintenanceWindow],
    });
    for (const cluster of Object.values(clusters)) {
      expect(cluster.private_network_uuid).toMatch(/^\$\{digitalocean_vpc\.\w+\.id\}$/);
    }
  });

  it("adds the analytics and reporting read replicas in the same region and VPC", () => {
    const replicas = Object.values(resources(json, "digitalocean_database_replica"));
    expect(replicas.map((replica) => [replica.name, replica.size]).sort()).toEqual([
      [`cryptopulse-${name}-pg-analytics`, data.postgres.replicas.analytics],
      [`cryptopulse-${name}-pg-reporting`, data.postgres.replicas.reporting],
    ]);
    for (const replica of replicas) {
      expect(replica).toMatchObject({ cluster_id: ref("digitalocean_database_cluster", pgId, "id"), region: "fra1" });
      expect(replica.private_network_uuid).toBe(clusters[pgId].private_network_uuid);
    }
  });

  it("creates the app database and role", () => {
    expect(synth).toHaveResourceWithProperties(DatabaseDb, { name: data.postgres.database, cluster_id: ref("digitalocean_database_cluster", pgId, "id") });
    expect(synth).toHaveResourceWithProperties(DatabaseUser, { name: data.postgres.user, cluster_id: ref("digitalocean_database_cluster", pgId, "id") });
  });

  it("pools the app role's connections in transaction mode with the configured sizes", () => {
    const pools = Object.values(resources(json, "digitalocean_database_connection_pool"));
    expect(pools.map((pool) => [pool.name, pool.size, pool.mode])).toEqual(data.postgres.pools.map((pool) => [pool.name, pool.size, "transaction"]));
    expect(synth).toHaveResourceWithProperties(DatabaseConnectionPool, {
      db_name: expect.stringMatching(/^\$\{digitalocean_database_db\.\w+\.name\}$/),
      user: expect.stringMatching(/^\$\{digitalocean_database_user\.\w+\.name\}$/),
    });
  });

  it("sets PgBouncer's minimum pool size and server idle timeout from the guide", () => {
    expect(synth).toHaveResourceWithProperties(DatabasePostgresqlConfig, {
      cluster_id: ref("digitalocean_database_cluster", pgId, "id"),
      pgbouncer: [{ min_pool_size: 5, server_idle_timeout: 1800 }],
    });
  });

  it("runs Valkey with an eviction policy that never evicts keys without a TTL, TLS and RDB persistence", () => {
    const [valkeyId, valkey] = clusterNamed("valkey");
    expect(valkey).toMatchObject({ engine: "valkey", version: "8", size: data.valkey.size, node_count: data.valkey.nodeCount });
    expect(valkey.eviction_policy).toBe("volatile_lru");
    expect(synth).toHaveResourceWithProperties(DatabaseValkeyConfig, {
      cluster_id: ref("digitalocean_database_cluster", valkeyId, "id"),
      ssl: true,
      persistence: "rdb",
    });
  });

  it("runs MongoDB with the configured members and majority write concern", () => {
    const [mongoId, mongo] = clusterNamed("mongodb");
    expect(mongo).toMatchObject({ engine: "mongodb", version: data.mongodb.version, size: data.mongodb.size, node_count: data.mongodb.nodeCount });
    expect(synth).toHaveResourceWithProperties(DatabaseMongodbConfig, {
      cluster_id: ref("digitalocean_database_cluster", mongoId, "id"),
      default_write_concern: "majority",
    });
  });

  it("sets no eviction policy on engines other than Valkey", () => {
    expect(clusterNamed("pg")[1].eviction_policy).toBeUndefined();
    expect(clusterNamed("mongodb")[1].eviction_policy).toBeUndefined();
  });

  it("gives every cluster and every replica exactly one firewall, trusting only the DOKS cluster", () => {
    const firewalls = Object.values(resources(json, "digitalocean_database_firewall"));
    const targets = [
      ...Object.keys(clusters).map((id) => ref("digitalocean_database_cluster", id, "id")),
      ...Object.keys(resources(json, "digitalocean_database_replica")).map((id) => ref("digitalocean_database_replica", id, "uuid")),
    ];
    expect(firewalls.map((firewall) => firewall.cluster_id).sort()).toEqual(targets.sort());
    for (const firewall of firewalls) expect(firewall.rule).toEqual([{ type: "k8s", value: DOKS_ID }]);
  });

  it("protects every stateful resource and every firewall from deletion, but not the pools", () => {
    for (const type of ["cluster", "replica", "db", "user", "firewall"]) {
      const all = Object.values(resources(json, `digitalocean_database_${type}`));
      expect(all.length).toBeGreaterThan(0);
      for (const resource of all) expect(resource.lifecycle).toEqual({ prevent_destroy: true });
    }
    for (const pool of Object.values(resources(json, "digitalocean_database_connection_pool"))) expect(pool.lifecycle).toBeUndefined();
  });

  it("alerts on CPU, memory and disk of each cluster at the configured thresholds, to email and Slack", () => {
    const { thresholds, emails } = environment.alerts;
    const alerts = Object.values(resources(json, "digitalocean_monitor_alert"));
    const expected = Object.keys(clusters).flatMap((id) =>
      [
        ["v1/dbaas/alerts/cpu_alerts", thresholds.cpuPercent],
        ["v1/dbaas/alerts/memory_utilization_alerts", thresholds.memoryPercent],
        ["v1/dbaas/alerts/disk_utilization_alerts", thresholds.diskPercent],
      ].map(([type, value]) => [ref("digitalocean_database_cluster", id, "id"), type, value]),
    );
    expect(alerts.map((alert) => [alert.entities[0], alert.type, alert.value]).sort()).toEqual(expected.sort());
    expect(synth).toHaveResourceWithProperties(MonitorAlert, {
      type: "v1/dbaas/alerts/cpu_alerts",
      compare: "GreaterThan",
      value: 70,
      window: "5m",
      enabled: true,
      alerts: { email: [...emails], slack: [{ channel: environment.alerts.slack[0].channel, url: `\${var.${environment.alerts.slack[0].webhookUrlVariable}}` }] },
    });
    expect(json.variable[environment.alerts.slack[0].webhookUrlVariable]).toMatchObject({ sensitive: true });
  });

  it("lists the three clusters in the environment's project, without touching the clusters", () => {
    expect(synth).toHaveResourceWithProperties(ProjectResources, {
      project: expect.stringMatching(/^\$\{digitalocean_project\.\w+\.id\}$/),
      resources: ["pg", "valkey", "mongodb"].map((suffix) => ref("digitalocean_database_cluster", clusterNamed(suffix)[0], "urn")),
    });
    for (const cluster of Object.values(clusters)) expect(cluster.project_id).toBeUndefined();
  });

  it("exports connection details only as sensitive outputs of private endpoints", () => {
    const outputs = json.output as Record<string, { value: unknown; sensitive?: boolean }>;
    expect(Object.keys(outputs).sort()).toEqual([
      "mongodb_uri",
      "postgres_admin_uri",
      "postgres_pool_uris",
      "postgres_private_host",
      "postgres_replica_uris",
      "valkey_uri",
    ]);
    for (const output of Object.values(outputs)) {
      expect(output.sensitive).toBe(true);
      expect(JSON.stringify(output.value)).not.toMatch(/\.(uri|host)\}/);
    }
    expect(outputs.postgres_pool_uris.value).toEqual(
      Object.fromEntries(data.postgres.pools.map((pool) => [pool.name, expect.stringMatching(/^\$\{digitalocean_database_connection_pool\.[\w-]+\.private_uri\}$/)])),
    );
    expect(outputs.postgres_replica_uris.value).toEqual({
      analytics: expect.stringMatching(/^postgresql:\/\/.*urlencode\(digitalocean_database_user\.[\w-]+\.password\).*@\$\{digitalocean_database_replica\.[\w-]+\.private_host\}.*\?sslmode=require$/),
      reporting: expect.stringMatching(/private_host\}:.*\?sslmode=require$/),
    });
  });
});

describe("DataStack sizing, staging against production", () => {
  const cluster = (name: string, suffix: string) =>
    Object.values(resources(dataStack(environmentNamed(name)).json, "digitalocean_database_cluster")).find((c) => c.name === `cryptopulse-${name}-${suffix}`)!;

  it("gives production standbys and a three-member MongoDB replica set, staging single nodes", () => {
    expect(["pg", "valkey", "mongodb"].map((suffix) => cluster("production", suffix).node_count)).toEqual([2, 2, 3]);
    expect(["pg", "valkey", "mongodb"].map((suffix) => cluster("staging", suffix).node_count)).toEqual([1, 1, 1]);
  });

  it("runs staging on smaller plans", () => {
    expect(["pg", "valkey", "mongodb"].map((suffix) => cluster("production", suffix).size)).toEqual(["db-s-2vcpu-4gb", "db-s-1vcpu-2gb", "db-s-2vcpu-4gb"]);
    expect(["pg", "valkey", "mongodb"].map((suffix) => cluster("staging", suffix).size)).toEqual(["db-s-1vcpu-2gb", "db-s-1vcpu-1gb", "db-s-1vcpu-1gb"]);
  });

  it("sizes the app pool at the guide's 50 in production and within the smaller plan in staging", () => {
    const pool = (name: string) => Object.values(resources(dataStack(environmentNamed(name)).json, "digitalocean_database_connection_pool"))[0];
    expect(pool("production").size).toBe(50);
    expect(pool("staging").size).toBe(20);
  });
});

describe("DataStack safety checks", () => {
  const production = environmentNamed("production");

  it("refuses to build databases without a trusted Kubernetes cluster, since they would be open to the internet", () => {
    expect(() => dataStack(production, [])).toThrow(
      "cryptopulse-production-pg: trustedKubernetesClusterIds is empty; a database without a firewall rule accepts connections from the whole internet",
    );
  });

  it("trusts every given Kubernetes cluster in every firewall", () => {
    const { json } = dataStack(production, [DOKS_ID, "second-doks-id"]);
    for (const firewall of Object.values(resources(json, "digitalocean_database_firewall"))) {
      expect(firewall.rule).toEqual([
        { type: "k8s", value: DOKS_ID },
        { type: "k8s", value: "second-doks-id" },
      ]);
    }
  });

  it("refuses a DR region's network stack", () => {
    const app = new App({ outdir: "cdktf.out", skipValidation: true });
    const network = new NetworkStack(app, { environment: production, region: production.drRegions[0], state: local });
    expect(() => new DataStack(app, { environment: production, state: local, network, trustedKubernetesClusterIds: [DOKS_ID] })).toThrow(
      "cryptopulse-production-data-fra1 needs the primary region's network stack cryptopulse-production-network-fra1, not cryptopulse-production-network-ams3",
    );
  });

  it("reads the VPC and project of the network stack from its state in a full synth", () => {
    const { stacks } = synthApp((app) => {
      const network = new NetworkStack(app, { environment: production, region: production.primaryRegion, state: local });
      new DataStack(app, { environment: production, state: local, network, trustedKubernetesClusterIds: [DOKS_ID] });
    });
    const data = stacks["cryptopulse-production-data-fra1"];
    const [remoteName] = Object.keys(data.data.terraform_remote_state);
    expect(remoteName).toBe("cross-stack-reference-input-cryptopulse-production-network-fra1");
    for (const cluster of Object.values(resources(data, "digitalocean_database_cluster"))) {
      expect(cluster.private_network_uuid).toMatch(new RegExp(`^\\$\\{data\\.terraform_remote_state\\.${remoteName}\\.outputs\\.cross-stack-output-digitalocean_vpc`));
    }
  });
});
