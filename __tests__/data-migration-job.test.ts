import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { App, Testing } from "cdktf";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { DATABASE_PORTS } from "../constructs/core/ports";
import type { MigrationConnection } from "../constructs/core/postgres-connection";
import { readMigrations, SchemaMigrationJob } from "../constructs/data/schema-migration-job";
import { terraformLiteral } from "../constructs/core/terraform-literal";
import { DataStack } from "../stacks/data-stack";
import { NetworkStack } from "../stacks/network-stack";
import { environmentNamed, type TerraformJson } from "./helpers";
import { synthJson } from "./synth";

const MIGRATIONS = path.resolve(__dirname, "..", "migrations");
const databaseEgress = { cidr: "10.10.0.0/16", ports: DATABASE_PORTS };

const connection: MigrationConnection = {
  host: "private-pg.db.ondigitalocean.com",
  port: "25060",
  database: "cryptopulse",
  adminUser: "doadmin",
  adminPassword: "${var.test_password}",
  appUser: "cryptopulse_app",
};

function synthJob(directory = MIGRATIONS): { synth: string; json: TerraformJson } {
  const synth = Testing.synthScope((scope) => {
    new SchemaMigrationJob(scope, "migrate", { namespace: "cryptopulse", connection, postgresMajor: "17", directory, databaseEgress });
  });
  return { synth, json: JSON.parse(synth) as TerraformJson };
}

const copies: string[] = [];
afterAll(() => copies.forEach((directory) => rmSync(directory, { recursive: true, force: true })));

/** A scratch copy of migrations/ to add files to. */
function copyOfMigrations(): string {
  const directory = mkdtempSync(path.join(tmpdir(), "cryptopulse-migrations-"));
  cpSync(MIGRATIONS, directory, { recursive: true });
  copies.push(directory);
  return directory;
}

const only = (json: TerraformJson, type: string) => Object.values(json.resource[type] as Record<string, TerraformJson>)[0];

describe("SchemaMigrationJob", () => {
  const { synth, json } = synthJob();
  const job = only(json, "kubernetes_job_v1");
  const pod = job.spec.template.spec;

  it("ships the runner and every versioned migration in a ConfigMap", () => {
    expect(synth).toHaveResourceWithProperties(ConfigMapV1, {
      data: {
        // Escaped for Terraform's templates: the runner's `${1:-…}` reaches the ConfigMap as written.
        "migrate.sh": terraformLiteral(readFileSync(path.join(MIGRATIONS, "migrate.sh"), "utf8")),
        "0001_initial_schema.sql": readFileSync(path.join(MIGRATIONS, "0001_initial_schema.sql"), "utf8"),
      },
    });
  });

  it("connects as the admin role over TLS and names the app role, through a Secret", () => {
    expect(synth).toHaveResourceWithProperties(SecretV1, {
      metadata: expect.objectContaining({ name: "schema-migration-connection", namespace: "cryptopulse" }),
      data: {
        PGHOST: connection.host,
        PGPORT: "25060",
        PGDATABASE: "cryptopulse",
        PGUSER: "doadmin",
        PGPASSWORD: "${var.test_password}",
        PGSSLMODE: "require",
        APP_DB_USER: "cryptopulse_app",
      },
    });
    expect(pod.container[0].env_from).toEqual([{ secret_ref: { name: expect.stringMatching(/^\$\{kubernetes_secret_v1\.\w+\.metadata\[0\]\.name\}$/) } }]);
  });

  it("runs migrate.sh from the mounted ConfigMap with psql of the server's major", () => {
    expect(pod.container[0]).toMatchObject({
      image: "postgres:17-alpine",
      command: ["/bin/sh", "/migrations/migrate.sh", "/migrations"],
      volume_mount: [{ name: "migrations", mount_path: "/migrations", read_only: true }],
    });
    expect(pod.volume).toEqual([{ name: "migrations", config_map: { name: expect.stringMatching(/^\$\{kubernetes_config_map_v1\.\w+\.metadata\[0\]\.name\}$/) } }]);
  });

  it("makes apply wait for the job and fail with it, without retrying forever", () => {
    expect(synth).toHaveResourceWithProperties(JobV1, { wait_for_completion: true });
    expect(job.spec).toMatchObject({ backoff_limit: 2, active_deadline_seconds: 600 });
    expect(job.spec.ttl_seconds_after_finished).toBeUndefined();
    expect(pod.restart_policy).toBe("Never");
  });

  it("reaches the database through an egress policy of its own, created before it", () => {
    const egress = only(json, "kubernetes_network_policy_v1");
    expect(egress.metadata).toEqual({ name: "schema-migration-egress", namespace: "cryptopulse" });
    expect(egress.spec.pod_selector).toEqual({ match_labels: { "app.kubernetes.io/name": job.metadata.labels["app.kubernetes.io/name"] } });
    expect(egress.spec.egress[1]).toEqual({ to: [{ ip_block: { cidr: "10.10.0.0/16" } }], ports: DATABASE_PORTS.map((port) => ({ protocol: "TCP", port: String(port) })) });
    expect(job.depends_on).toEqual(["kubernetes_network_policy_v1.migrate-egress"]);
  });

  it("runs unprivileged", () => {
    expect(pod.automount_service_account_token).toBe(false);
    expect(pod.security_context).toMatchObject({ run_as_non_root: true, run_as_user: "70", seccomp_profile: { type: "RuntimeDefault" } });
    expect(pod.container[0].security_context).toEqual({
      allow_privilege_escalation: false,
      read_only_root_filesystem: true,
      capabilities: { drop: ["ALL"] },
    });
  });

  it("names the job after the migrations' content, so a changed migration runs as a new job", () => {
    const name = (directory?: string) => only(synthJob(directory).json, "kubernetes_job_v1").metadata.name as string;
    const changed = copyOfMigrations();
    writeFileSync(path.join(changed, "0002_add_column.sql"), "ALTER TABLE public.users ADD COLUMN IF NOT EXISTS locale text;\n");
    expect(name()).toMatch(/^schema-migration-[0-9a-f]{10}$/);
    expect(name(copyOfMigrations())).toBe(name());
    expect(name(changed)).not.toBe(name());
  });
});

describe("readMigrations", () => {
  it("refuses a SQL file that does not follow NNNN_name.sql", () => {
    const directory = copyOfMigrations();
    writeFileSync(path.join(directory, "2_fix.sql"), "SELECT 1;\n");
    expect(() => readMigrations(directory)).toThrow(`${directory}: migrations must be named NNNN_name.sql (lowercase): 2_fix.sql`);
  });

  it("refuses two migrations with one version number", () => {
    const directory = copyOfMigrations();
    writeFileSync(path.join(directory, "0001_other.sql"), "SELECT 1;\n");
    expect(() => readMigrations(directory)).toThrow(`${directory}: more than one migration numbered 0001`);
  });
});

describe("ManagedPostgres.migrationConnection", () => {
  it("connects the job to the primary's private host as the admin role, on the app database, naming the app role", () => {
    const environment = environmentNamed("production");
    const app = new App({ outdir: "cdktf.out", skipValidation: true });
    const network = new NetworkStack(app, { environment, region: environment.primaryRegion, state: { kind: "local" } });
    const data = new DataStack(app, { environment, state: { kind: "local" }, network, trustedKubernetesClusterIds: ["doks-id"] });
    new SchemaMigrationJob(data, "migrate", { namespace: "cryptopulse", connection: data.postgres.migrationConnection, postgresMajor: "17", databaseEgress });

    const cluster = (attribute: string) => expect.stringMatching(new RegExp(`^\\$\\{digitalocean_database_cluster\\.postgres_primary_cluster_\\w+\\.${attribute}\\}$`));
    expect(only(synthJson(data), "kubernetes_secret_v1").data).toEqual({
      PGHOST: cluster("private_host"),
      PGPORT: cluster("port"),
      PGDATABASE: expect.stringMatching(/^\$\{digitalocean_database_db\.\w+\.name\}$/),
      PGUSER: cluster("user"),
      PGPASSWORD: cluster("password"),
      PGSSLMODE: "require",
      APP_DB_USER: expect.stringMatching(/^\$\{digitalocean_database_user\.\w+\.name\}$/),
    });
  });
});
