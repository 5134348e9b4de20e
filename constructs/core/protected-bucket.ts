import { Construct } from "constructs";
import { SpacesBucket } from "@cdktf/provider-digitalocean/lib/spaces-bucket";
import { SpacesKey } from "@cdktf/provider-digitalocean/lib/spaces-key";
import type { RegionSlug } from "../../config";
import { PROTECTED } from "./protected";

/** Multipart uploads of a writer that died are aborted after a day instead of being billed forever. */
export const ABORT_INCOMPLETE_UPLOAD_DAYS = 1;

/** Objects under `prefix` ("" for the whole bucket) expire `days` after they were written. */
export interface ExpiryRule {
  readonly id: string;
  readonly prefix: string;
  readonly days: number;
}

export interface ProtectedBucketProps {
  /** Global across Spaces: derive it from the environment and region. */
  readonly name: string;
  readonly region: RegionSlug;
  readonly expiry: readonly ExpiryRule[];
  /** How long an overwritten or deleted object stays recoverable. */
  readonly noncurrentVersionDays: number;
}

/**
 * A Spaces bucket that keeps data safe by default: private, versioned,
 * `prevent_destroy` and never force-destroyed, with lifecycle rules for the
 * retention of each prefix, old versions and abandoned uploads. Access keys
 * come from `grantKey()`, each scoped to this bucket alone.
 */
export class ProtectedBucket extends Construct {
  readonly bucket: SpacesBucket;
  readonly name: string;
  readonly region: RegionSlug;

  constructor(scope: Construct, id: string, props: ProtectedBucketProps) {
    super(scope, id);
    this.name = props.name;
    this.region = props.region;
    this.bucket = new SpacesBucket(this, "bucket", {
      name: props.name,
      region: props.region,
      acl: "private",
      versioning: { enabled: true },
      lifecycleRule: [
        ...props.expiry.map((rule) => ({
          id: rule.id,
          enabled: true,
          ...(rule.prefix ? { prefix: rule.prefix } : {}),
          expiration: { days: rule.days },
          abortIncompleteMultipartUploadDays: ABORT_INCOMPLETE_UPLOAD_DAYS,
        })),
        {
          id: "noncurrent-versions",
          enabled: true,
          noncurrentVersionExpiration: { days: props.noncurrentVersionDays },
          // Expiring a current version leaves a delete marker; once its versions are gone, the marker goes too.
          expiration: { expiredObjectDeleteMarker: true },
          // This rule has no prefix: abandoned uploads anywhere in the bucket go too.
          abortIncompleteMultipartUploadDays: ABORT_INCOMPLETE_UPLOAD_DAYS,
        },
      ],
      lifecycle: PROTECTED,
    });
  }

  /** An access key named `<bucket>-<purpose>` with `permission` on this bucket only. */
  grantKey(purpose: string, permission: "readwrite" | "read"): SpacesKey {
    return new SpacesKey(this, purpose, { name: `${this.name}-${purpose}`, grant: [{ bucket: this.bucket.name, permission }] });
  }
}
