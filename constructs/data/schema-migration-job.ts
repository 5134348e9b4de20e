import { createHash } from "crypto";
import { readdirSync, readFileSync } from "fs";
import * as path from "path";
import { Construct } from "constructs";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { projectPath } from "../../config/paths";
import type { MigrationConnection } from "../core/postgres-connection";
import { databaseEgressRule, DNS_EGRESS, type DatabaseEgress } from "../core/secure-namespace";
import { terraformLiteral } from "../core/terraform-literal";

export interface SchemaMigrationJobProps {
  readonly namespace: string;
  readonly connection: MigrationConnection;
  /** The server's PostgreSQL major: the job's psql comes from the same official image line. */
  readonly postgresMajor: string;
  /** Holds migrate.sh and the NNNN_name.sql files; `migrations/` of the project by default (cdktf runs from there). */
  readonly directory?: string;
  /**
   * The database's private endpoints, as the namespace's default deny must let the Job reach
   * them: the VPC CIDR and the database ports (DATABASE_PORTS).
   */
  readonly databaseEgress: DatabaseEgress;
}

const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.sql$/;
const RUNNER = "migrate.sh";
const MOUNT = "/migrations";
/** The `postgres` user of the official Alpine image. */
const POSTGRES_UID = "70";

/**
 * Reads the runner and the versioned migrations of `directory`. A `.sql` file
 * that does not follow NNNN_name.sql, or two files with one version number,
 * would silently change the order or be skipped, so both are refused.
 */
export function readMigrations(directory: string): Record<string, string> {
  const names = readdirSync(directory).sort();
  const sql = names.filter((name) => name.endsWith(".sql"));
  const misnamed = sql.filter((name) => !MIGRATION_FILE.test(name));
  if (misnamed.length > 0) throw new Error(`${directory}: migrations must be named NNNN_name.sql (lowercase): ${misnamed.join(", ")}`);
  const versions = sql.map((name) => name.slice(0, 4));
  const repeated = versions.filter((version, index) => versions.indexOf(version) !== index);
  if (repeated.length > 0) throw new Error(`${directory}: more than one migration numbered ${[...new Set(repeated)].join(", ")}`);
  return Object.fromEntries([RUNNER, ...sql].map((name) => [name, readFileSync(path.join(directory, name), "utf8")]));
}

/**
 * The Kubernetes Job that applies the schema migrations, for the platform
 * layer's stack (it needs the kubernetes provider). The files travel in a
 * ConfigMap; the Job's name carries a hash of them, so a new or changed
 * migration makes a new Job, and `terraform apply` waits for it to finish and
 * fails when it fails. The finished Job is kept on purpose: a Job that expired
 * would be created again on the next apply.
 *
 * The connection is the admin role's, over TLS, straight to the primary.
 */
export class SchemaMigrationJob extends Construct {
  readonly job: JobV1;
  /** The Job's way to PostgreSQL, created before it: a Job started under default deny alone could not reach the database. */
  readonly egress: NetworkPolicyV1;

  constructor(scope: Construct, id: string, props: SchemaMigrationJobProps) {
    super(scope, id);
    const { namespace, connection } = props;
    const files = readMigrations(props.directory ?? projectPath("migrations"));
    const digest = createHash("sha256").update(JSON.stringify(files)).digest("hex").slice(0, 10);
    const labels = { "app.kubernetes.io/name": "schema-migration", "app.kubernetes.io/part-of": "cryptopulse" };

    // Beside the construct (`<id>-egress` in its scope), not inside it: deployed state knows the
    // policy at that address, and a move would be a destroy and a create of it.
    this.egress = new NetworkPolicyV1(scope, `${id}-egress`, {
      metadata: { name: "schema-migration-egress", namespace },
      spec: {
        podSelector: { matchLabels: { "app.kubernetes.io/name": labels["app.kubernetes.io/name"] } },
        policyTypes: ["Egress"],
        egress: [
          DNS_EGRESS,
          databaseEgressRule(props.databaseEgress),
        ],
      },
    });

    const secret = new SecretV1(this, "connection", {
      metadata: { name: "schema-migration-connection", namespace, labels },
      data: {
        PGHOST: connection.host,
        PGPORT: connection.port,
        PGDATABASE: connection.database,
        PGUSER: connection.adminUser,
        PGPASSWORD: connection.adminPassword,
        PGSSLMODE: "require",
        APP_DB_USER: connection.appUser,
      },
    });
    const configMap = new ConfigMapV1(this, "files", {
      metadata: { name: `schema-migration-${digest}`, namespace, labels },
      data: Object.fromEntries(Object.entries(files).map(([name, text]) => [name, terraformLiteral(text)])),
    });

    this.job = new JobV1(this, "job", {
      metadata: { name: `schema-migration-${digest}`, namespace, labels },
      waitForCompletion: true,
      dependsOn: [this.egress],
      timeouts: { create: "15m" },
      spec: {
        backoffLimit: 2,
        activeDeadlineSeconds: 600,
        template: {
          metadata: { labels },
          spec: {
            restartPolicy: "Never",
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: POSTGRES_UID,
              runAsGroup: POSTGRES_UID,
              seccompProfile: { type: "RuntimeDefault" },
            },
            container: [
              {
                name: "migrate",
                image: `postgres:${props.postgresMajor}-alpine`,
                command: ["/bin/sh", `${MOUNT}/${RUNNER}`, MOUNT],
                envFrom: [{ secretRef: { name: secret.metadata.name } }],
                volumeMount: [{ name: "migrations", mountPath: MOUNT, readOnly: true }],
                resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ["ALL"] },
                },
              },
            ],
            volume: [{ name: "migrations", configMap: { name: configMap.metadata.name } }],
          },
        },
      },
    });
  }
}
