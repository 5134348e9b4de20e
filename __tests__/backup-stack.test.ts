import { readFileSync } from "fs";
import * as path from "path";
import { App, Testing } from "cdktf";
import { SpacesBucket } from "@cdktf/provider-digitalocean/lib/spaces-bucket";
import { SpacesKey } from "@cdktf/provider-digitalocean/lib/spaces-key";
import { CronJobV1 } from "@cdktf/provider-kubernetes/lib/cron-job-v1";
import { loadPlatformConfig } from "../config";
import { backupAlertRules, BACKUP_CRONJOBS, BACKUP_SCRIPTS, RESTORE_TEST_SCHEDULE, SNAPSHOT_SCHEDULE } from "../constructs/backup/backup-jobs";
import { defineEnvironment } from "../stacks/environment";
import { BACKUP_NAMESPACE } from "../constructs/core/namespaces";
import { environmentNamed, problemsOf, shippedConfig, synthesizedPlatform, type TerraformJson } from "./helpers";

function environmentStacks(name: "production" | "staging") {
  const app = new App({ outdir: "cdktf.out", skipValidation: true });
  return defineEnvironment(app, environmentNamed(name), { kind: "local" });
}

const production = environmentStacks("production");
const staging = environmentStacks("staging");
const all = (json: TerraformJson, type: string) => Object.values(json.resource[type] ?? {}) as TerraformJson[];
/** Each stack synthesized once; the platform stack is the run's shared one, built the same way. */
const platformSynth = synthesizedPlatform("production");
const platform = platformSynth.json;
const backupSynth = production.backup.map((stack) => {
  const synthesized = Testing.synth(stack);
  return { synthesized, json: JSON.parse(synthesized) as TerraformJson };
});
const cronJob = (name: string) => all(platform, "kubernetes_cron_job_v1").find((job) => job.metadata.name === name)!;
const podSpec = (name: string) => cronJob(name).spec.job_template.spec.template.spec;
/** The metadata.name of the Kubernetes resource a `${type.address.metadata[0].name}` reference points to. */
function referencedName(reference: string): string {
  const [, type, address] = /^\$\{(\w+)\.([\w-]+)\.metadata\[0\]\.name\}$/.exec(reference) ?? [];
  return type ? platform.resource[type][address].metadata.name : reference;
}

describe("BackupStack", () => {
  it("is one stack per region of the environment, primary first, with the digitalocean provider only", () => {
    expect(production.backup.map((stack) => stack.stackName)).toEqual(["cryptopulse-production-backup-fra1", "cryptopulse-production-backup-ams3"]);
    expect(staging.backup.map((stack) => stack.stackName)).toEqual(["cryptopulse-staging-backup-fra1"]);
    expect(Object.keys(backupSynth[1].json.provider)).toEqual(["digitalocean"]);
  });

  it("holds a private, versioned bucket in its own region that a deploy never destroys", () => {
    const synthesized = backupSynth[1].synthesized;
    expect(synthesized).toHaveResourceWithProperties(SpacesBucket, {
      name: "cryptopulse-b7k2-production-ams3",
      region: "ams3",
      acl: "private",
      versioning: { enabled: true },
      lifecycle: { prevent_destroy: true },
    });
    const [bucket] = all(backupSynth[1].json, "digitalocean_spaces_bucket");
    expect(bucket.force_destroy).toBeUndefined();
  });

  it("expires dumps after 30 days, snapshots after 90, old versions after a week, and aborts stale uploads", () => {
    const [bucket] = all(backupSynth[0].json, "digitalocean_spaces_bucket");
    expect(bucket.lifecycle_rule).toEqual([
      { id: "dumps", enabled: true, prefix: "dumps/", expiration: { days: 30 }, abort_incomplete_multipart_upload_days: 1 },
      { id: "config", enabled: true, prefix: "config/", expiration: { days: 90 }, abort_incomplete_multipart_upload_days: 1 },
      {
        id: "noncurrent-versions",
        enabled: true,
        noncurrent_version_expiration: { days: 7 },
        expiration: { expired_object_delete_marker: true },
        abort_incomplete_multipart_upload_days: 1,
      },
    ]);
  });

  it("issues a writer and a restore-reader key, each granted on this bucket only", () => {
    const synthesized = backupSynth[0].synthesized;
    expect(synthesized).toHaveResourceWithProperties(SpacesKey, { name: "cryptopulse-b7k2-production-fra1-writer" });
    expect(synthesized).toHaveResourceWithProperties(SpacesKey, { name: "cryptopulse-b7k2-production-fra1-restore-reader" });
    const keys = all(backupSynth[0].json, "digitalocean_spaces_key");
    const grantOf = (suffix: string) => keys.find((key) => key.name.endsWith(suffix))!.grant;
    const thisBucket = expect.stringMatching(/^\$\{digitalocean_spaces_bucket\.\w+\.name\}$/);
    expect(grantOf("-writer")).toEqual([{ bucket: thisBucket, permission: "readwrite" }]);
    expect(grantOf("-restore-reader")).toEqual([{ bucket: thisBucket, permission: "read" }]);
    expect(keys).toHaveLength(2);
    const outputs = backupSynth[0].json.output;
    expect(outputs.restore_secret_access_key.sensitive).toBe(true);
    expect(outputs.restore_access_key_id.sensitive).toBe(true);
  });

  it("refuses a bucket prefix that would make invalid or too long names, and a recipient that is no age key", () => {
    const config = shippedConfig();
    config.environments.production.backup.bucketPrefix = "Bad_Prefix";
    config.environments.staging.backup.recipients = ["ssh-ed25519 AAAA"];
    config.environments.staging.backup.restoreTestRecipient = "age1short";
    const problems = problemsOf(() => loadPlatformConfig(config));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^environments\.production\.backup\.bucketPrefix = "Bad_Prefix": /),
        expect.stringMatching(/^environments\.staging\.backup\.recipients\[0\] = "ssh-ed25519 AAAA": an age public key/),
        expect.stringMatching(/^environments\.staging\.backup\.restoreTestRecipient = "age1short": an age public key/),
      ]),
    );
  });
});

describe("BackupJobs in the platform layer", () => {
  it("deploys after every region's backup stack", () => {
    const dependencies = production.platform.dependencies.map((stack) => stack.node.id);
    expect(dependencies).toEqual(expect.arrayContaining(["cryptopulse-production-backup-fra1", "cryptopulse-production-backup-ams3"]));
  });

  it("runs the dump every 6 hours, the snapshot daily and the restore test monthly, never overlapping, with deadlines and bounded history", () => {
    const synthesized = platformSynth.synthesized;
    for (const [name, schedule] of [
      // The guide's every 6 hours (backup.schedule.dumpIntervalHours), at minute 15.
      [BACKUP_CRONJOBS.dump, "15 */6 * * *"],
      [BACKUP_CRONJOBS.snapshot, SNAPSHOT_SCHEDULE],
      [BACKUP_CRONJOBS.restoreTest, RESTORE_TEST_SCHEDULE],
    ]) {
      expect(synthesized).toHaveResourceWithProperties(CronJobV1, {
        metadata: { name, namespace: expect.any(String), labels: expect.any(Object) },
        spec: expect.objectContaining({ schedule, concurrency_policy: "Forbid", successful_jobs_history_limit: 3, failed_jobs_history_limit: 3 }),
      });
      const spec = cronJob(name).spec;
      expect(spec.starting_deadline_seconds).toBeGreaterThan(0);
      expect(spec.job_template.spec.active_deadline_seconds).toBeGreaterThan(0);
    }
    expect(RESTORE_TEST_SCHEDULE).toMatch(/^\d+ \d+ 1 \* \*$/);
  });

  it("runs pinned, non-root, read-only containers with requests and limits in a restricted namespace", () => {
    const namespace = all(platform, "kubernetes_namespace_v1").find((ns) => ns.metadata.name === BACKUP_NAMESPACE)!;
    expect(namespace.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    for (const name of Object.values(BACKUP_CRONJOBS)) {
      const spec = podSpec(name);
      const [container] = spec.container;
      expect(container.image).toBe("registry.digitalocean.com/cryptopulse/backup-tools:1.0.0");
      expect(spec.security_context).toMatchObject({ run_as_non_root: true, seccomp_profile: { type: "RuntimeDefault" } });
      expect(container.security_context).toMatchObject({ allow_privilege_escalation: false, read_only_root_filesystem: true, capabilities: { drop: ["ALL"] } });
      expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources.limits.memory).toBeDefined();
    }
  });

  it("mounts the repository's scripts and the recipients (public keys only) from a ConfigMap named by their hash", () => {
    const [scripts] = all(platform, "kubernetes_config_map_v1").filter((map) => map.metadata.name.startsWith("backup-scripts-"));
    // What Terraform reads back from `$${` and `%%{`: the literal `${` and `%{`.
    const unescaped = (text: string) => text.replace(/\$\$\{/g, () => "${").replace(/%%\{/g, () => "%{");
    for (const name of BACKUP_SCRIPTS) expect(unescaped(scripts.data[name])).toBe(readFileSync(path.join(__dirname, "..", "backup", name), "utf8"));
    expect(scripts.data["lib.sh"]).toContain('eval "_value=\\$${$1:-}"');
    const { backup } = environmentNamed("production");
    expect(scripts.data["recipients.txt"]).toBe(`${[...backup.recipients, backup.restoreTestRecipient].join("\n")}\n`);
    expect(JSON.stringify(platform)).not.toMatch(/AGE-SECRET-KEY-/);
    expect(podSpec(BACKUP_CRONJOBS.dump).container[0].command).toEqual(["/bin/sh", "/scripts/backup.sh"]);
  });

  it("gives the dump the writer keys of every region's bucket, primary first, and the restore test their reader keys", () => {
    const dump = podSpec(BACKUP_CRONJOBS.dump).container[0];
    const env = (container: TerraformJson) => Object.fromEntries(container.env.map((entry: TerraformJson) => [entry.name, entry.value]));
    expect(env(dump).BACKUP_TARGETS).toBe("FRA1 AMS3");
    expect(dump.env_from.map((source: TerraformJson) => [source.prefix, referencedName(source.secret_ref.name)])).toEqual([
      [undefined, "backup-database"],
      ["FRA1_", "backup-fra1-writer"],
      ["AMS3_", "backup-ams3-writer"],
    ]);
    const restore = podSpec(BACKUP_CRONJOBS.restoreTest);
    // The restore test reads the DR region's copy too, with read-only keys.
    expect(env(restore.container[0]).BACKUP_TARGETS).toBe("FRA1 AMS3");
    expect(restore.container[0].env_from.map((source: TerraformJson) => [source.prefix, referencedName(source.secret_ref.name)])).toEqual([
      [undefined, "backup-database"],
      ["FRA1_", "backup-fra1-reader"],
      ["AMS3_", "backup-ams3-reader"],
    ]);
    expect(restore.volume.find((volume: TerraformJson) => volume.name === "identity").secret.secret_name).toBe("restore-test-identity");
    const secrets = all(platform, "kubernetes_secret_v1").map((secret) => secret.metadata.name);
    expect(secrets).not.toContain("restore-test-identity");
  });

  it("dumps PostgreSQL from the private endpoint of the primary, over TLS", () => {
    const secret = all(platform, "kubernetes_secret_v1").find((candidate) => candidate.metadata.name === "backup-database")!;
    expect(secret.data.PGHOST).toMatch(/private_host/);
    expect(secret.data.PGSSLMODE).toBe("require");
    expect(secret.data.MONGODB_URI).toMatch(/private_uri/);
  });

  it("lets the backup pods reach only DNS, the databases in the VPC and HTTPS outside private ranges", () => {
    const policy = all(platform, "kubernetes_network_policy_v1").find((candidate) => candidate.metadata.name === "backup-egress")!;
    const [, databases, spaces] = policy.spec.egress;
    expect(databases.to).toEqual([{ ip_block: { cidr: "10.20.0.0/16" } }]);
    expect(databases.ports.map((port: TerraformJson) => port.port)).toEqual(["25060", "25061", "27017"]);
    expect(spaces).toEqual({
      to: [{ ip_block: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] } }],
      ports: [{ protocol: "TCP", port: "443" }],
    });
    const defaultDeny = all(platform, "kubernetes_network_policy_v1").find((p) => p.metadata.name === "default-deny-all" && p.metadata.namespace.includes("backups"));
    expect(defaultDeny).toBeDefined();
  });

  it("lets the snapshot read resources but never Secrets", () => {
    const roles = all(platform, "kubernetes_cluster_role_v1");
    const rules = roles.flatMap((role) => role.rule as TerraformJson[]);
    expect(rules.flatMap((rule) => rule.resources)).not.toContain("secrets");
    expect(rules.flatMap((rule) => rule.resources)).not.toContain("*");
    expect(rules.flatMap((rule) => rule.verbs).every((verb: string) => ["get", "list"].includes(verb))).toBe(true);
    const bindings = all(platform, "kubernetes_cluster_role_binding_v1");
    expect(bindings.map((binding) => referencedName(binding.role_ref.name))).toEqual(expect.arrayContaining(["view", "backup-config-snapshot-read"]));
    expect(referencedName(podSpec(BACKUP_CRONJOBS.snapshot).service_account_name)).toBe(BACKUP_CRONJOBS.snapshot);
    expect(podSpec(BACKUP_CRONJOBS.dump).automount_service_account_token).toBe(false);
  });

  it("exports alert rules for a backup older than 7 hours and a failed restore test", () => {
    const rules = backupAlertRules(BACKUP_NAMESPACE, 6).rules;
    const stale = rules.find((rule) => rule.alert === "DatabaseBackupStale")!;
    expect(stale.expr).toContain('kube_cronjob_status_last_successful_time{namespace="backups",cronjob="database-backup"}');
    expect(stale.expr).toContain("> 25200");
    const restore = rules.find((rule) => rule.alert === "RestoreTestFailed")!;
    expect(restore.expr).toContain('kube_job_status_failed{namespace="backups",job_name=~"restore-test-.*"}');
  });
});
