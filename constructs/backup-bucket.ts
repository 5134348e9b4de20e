import { Construct } from "constructs";
import { SpacesBucket } from "@cdktf/provider-digitalocean/lib/spaces-bucket";
import { SpacesKey } from "@cdktf/provider-digitalocean/lib/spaces-key";
import type { RegionSlug } from "../config";
import { PROTECTED } from "./managed-database";

/** Object key prefixes of a backup bucket; the scripts in backup/ write under them. */
export const BACKUP_PREFIXES = { dumps: "dumps/", config: "config/" } as const;

/**
 * How long an overwritten or deleted object stays recoverable: a week, so a
 * leaked writer key that deletes or overwrites dumps is noticed (the stale
 * backup alert fires within hours) long before the old versions go.
 */
export const NONCURRENT_VERSION_DAYS = 7;

/** Multipart uploads of a job that died are aborted after a day instead of being billed forever. */
export const ABORT_INCOMPLETE_UPLOAD_DAYS = 1;

export interface BackupBucketProps {
  readonly name: string;
  readonly region: RegionSlug;
  /** Database dumps expire after this many days (the guide: 30). */
  readonly dumpRetentionDays: number;
  /** Configuration snapshots expire after this many days (the guide: 90). */
  readonly configRetentionDays: number;
}

/**
 * One region's backup bucket: private, versioned, never destroyed by a deploy,
 * with the retention of each prefix as lifecycle rules, and two access keys
 * scoped to this bucket alone — the writer for the backup jobs, the reader for
 * restores and the restore test — so neither can touch another region's copy.
 */
export class BackupBucket extends Construct {
  readonly bucket: SpacesBucket;
  /** readwrite on this bucket: the backup and snapshot jobs. */
  readonly writer: SpacesKey;
  /** read on this bucket: restores and the monthly restore test. */
  readonly reader: SpacesKey;
  readonly name: string;
  readonly region: RegionSlug;

  constructor(scope: Construct, id: string, props: BackupBucketProps) {
    super(scope, id);
    this.name = props.name;
    this.region = props.region;
    const expire = (rule: string, prefix: string, days: number) => ({
      id: rule,
      enabled: true,
      prefix,
      expiration: { days },
      abortIncompleteMultipartUploadDays: ABORT_INCOMPLETE_UPLOAD_DAYS,
    });
    this.bucket = new SpacesBucket(this, "bucket", {
      name: props.name,
      region: props.region,
      acl: "private",
      versioning: { enabled: true },
      lifecycleRule: [
        expire("dumps", BACKUP_PREFIXES.dumps, props.dumpRetentionDays),
        expire("config", BACKUP_PREFIXES.config, props.configRetentionDays),
        {
          id: "noncurrent-versions",
          enabled: true,
          noncurrentVersionExpiration: { days: NONCURRENT_VERSION_DAYS },
          // Expiring a current version leaves a delete marker; once its versions are gone, the marker goes too.
          expiration: { expiredObjectDeleteMarker: true },
          abortIncompleteMultipartUploadDays: ABORT_INCOMPLETE_UPLOAD_DAYS,
        },
      ],
      lifecycle: PROTECTED,
    });
    const key = (purpose: string, permission: "readwrite" | "read") =>
      new SpacesKey(this, purpose, { name: `${props.name}-${purpose}`, grant: [{ bucket: this.bucket.name, permission }] });
    this.writer = key("writer", "readwrite");
    this.reader = key("restore-reader", "read");
  }
}
