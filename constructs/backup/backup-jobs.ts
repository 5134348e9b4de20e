import { createHash } from "crypto";
import { readFileSync } from "fs";
import * as path from "path";
import type { Construct } from "constructs";
import { ClusterRoleBindingV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-binding-v1";
import { ClusterRoleV1 } from "@cdktf/provider-kubernetes/lib/cluster-role-v1";
import { ConfigMapV1 } from "@cdktf/provider-kubernetes/lib/config-map-v1";
import { CronJobV1 } from "@cdktf/provider-kubernetes/lib/cron-job-v1";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { ServiceAccountV1 } from "@cdktf/provider-kubernetes/lib/service-account-v1";
import { spacesEndpoint, type RegionSlug } from "../../config/regions";
import type { BackupScheduleConfig } from "../../config/backup";
import type { ImageConfig } from "../../config/platform";
import { projectPath } from "../../config/paths";
import type { RuleGroup } from "../core/rule-groups";
import type { BackupBucket } from "./backup-bucket";
import type { MigrationConnection } from "../core/postgres-connection";
import { ClusterAddon } from "../core/cluster-addon";
import { databaseEgressRule, DNS_EGRESS, tcpPorts, type DatabaseEgress } from "../core/secure-namespace";
import { terraformLiteral } from "../core/terraform-literal";

/** The scripts the jobs run, from backup/ of the repository: the files the tests run. */
export const BACKUP_SCRIPTS = ["lib.sh", "backup.sh", "restore.sh", "restore-test.sh", "config-snapshot.sh"] as const;

/** Names of the CronJobs, also used by the alert rules. */
export const BACKUP_CRONJOBS = { dump: "database-backup", snapshot: "config-snapshot", restoreTest: "restore-test" } as const;

/** A dump every `intervalHours` (the guide: 6), at minute 15 so it never meets the top-of-the-hour maintenance windows. */
export function dumpSchedule(intervalHours: number): string {
  return `15 */${intervalHours} * * *`;
}
/** Daily configuration snapshot. */
export const SNAPSHOT_SCHEDULE = "45 2 * * *";
/** The guide's monthly restore test: the 1st of the month, after the 00:15 and before the 06:15 dump. */
export const RESTORE_TEST_SCHEDULE = "0 3 1 * *";

/** A backup is stale when none succeeded for one interval plus an hour's grace (7 hours at the guide's 6). */
export function backupStaleAfterHours(intervalHours: number): number {
  return intervalHours + 1;
}

/**
 * Prometheus alerting rules for the backups, from kube-state-metrics' CronJob
 * and Job series, in the observability layer's RuleGroup shape: it loads them
 * next to its own groups (kube-prometheus-stack's additionalPrometheusRulesMap).
 * They are defined here so the thresholds live next to the schedules they watch.
 */

export function backupAlertRules(namespace: string, dumpIntervalHours: number): RuleGroup {
  const staleAfterHours = backupStaleAfterHours(dumpIntervalHours);
  const lastSuccess = (cronjob: string) => `kube_cronjob_status_last_successful_time{namespace="${namespace}",cronjob="${cronjob}"}`;
  const olderThan = (cronjob: string, hours: number) => `time() - max(${lastSuccess(cronjob)}) > ${hours * 3600} or absent(${lastSuccess(cronjob)})`;
  return {
    name: "cryptopulse.backups",
    rules: [
      {
        alert: "DatabaseBackupStale",
        expr: olderThan(BACKUP_CRONJOBS.dump, staleAfterHours),
        for: "10m",
        labels: { priority: "P2" },
        annotations: {
          summary: `No successful database backup for more than ${staleAfterHours} hours`,
          description: "The newest encrypted dump is older than one backup interval plus an hour: region loss now loses more than the dumps' RPO.",
          runbook: `kubectl -n ${namespace} get jobs -l app.kubernetes.io/name=${BACKUP_CRONJOBS.dump}; kubectl -n ${namespace} logs job/<newest>; docs/runbooks/disaster-recovery.md.`,
        },
      },
      {
        alert: "RestoreTestFailed",
        expr: `max by (job_name) (kube_job_status_failed{namespace="${namespace}",job_name=~"${BACKUP_CRONJOBS.restoreTest}-.*"}) > 0`,
        for: "0m",
        labels: { priority: "P2" },
        annotations: {
          summary: "The monthly restore test failed",
          description: "The newest dump could not be downloaded, decrypted or restored, or its schema or row counts differ from the source.",
          runbook: `kubectl -n ${namespace} logs job/{{ $labels.job_name }}; fix, then kubectl -n ${namespace} create job --from=cronjob/${BACKUP_CRONJOBS.restoreTest} restore-test-manual.`,
        },
      },
      {
        alert: "ConfigSnapshotStale",
        expr: olderThan(BACKUP_CRONJOBS.snapshot, 26),
        for: "10m",
        labels: { priority: "P3" },
        annotations: {
          summary: "No configuration snapshot for more than a day",
          description: "The daily snapshot of the cluster's manifests did not succeed.",
          runbook: `kubectl -n ${namespace} get jobs -l app.kubernetes.io/name=${BACKUP_CRONJOBS.snapshot}; kubectl -n ${namespace} logs job/<newest>.`,
        },
      },
    ],
  };
}

export interface BackupJobsProps {
  readonly environment: string;
  readonly namespace: string;
  readonly image: ImageConfig;
  /** How often the dumps run (backup.schedule). */
  readonly schedule: BackupScheduleConfig;
  /** Pull secrets for the image (the registry integration's `registry-<name>`). */
  readonly imagePullSecrets: readonly string[];
  /** Buckets, the primary region's first: dumps go there, then to every other one. */
  readonly buckets: readonly BackupBucket[];
  /** The operators' age recipients plus the restore test's. */
  readonly recipients: readonly string[];
  /** PostgreSQL: the primary's private endpoint and the admin role (the role that can read every table). */
  readonly postgres: MigrationConnection;
  /** MongoDB's private connection string. */
  readonly mongodbUri: string;
  /** The VPC CIDR the databases' private endpoints live in, and their ports. */
  readonly databaseEgress: DatabaseEgress;
}

/** The image's `postgres` user (the official Debian-based postgres image, the base of backup/Dockerfile). */
const BACKUP_UID = "999";
const SCRIPTS_MOUNT = "/scripts";
const IDENTITY_MOUNT = "/identity";
/** Created by the operator, never by Terraform: `kubectl -n backups create secret generic restore-test-identity --from-file=identity=…`. */
export const RESTORE_TEST_IDENTITY_SECRET = "restore-test-identity";
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/** `FRA1` for fra1: the envFrom prefix of a bucket's settings (see backup/lib.sh). */
export function targetToken(region: RegionSlug): string {
  return region.toUpperCase();
}

/**
 * The in-cluster half of the backups, in a namespace of their own (restricted
 * Pod Security, default-deny network policy):
 * - every 6 hours, a CronJob dumps PostgreSQL (custom format, from the private
 *   endpoint) and MongoDB, encrypts each dump to the configured age
 *   recipients and stores it in every region's bucket (backup/backup.sh);
 * - daily, a snapshot of the cluster's manifests (never Secrets) goes to the
 *   `config/` prefix (backup/config-snapshot.sh), with read-only RBAC that
 *   grants no Secret access;
 * - monthly, the newest PostgreSQL dump of the primary bucket and its copy in
 *   every DR region are each restored into a scratch database and compared
 *   with the source, and the MongoDB dumps are checked the same way short of a
 *   restore (backup/restore-test.sh).
 * The scripts reach the cluster as a ConfigMap whose name carries their hash.
 */
export class BackupJobs extends ClusterAddon {
  readonly cronJobs: { readonly dump: CronJobV1; readonly snapshot: CronJobV1; readonly restoreTest: CronJobV1 };

  constructor(scope: Construct, id: string, props: BackupJobsProps) {
    // Its jobs are plain Kubernetes resources (no chart): the add-on is its namespace and policies.
    super(scope, id, { namespace: { name: props.namespace, enforce: "restricted" } });
    if (props.buckets.length === 0) throw new Error("BackupJobs needs at least one bucket");
    const namespace = this.namespaceName;
    const partOf = { "app.kubernetes.io/part-of": "cryptopulse-backups" };

    const files: Record<string, string> = Object.fromEntries(
      BACKUP_SCRIPTS.map((name) => [name, readFileSync(path.join(projectPath("backup"), name), "utf8")]),
    );
    files["recipients.txt"] = `${props.recipients.join("\n")}\n`;
    const digest = createHash("sha256").update(JSON.stringify(files)).digest("hex").slice(0, 10);
    const scripts = new ConfigMapV1(this, "scripts", {
      metadata: { name: `backup-scripts-${digest}`, namespace, labels: partOf },
      data: Object.fromEntries(Object.entries(files).map(([name, text]) => [name, terraformLiteral(text)])),
    });

    const database = new SecretV1(this, "database", {
      metadata: { name: "backup-database", namespace, labels: partOf },
      data: {
        PGHOST: props.postgres.host,
        PGPORT: props.postgres.port,
        PGDATABASE: props.postgres.database,
        PGUSER: props.postgres.adminUser,
        PGPASSWORD: props.postgres.adminPassword,
        PGSSLMODE: "require",
        MONGODB_URI: props.mongodbUri,
      },
    });
    const targetSecret = (bucket: BackupBucket, purpose: "writer" | "reader") => {
      const key = purpose === "writer" ? bucket.writer : bucket.reader;
      return new SecretV1(this, `${bucket.region}-${purpose}`, {
        metadata: { name: `backup-${bucket.region}-${purpose}`, namespace, labels: partOf },
        data: {
          BUCKET: bucket.name,
          ENDPOINT: spacesEndpoint(bucket.region),
          ACCESS_KEY_ID: key.accessKey,
          SECRET_ACCESS_KEY: key.secretKey,
        },
      });
    };
    const writers = props.buckets.map((bucket) => ({ bucket, secret: targetSecret(bucket, "writer") }));
    // The restore test reads the primary's dump and the copy in every DR region.
    const readers = props.buckets.map((bucket) => ({ bucket, secret: targetSecret(bucket, "reader") }));
    const targets = (secrets: readonly { bucket: BackupBucket; secret: SecretV1 }[]) => ({
      env: secrets.map(({ bucket }) => targetToken(bucket.region)).join(" "),
      envFrom: secrets.map(({ bucket, secret }) => ({ prefix: `${targetToken(bucket.region)}_`, secretRef: { name: secret.metadata.name } })),
    });

    // Egress: DNS, the databases' private endpoints, and Spaces over HTTPS (public addresses only).
    const spacesEgress = { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: PRIVATE_RANGES } }], ports: tcpPorts([443]) };
    this.networkPolicy("egress", {
      name: "backup-egress",
      labels: partOf,
      podSelector: { matchLabels: partOf },
      egress: [
        DNS_EGRESS,
        databaseEgressRule(props.databaseEgress),
        spacesEgress,
      ],
    });

    const snapshotAccount = new ServiceAccountV1(this, "snapshot-account", {
      metadata: { name: BACKUP_CRONJOBS.snapshot, namespace, labels: partOf },
      automountServiceAccountToken: false,
    });
    // Kubernetes' built-in `view` role reads namespaced objects but never Secrets; the cluster-scoped kinds are listed here.
    new ClusterRoleBindingV1(this, "snapshot-view", {
      metadata: { name: "backup-config-snapshot-view", labels: partOf },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subject: [{ kind: "ServiceAccount", name: snapshotAccount.metadata.name, namespace }],
    });
    const clusterScoped = new ClusterRoleV1(this, "snapshot-cluster-read", {
      metadata: { name: "backup-config-snapshot-read", labels: partOf },
      rule: [
        { apiGroups: [""], resources: ["namespaces", "nodes", "persistentvolumes"], verbs: ["get", "list"] },
        { apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles", "clusterrolebindings", "roles", "rolebindings"], verbs: ["get", "list"] },
        { apiGroups: ["apiextensions.k8s.io"], resources: ["customresourcedefinitions"], verbs: ["get", "list"] },
        { apiGroups: ["storage.k8s.io"], resources: ["storageclasses"], verbs: ["get", "list"] },
        { apiGroups: ["networking.k8s.io"], resources: ["ingressclasses"], verbs: ["get", "list"] },
        { apiGroups: ["scheduling.k8s.io"], resources: ["priorityclasses"], verbs: ["get", "list"] },
        { apiGroups: ["admissionregistration.k8s.io"], resources: ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"], verbs: ["get", "list"] },
        { apiGroups: ["monitoring.coreos.com"], resources: ["servicemonitors", "podmonitors", "prometheusrules"], verbs: ["get", "list"] },
      ],
    });
    new ClusterRoleBindingV1(this, "snapshot-cluster-read-binding", {
      metadata: { name: "backup-config-snapshot-read", labels: partOf },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterScoped.metadata.name },
      subject: [{ kind: "ServiceAccount", name: snapshotAccount.metadata.name, namespace }],
    });
    // The snapshot also talks to the Kubernetes API (DOKS serves it on 443 at a public address).
    this.networkPolicy("snapshot-api-egress", {
      name: "config-snapshot-api-egress",
      labels: partOf,
      podSelector: { matchLabels: { "app.kubernetes.io/name": BACKUP_CRONJOBS.snapshot } },
      egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }], ports: tcpPorts([443, 6443]) }],
    });

    const image = props.image.digest ? `${props.image.repository}@${props.image.digest}` : `${props.image.repository}:${props.image.tag}`;
    const cronJob = (
      name: string,
      spec: {
        schedule: string;
        /** Kills a hung run well before the next one is due. */
        activeDeadlineSeconds: number;
        script: string;
        targets: ReturnType<typeof targets>;
        env?: Record<string, string>;
        databases?: boolean;
        serviceAccount?: string;
        identity?: boolean;
        memory: string;
      },
    ) => {
      const labels = { ...partOf, "app.kubernetes.io/name": name };
      return new CronJobV1(this, name, {
        metadata: { name, namespace, labels },
        spec: {
          schedule: spec.schedule,
          timezone: "Etc/UTC",
          concurrencyPolicy: "Forbid",
          // A run missed by more than 30 minutes (node drain, control plane upgrade) is skipped, not bunched up.
          startingDeadlineSeconds: 1800,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: {
            metadata: { labels },
            spec: {
              backoffLimit: 1,
              activeDeadlineSeconds: spec.activeDeadlineSeconds,
              template: {
                metadata: { labels },
                spec: {
                  restartPolicy: "Never",
                  imagePullSecrets: props.imagePullSecrets.map((secretName) => ({ name: secretName })),
                  serviceAccountName: spec.serviceAccount,
                  automountServiceAccountToken: spec.serviceAccount !== undefined,
                  securityContext: {
                    runAsNonRoot: true,
                    runAsUser: BACKUP_UID,
                    runAsGroup: BACKUP_UID,
                    fsGroup: BACKUP_UID,
                    seccompProfile: { type: "RuntimeDefault" },
                  },
                  container: [
                    {
                      name,
                      image,
                      command: ["/bin/sh", `${SCRIPTS_MOUNT}/${spec.script}`],
                      env: Object.entries({
                        BACKUP_ENV: props.environment,
                        BACKUP_TARGETS: spec.targets.env,
                        BACKUP_RECIPIENTS_FILE: `${SCRIPTS_MOUNT}/recipients.txt`,
                        HOME: "/tmp",
                        TMPDIR: "/tmp",
                        ...(spec.identity ? { BACKUP_IDENTITY_FILE: `${IDENTITY_MOUNT}/identity` } : {}),
                        ...spec.env,
                      }).map(([envName, value]) => ({ name: envName, value })),
                      envFrom: [...(spec.databases ? [{ secretRef: { name: database.metadata.name } }] : []), ...spec.targets.envFrom],
                      volumeMount: [
                        { name: "scripts", mountPath: SCRIPTS_MOUNT, readOnly: true },
                        { name: "tmp", mountPath: "/tmp" },
                        ...(spec.identity ? [{ name: "identity", mountPath: IDENTITY_MOUNT, readOnly: true }] : []),
                      ],
                      resources: { requests: { cpu: "100m", memory: spec.memory }, limits: { memory: spec.memory } },
                      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                    },
                  ],
                  volume: [
                    { name: "scripts", configMap: { name: scripts.metadata.name } },
                    // Holds the encrypted dump between dump and upload (plaintext never reaches it).
                    { name: "tmp", emptyDir: { sizeLimit: "20Gi" } },
                    ...(spec.identity ? [{ name: "identity", secret: { secretName: RESTORE_TEST_IDENTITY_SECRET, defaultMode: "0440" } }] : []),
                  ],
                },
              },
            },
          },
        },
      });
    };

    this.cronJobs = {
      dump: cronJob(BACKUP_CRONJOBS.dump, {
        schedule: dumpSchedule(props.schedule.dumpIntervalHours),
        activeDeadlineSeconds: 2 * 3600,
        script: "backup.sh",
        targets: targets(writers),
        databases: true,
        memory: "512Mi",
      }),
      snapshot: cronJob(BACKUP_CRONJOBS.snapshot, {
        schedule: SNAPSHOT_SCHEDULE,
        activeDeadlineSeconds: 1800,
        script: "config-snapshot.sh",
        targets: targets(writers),
        serviceAccount: snapshotAccount.metadata.name,
        memory: "256Mi",
      }),
      restoreTest: cronJob(BACKUP_CRONJOBS.restoreTest, {
        schedule: RESTORE_TEST_SCHEDULE,
        activeDeadlineSeconds: 3 * 3600,
        script: "restore-test.sh",
        targets: targets(readers),
        databases: true,
        identity: true,
        memory: "512Mi",
      }),
    };
  }
}
