import type { Construct } from "constructs";
import type { SpacesKey } from "@cdktf/provider-digitalocean/lib/spaces-key";
import type { RegionSlug } from "../../config";
import { ProtectedBucket } from "../core/protected-bucket";

/** Object key prefixes of a backup bucket; the scripts in backup/ write under them. */
export const BACKUP_PREFIXES = { dumps: "dumps/", config: "config/" } as const;

/**
 * How long an overwritten or deleted object stays recoverable: a week, so a
 * leaked writer key that deletes or overwrites dumps is noticed (the stale
 * backup alert fires within hours) long before the old versions go. The guide
 * names no number (only the dumps' 30 and the snapshots' 90 days); the log
 * bucket's LOG_NONCURRENT_VERSION_DAYS is shorter on purpose: its old versions
 * are Loki's own rewritten index files.
 */
export const BACKUP_NONCURRENT_VERSION_DAYS = 7;

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
export class BackupBucket extends ProtectedBucket {
  /** readwrite on this bucket: the backup and snapshot jobs. */
  readonly writer: SpacesKey;
  /** read on this bucket: restores and the monthly restore test. */
  readonly reader: SpacesKey;

  constructor(scope: Construct, id: string, props: BackupBucketProps) {
    super(scope, id, {
      name: props.name,
      region: props.region,
      expiry: [
        { id: "dumps", prefix: BACKUP_PREFIXES.dumps, days: props.dumpRetentionDays },
        { id: "config", prefix: BACKUP_PREFIXES.config, days: props.configRetentionDays },
      ],
      noncurrentVersionDays: BACKUP_NONCURRENT_VERSION_DAYS,
    });
    this.writer = this.grantKey("writer", "readwrite");
    this.reader = this.grantKey("restore-reader", "read");
  }
}
