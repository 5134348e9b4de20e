import { z } from "zod";
import { bucketName } from "./naming.mjs";
import { isPort, portOf, PORT_RULE } from "./port";
import { terraformVariableName } from "./terraform-variable";

/**
 * The `observability` section of an environment: how much Prometheus keeps,
 * how the monitoring components are sized, the alert thresholds the guide
 * names (CPU, memory and disk come from `alerts.thresholds`, shared with the
 * DigitalOcean monitor alerts), and where Alertmanager sends mail. Secrets
 * (Grafana's admin password, the SMTP password) are named here as sensitive
 * Terraform variables only; the Slack webhooks are `alerts.slack`'s.
 */

const volumeGiB = (min: number, max: number) =>
  z.int().min(min, `at least ${min} GiB`).max(max, `at most ${max} GiB (one DigitalOcean volume)`);
const SMARTHOST_PATTERN = /^[a-z0-9.-]+:\d{2,5}$/;
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "a time of day as HH:MM (24 h)");
const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;

const TIME_ZONE_PATTERN = /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/;

let canonicalTimeZones: ReadonlySet<string> | undefined;

/**
 * The IANA name `name` stands for (itself, for a canonical name; the zone's,
 * for an alias or another case), or undefined for no zone. A canonical name is
 * looked up in Node's list of them: the first Intl.DateTimeFormat of a process
 * costs 15 ms, a good part of loading the configuration.
 */
function canonicalTimeZone(name: string): string | undefined {
  canonicalTimeZones ??= new Set(Intl.supportedValuesOf("timeZone"));
  if (canonicalTimeZones.has(name)) return name;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * Why Alertmanager could not load the time zone `name`, or undefined. Node's
 * copy of the IANA database decides whether the zone exists; Alertmanager
 * (Go) looks names up case-sensitively, where Node does not, so the case is
 * checked too: every part of an IANA name starts with a capital.
 */
function timeZoneProblem(name: string): string | undefined {
  const canonical = canonicalTimeZone(name);
  if (canonical === undefined) return "unknown time zone: not in the IANA time zone database; e.g. Europe/Berlin, America/New_York, UTC";
  if (canonical !== name && canonical.toLowerCase() === name.toLowerCase()) return `time zone names are case-sensitive: write ${canonical}`;
  if (name.split("/").some((part) => !/^[A-Z]/.test(part))) return "time zone names are case-sensitive: each part starts with a capital, e.g. America/New_York";
  return undefined;
}

/** The guide's alert priorities, most urgent first: the `priority` label of every alert rule. */
export const PRIORITIES = ["P1", "P2", "P3", "P4"] as const;
export type Priority = (typeof PRIORITIES)[number];

/**
 * One priority of the escalation matrix. Alertmanager repeats a firing alert once per response
 * time, so at most a week: a longer one would never repeat within an incident.
 */
const escalationLevelSchema = z.strictObject({
  responseHours: z.int().min(1, "at least 1 hour").max(168, "at most 168 hours (a week)"),
  /** Answered day and night (mailed, and paged around the clock where alerts.pageAroundTheClock is set). */
  allHours: z.boolean(),
});
const escalationSchema = z.strictObject(Object.fromEntries(PRIORITIES.map((priority) => [priority, escalationLevelSchema])) as Record<Priority, typeof escalationLevelSchema>);

const businessHoursSchema = z
  .strictObject({
    /** IANA time zone the hours are read in, e.g. Europe/Berlin. */
    timezone: z
      .string()
      .regex(TIME_ZONE_PATTERN, "an IANA time zone such as Europe/Berlin")
      .superRefine((name, ctx) => {
        const problem = TIME_ZONE_PATTERN.test(name) ? timeZoneProblem(name) : undefined; // else the pattern's line says why
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
    firstDay: z.enum(WEEKDAYS),
    lastDay: z.enum(WEEKDAYS),
    start: clock,
    end: clock,
  })
  .superRefine((hours, ctx) => {
    if (hours.start >= hours.end) {
      ctx.addIssue({ code: "custom", path: ["start"], message: `must be before end (${hours.end})` });
    }
    if (WEEKDAYS.indexOf(hours.firstDay) > WEEKDAYS.indexOf(hours.lastDay)) {
      ctx.addIssue({ code: "custom", path: ["firstDay"], message: `must not come after lastDay (${hours.lastDay}) in the week` });
    }
  });

/**
 * Days Loki keeps logs when an environment does not say otherwise. The guide
 * names no log retention; 30 days matches how long its database dumps are
 * kept (SEED_BACKUP.dumpRetentionDays) and production's Prometheus retention,
 * so an incident can be investigated with logs, metrics and data from the same
 * window, while the bucket stays well inside the Spaces subscription's 250 GiB.
 */
export const DEFAULT_LOG_RETENTION_DAYS = 30;

const logsSchema = z.strictObject({
  /** Loki's compactor deletes logs older than this; the bucket's lifecycle rule is a backstop a week later. */
  retentionDays: z.int().min(1, "at least 1 day").max(365, "at most 365 days"),
  loki: z.strictObject({
    /** The write-ahead log and index cache on DigitalOcean block storage (chunks live in the bucket). */
    volumeGiB: volumeGiB(5, 1000),
    /** Loki's memory limit (its request is half); Go's memory limit follows it. */
    memoryMiB: z.int().min(512, "at least 512 MiB").max(32768, "at most 32 GiB"),
  }),
});

export const observabilitySchema = z.strictObject({
  prometheus: z.strictObject({
    /** Two or more: Prometheus runs highly available (each replica scrapes everything). */
    replicas: z.int().min(1).max(3),
    retentionDays: z.int().min(1, "at least 1 day").max(365, "at most 365 days"),
    /** Each replica's volume on DigitalOcean block storage. */
    volumeGiB: volumeGiB(10, 16384),
  }),
  alertmanager: z.strictObject({
    /** Two or more form a cluster that deduplicates notifications. */
    replicas: z.int().min(1).max(5),
    /** Silences and the notification log survive a restart. */
    volumeGiB: volumeGiB(1, 100),
  }),
  grafana: z.strictObject({
    volumeGiB: volumeGiB(1, 100),
    /** Sensitive variable holding Grafana's admin password. */
    adminPasswordVariable: terraformVariableName,
  }),
  /** The guide's thresholds that DigitalOcean's own alerts cannot express (see config/seed.ts). */
  thresholds: z.strictObject({
    /** 5xx responses as a share of all responses, per service and endpoint. */
    errorRatio: z.number().gt(0, "a ratio above 0").lt(1, "a ratio below 1"),
    /** p95 response time. */
    latencySeconds: z.number().gt(0).max(60),
    /** Requests in flight per service (the guide's request queue length). */
    pendingRequests: z.int().min(1),
    /** How long an HPA may sit at its maximum before someone is told. */
    hpaAtMaxMinutes: z.int().min(1).max(1440),
    /** Days before a certificate expires that the alert fires. */
    certificateExpiryDays: z.int().min(1).max(90),
  }),
  /**
   * Security events the ingress metrics show (the guide's "failed logins,
   * suspicious activity"): 401/403 answers on the backend's auth paths.
   * Both limits must be crossed for 5 minutes, so one user mistyping a
   * password, or a busy hour's expired sessions, stays quiet.
   */
  security: z.strictObject({
    /** Failed logins (401/403 on the auth paths) per second, per host and Ingress. */
    authFailuresPerSecond: z.number().gt(0, "a rate above 0").max(1000),
    /** Failed logins as a share of all auth requests. */
    authFailureRatio: z.number().gt(0, "a ratio above 0").lt(1, "a ratio below 1"),
  }),
  /** Centralized logs: Loki in the primary region, its chunks in a Spaces bucket there. */
  logs: logsSchema,
  alerting: z.strictObject({
    /** The guide's escalation matrix: per priority, how soon it is answered and whether around the clock. */
    escalation: escalationSchema,
    /** P2-P4 notify only in these hours; P1 notifies at once, day and night. */
    businessHours: businessHoursSchema,
    smtp: z.strictObject({
      /** host:port of the mail relay (STARTTLS). */
      smarthost: z
        .string()
        .regex(SMARTHOST_PATTERN, "host:port of the SMTP relay, e.g. smtp.sendgrid.net:587")
        // Only where the pattern holds: else its own line says why.
        .refine((text) => !SMARTHOST_PATTERN.test(text) || isPort(portOf(text) ?? 0), `the port is out of range: ${PORT_RULE}, e.g. 587`),
      from: z.email("not an email address"),
      username: z.string().min(1),
      /** Sensitive variable holding the SMTP password. */
      passwordVariable: terraformVariableName,
    }),
  }),
});

export type ObservabilityConfig = z.output<typeof observabilitySchema>;
export type LogsConfig = z.output<typeof logsSchema>;
export type BusinessHours = z.output<typeof businessHoursSchema>;

/**
 * The Loki chunk bucket of an environment, in its primary region:
 * `<backup bucket prefix>-<environment>-logs-<region>`. Spaces names are global
 * across all DigitalOcean customers, so it shares the account's bucket prefix;
 * at most 31 + 20 + 4 characters of parts, within Spaces' 63.
 */
export function logsBucketName(bucketPrefix: string, environment: string, region: string): string {
  return bucketName(bucketPrefix, environment, region, "logs");
}
