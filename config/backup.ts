import { z } from "zod";
import { decodeBech32, wordsToBytes } from "./bech32";
import { bucketName } from "./naming.mjs";
import { imageSchema } from "./platform";
import { uniqueList } from "./unique";

/**
 * The `backup` section of an environment: where the dumps go and who can
 * read them. Only public keys live here — the private keys that decrypt the
 * dumps are held by the operators, outside the cluster and Terraform.
 */

/** X25519 public keys are 32 bytes. */
const AGE_KEY_BYTES = 32;

/**
 * An age X25519 recipient (`age-keygen -y` prints it from an identity file):
 * Bech32 with the prefix `age`, so its checksum catches a key copied wrong.
 */
const AGE_RECIPIENT_PATTERN = /^age1[02-9ac-hj-np-z]{58}$/;
const ageRecipient = z
  .string()
  .regex(AGE_RECIPIENT_PATTERN, "an age public key (age1 followed by 58 bech32 characters)")
  .superRefine((text, ctx) => {
    if (!AGE_RECIPIENT_PATTERN.test(text)) return; // the pattern's own line says why
    const decoded = decodeBech32(text);
    if (!decoded) {
      ctx.addIssue({ code: "custom", message: "Bech32 checksum mismatch: a character is mistyped, swapped or missing; copy the key again from age-keygen -y" });
    } else if (wordsToBytes(decoded.words)?.length !== AGE_KEY_BYTES) {
      ctx.addIssue({ code: "custom", message: `not an X25519 key: its data does not decode to ${AGE_KEY_BYTES} bytes` });
    }
  });

/** The dump interval must divide the day, so that the cron step (every N hours) repeats evenly. */
const DUMP_INTERVALS = [1, 2, 3, 4, 6, 8, 12, 24];

/** When the jobs dump and how long each prefix keeps its objects (the guide's Backup Strategy). */
const scheduleSchema = z.strictObject({
  /** A database dump every this many hours (the guide: 6). */
  dumpIntervalHours: z.int().refine((hours) => DUMP_INTERVALS.includes(hours), `hours that divide the day evenly: ${DUMP_INTERVALS.join(", ")}`),
  /** Dumps expire after this many days (the guide: 30). */
  dumpRetentionDays: z.int().min(1, "at least 1 day").max(3650),
  /** Configuration snapshots expire after this many days (the guide: 90). */
  configRetentionDays: z.int().min(1, "at least 1 day").max(3650),
});

export const backupSchema = z.strictObject({
  /**
   * Spaces bucket names are global across every DigitalOcean customer: the
   * buckets are `<bucketPrefix>-<environment>-<region>`, so a prefix of the
   * account's own (e.g. the company name and a random suffix) keeps them unique.
   */
  bucketPrefix: z.string().regex(/^[a-z0-9][a-z0-9-]{2,29}[a-z0-9]$/, "4-31 lowercase letters, digits or dashes, not starting or ending with a dash"),
  /** The operators' keys: every dump and snapshot is encrypted to all of them. */
  recipients: uniqueList(ageRecipient, "recipients", "recipient").min(1, "at least one recipient, or nobody can restore"),
  /**
   * The key of the monthly restore test. Its identity is the one private key
   * that enters the cluster (as a Secret created by the operator, never by
   * Terraform): a restore test inside the VPC has to decrypt.
   */
  restoreTestRecipient: ageRecipient,
  /** The backup tools image built from backup/Dockerfile (pg_dump, mongodump, age, aws CLI, kubectl). */
  image: imageSchema,
  schedule: scheduleSchema,
});

export type BackupConfig = z.output<typeof backupSchema>;
export type BackupScheduleConfig = BackupConfig["schedule"];

/** The bucket of one region: `<prefix>-<environment>-<region>` (at most 63 characters by construction). */
export function backupBucketName(backup: Pick<BackupConfig, "bucketPrefix">, environment: string, region: string): string {
  return bucketName(backup.bucketPrefix, environment, region);
}
