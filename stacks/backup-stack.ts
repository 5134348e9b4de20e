import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { backupBucketName } from "../config/backup";
import type { EnvironmentConfig, Region } from "../config";
import type { StateBackendOptions } from "../config/runtime";
import { BackupBucket } from "../constructs/backup/backup-bucket";
import { LayerStack } from "./layer-stack";

export interface BackupStackProps {
  readonly environment: EnvironmentConfig;
  readonly region: Region;
  readonly state: StateBackendOptions;
}

/**
 * The backup bucket of one region (`cryptopulse-<env>-backup-<region>`): one
 * stack per region, so losing a region's Spaces leaves the other regions'
 * stacks — and their copies of every dump — plannable on their own. The jobs
 * that fill the buckets run in the cluster (the platform layer).
 *
 * Spaces buckets speak the S3 API: the provider needs SPACES_ACCESS_KEY_ID /
 * SPACES_SECRET_ACCESS_KEY besides DIGITALOCEAN_TOKEN, and reaches each
 * bucket at its own region's endpoint from the bucket's `region`.
 */
export class BackupStack extends LayerStack {
  readonly backup: BackupBucket;

  constructor(scope: Construct, props: BackupStackProps) {
    const { environment, region } = props;
    super(scope, { environment, layer: "backup", region: region.slug, providers: ["digitalocean"], state: props.state });
    this.backup = new BackupBucket(this, "backup", {
      name: backupBucketName(environment.backup, environment.name, region.slug),
      region: region.slug,
      dumpRetentionDays: environment.backup.schedule.dumpRetentionDays,
      configRetentionDays: environment.backup.schedule.configRetentionDays,
    });
    // The restore key of this region, for the runbook's restores from outside the cluster (e.g. after losing the primary region).
    new TerraformOutput(this, "bucket", { value: this.backup.name });
    new TerraformOutput(this, "restore_access_key_id", { value: this.backup.reader.accessKey, sensitive: true });
    new TerraformOutput(this, "restore_secret_access_key", { value: this.backup.reader.secretKey, sensitive: true });
  }
}
