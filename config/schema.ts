import { z } from "zod";
import { costAllocationSchema } from "./allocation";
import { budgetSchema } from "./budget";
import { cidrContains, cidrsOverlap, malformedCidrMessage, parseCidr, PRIVATE_RANGES, RESERVED_RANGES, type Ipv4Cidr } from "./cidr";
import { checkCapacity, clusterSchema, largestPool } from "./cluster";
import { dataSchema } from "./data";
import { edgeSchema } from "./edge";
import { observabilitySchema } from "./observability";
import { peakPods, platformSchema } from "./platform";
import { backupSchema } from "./backup";
import { isSupportedRegion, SUPPORTED_REGIONS } from "./regions";
import { checkProductionPaging, checkSeparateAlertContacts } from "./alert-contacts";
import { checkVariableNames, terraformVariableName } from "./terraform-variable";
import { uniqueList } from "./unique";
import { PARSE_OPTIONS } from "./validate";

/**
 * The schema of the platform configuration. Shapes are checked field by field;
 * rules that relate several fields (one primary region, CIDR overlaps across
 * the whole account, ...) run even when some fields are already wrong, so one
 * run reports every problem. Those rules therefore look at the raw input and
 * skip values whose own shape is broken (that problem is reported already).
 */

const NAME_PATTERN = /^[a-z][a-z0-9-]{0,18}[a-z0-9]$/;
const DOMAIN_PATTERN = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const LABEL_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** VPC sizes DigitalOcean accepts. */
const VPC_PREFIX = { min: 16, max: 24 } as const;

const always = { when: () => true } as const;

/** The label of the apex's `www.` alias, which the edge serves like the apex. */
export const WWW_LABEL = "www";
/** DNS: a name is at most 253 characters. */
const MAX_HOSTNAME_LENGTH = 253;

const domainName = z
  .string()
  .regex(DOMAIN_PATTERN, "malformed domain: expected lowercase DNS labels joined by dots, e.g. example.com (no scheme, no trailing dot)");

const hostLabel = z.string().regex(LABEL_PATTERN, "malformed host label: expected one lowercase DNS label such as api");

const regionSlug = z.string().refine(isSupportedRegion, {
  message: `unknown DigitalOcean region; allowed: ${SUPPORTED_REGIONS.join(", ")}`,
});

const vpcCidr = z.string().superRefine((text, ctx) => {
  const cidr = parseCidr(text);
  if (!cidr) {
    ctx.addIssue({ code: "custom", message: malformedCidrMessage(text, "malformed CIDR: expected an IPv4 range such as 10.20.0.0/16") });
    return;
  }
  if (cidr.prefix < VPC_PREFIX.min || cidr.prefix > VPC_PREFIX.max) {
    ctx.addIssue({ code: "custom", message: `VPC prefix must be between /${VPC_PREFIX.min} and /${VPC_PREFIX.max}` });
  }
  if (cidr.hostBitsSet) {
    ctx.addIssue({ code: "custom", message: "host bits set: the address must be the first of its range" });
  }
  if (!PRIVATE_RANGES.some((range) => cidrContains(range, cidr))) {
    ctx.addIssue({ code: "custom", message: "not a private range: VPCs must lie in 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16" });
  }
  const reserved = RESERVED_RANGES.find((range) => cidrsOverlap(range, cidr));
  if (reserved) {
    ctx.addIssue({ code: "custom", message: `overlaps ${reserved.text}, reserved by DigitalOcean for DOKS networking` });
  }
});

const regionSchema = z.strictObject({
  /** DigitalOcean region slug. */
  slug: regionSlug,
  /** `primary` runs the workloads and databases; `dr` holds backup copies. */
  role: z.enum(["primary", "dr"]),
  /** The region's VPC range; unique across every environment of the account. */
  vpcCidr,
});

const replicasSchema = z
  .strictObject({
    min: z.int().min(1, "at least 1 replica: a service scaled to zero serves nothing"),
    max: z.int().max(50, "at most 50 replicas per service"),
  })
  .superRefine((replicas, ctx) => {
    if (replicas.min > replicas.max) {
      ctx.addIssue({ code: "custom", path: ["min"], message: `min must not exceed max (${replicas.max})` });
    }
  });

const serviceSchema = z.strictObject({
  port: z.int().min(1024, "ports below 1024 need root; use 1024-65535").max(65535, "ports end at 65535"),
  cpuMillicores: z.int().min(50, "at least 50 millicores").max(16000, "at most 16000 millicores (16 cores)"),
  memoryMiB: z.int().min(64, "at least 64 MiB").max(65536, "at most 65536 MiB"),
  replicas: replicasSchema,
});

const percent = z.int().min(1, "a percentage from 1 to 100").max(100, "a percentage from 1 to 100");
const cooldown = z.int().min(0, "seconds must not be negative").max(3600, "at most 3600 s (Kubernetes' stabilization window limit)");

const autoscalingSchema = z.strictObject({
  cpuUtilizationPercent: percent,
  memoryUtilizationPercent: percent,
  scaleUpCooldownSeconds: cooldown,
  scaleDownCooldownSeconds: cooldown,
});

const healthCheckSchema = z
  .strictObject({
    path: z.string().regex(/^\/[\w\-./]*$/, "must be an absolute URL path such as /health"),
    intervalSeconds: z.int().min(1).max(300),
    timeoutSeconds: z.int().min(1).max(300),
    retries: z.int().min(1).max(10),
  })
  .superRefine((check, ctx) => {
    if (check.timeoutSeconds >= check.intervalSeconds) {
      ctx.addIssue({ code: "custom", path: ["timeoutSeconds"], message: `must be shorter than intervalSeconds (${check.intervalSeconds})` });
    }
  });

const alertsSchema = z.strictObject({
  /**
   * The environment's on-call: DigitalOcean monitor and uptime alerts (at any
   * hour) and Alertmanager's P1 email. Each environment has its own; staging's
   * never include production's (see config/alert-contacts.ts).
   */
  emails: uniqueList(z.email("not an email address"), "emails", "recipient").min(1, "at least one email recipient"),
  /** The security contact: security-event alerts (failed-login spikes, Cloudflare's DDoS and WAF notifications). */
  securityEmails: uniqueList(z.email("not an email address"), "securityEmails", "recipient").min(
    1,
    "at least one security contact (the guide's security@cryptopulse.app)",
  ),
  /** Slack channels; each webhook URL is a secret, so only its sensitive Terraform variable is named. */
  slack: z.array(
    z.strictObject({
      channel: z.string().regex(/^#[a-z0-9._-]{1,80}$/, "a Slack channel such as #ops-alerts"),
      webhookUrlVariable: terraformVariableName,
    }),
  ),
  /**
   * Whether P1 alerts notify day and night (the guide's 24/7 coverage) or, like
   * P2-P4, in business hours only. Production must; an environment that does
   * may page only its own contacts.
   */
  pageAroundTheClock: z.boolean(),
  /** Utilization thresholds for DigitalOcean monitor alerts (droplets and databases). */
  thresholds: z.strictObject({
    cpuPercent: percent,
    memoryPercent: percent,
    diskPercent: percent,
    /** DigitalOcean's evaluation windows. */
    window: z.enum(["5m", "10m", "30m", "1h"]),
  }),
});

const environmentSchema = z
  .strictObject({
    /** Drives the DigitalOcean project environment and production-only safety rules. */
    tier: z.enum(["production", "staging"]),
    description: z.string().min(1).max(255),
    domain: z.strictObject({
      /** The Cloudflare zone that holds the records. */
      zone: domainName,
      /** The site's apex: the zone itself or a name inside it. */
      apex: domainName,
      apiHost: hostLabel,
      appHost: hostLabel,
    }),
    regions: z.array(regionSchema).min(1, "at least one region"),
    services: z.strictObject({ frontend: serviceSchema, backend: serviceSchema, functions: serviceSchema }),
    autoscaling: autoscalingSchema,
    healthCheck: healthCheckSchema,
    alerts: alertsSchema,
    cluster: clusterSchema,
    data: dataSchema,
    budget: budgetSchema,
    /** Who is charged for what: the team tags on every taggable resource and the cost CLI's --group-by team. */
    costAllocation: costAllocationSchema,
    platform: platformSchema,
    edge: edgeSchema,
    observability: observabilitySchema,
    backup: backupSchema,
  })
  .superRefine((environment, ctx) => {
    checkRegions(environment.regions, environment.tier, ctx);
    checkApexInZone(environment.domain, ctx);
    checkHostnames(environment.domain, ctx);
    checkServicePorts(environment.services, ctx);
    checkAppPoolCapacity(environment, ctx);
    checkProductionHighAvailability(environment, ctx);
    checkProductionPaging(environment, ctx);
    checkFunctionsConcurrency(environment, ctx);
  }, always);

/** Regions where DigitalOcean Container Registry can live. */
const REGISTRY_REGIONS = ["nyc3", "sfo3", "ams3", "sgp1", "fra1", "blr1", "syd1"] as const;

/**
 * DigitalOcean allows one container registry per account, and every
 * environment here shares the account: exactly one environment's cluster stack
 * owns the registry, the others only look it up.
 */
const registrySchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9-]{3,63}$/, "3-63 lowercase letters, digits or dashes"),
  subscriptionTier: z.enum(["starter", "basic", "professional"]),
  region: z.enum(REGISTRY_REGIONS),
  ownerEnvironment: z.string(),
});

export const platformConfigSchema = z
  .strictObject({
    registry: registrySchema,
    environments: z
      .record(z.string().regex(NAME_PATTERN, "environment names are 2-20 lowercase letters, digits or dashes"), environmentSchema)
      .refine((environments) => Object.keys(environments).length > 0, "at least one environment"),
  })
  .superRefine((config, ctx) => {
    checkAccountWideCidrs(config.environments, ctx);
    checkAccountWideDomains(config.environments, ctx);
    checkRegistryOwner(config.registry, config.environments, ctx);
    checkVariableNames(config.environments, ctx);
    checkSeparateAlertContacts(config.environments, ctx);
  }, always);

export type PlatformConfigInput = z.input<typeof platformConfigSchema>;
export type EnvironmentInput = z.input<typeof environmentSchema>;
type EnvironmentShape = z.output<typeof environmentSchema>;
export type RegionConfig = z.output<typeof regionSchema>;
export type ServiceConfig = z.output<typeof serviceSchema>;
export type ServiceName = keyof EnvironmentShape["services"];
export type AutoscalingConfig = z.output<typeof autoscalingSchema>;
export type HealthCheckConfig = z.output<typeof healthCheckSchema>;
export type EnvironmentTier = EnvironmentShape["tier"];
export type AlertsConfig = z.output<typeof alertsSchema>;
export type RegistryConfig = z.output<typeof registrySchema>;

type Ctx = z.RefinementCtx;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function checkRegions(regions: unknown, tier: unknown, ctx: Ctx): void {
  if (!Array.isArray(regions)) return;
  const seen = new Map<string, number>();
  const primaries: number[] = [];
  const roles: unknown[] = [];
  let drCount = 0;
  regions.forEach((region: unknown, index) => {
    if (!isRecord(region)) return;
    if (typeof region.slug === "string") {
      const first = seen.get(region.slug);
      if (first !== undefined) {
        ctx.addIssue({ code: "custom", path: ["regions", index, "slug"], message: `duplicate region: already listed at regions[${first}]` });
      } else {
        seen.set(region.slug, index);
      }
    }
    roles.push(region.role);
    if (region.role === "primary") primaries.push(index);
    if (region.role === "dr") drCount += 1;
  });
  if (primaries.length === 0) {
    ctx.addIssue({ code: "custom", path: ["regions"], message: `missing primary region: roles are ${JSON.stringify(roles)}; exactly one region needs role "primary"` });
  }
  for (const index of primaries.slice(1)) {
    ctx.addIssue({ code: "custom", path: ["regions", index, "role"], message: `only one primary region allowed: regions[${primaries[0]}] is primary already` });
  }
  if (tier === "production" && drCount === 0) {
    ctx.addIssue({ code: "custom", path: ["regions"], message: 'production needs at least one region with role "dr" for backup copies' });
  }
}

function checkApexInZone(domain: unknown, ctx: Ctx): void {
  if (!isRecord(domain) || typeof domain.zone !== "string" || typeof domain.apex !== "string") return;
  if (!DOMAIN_PATTERN.test(domain.zone)) return; // reported by the zone's own rule
  if (domain.apex !== domain.zone && !domain.apex.endsWith(`.${domain.zone}`)) {
    ctx.addIssue({ code: "custom", path: ["domain", "apex"], message: `must be the zone ${domain.zone} or a name inside it` });
  }
}

interface SiteHostname {
  /** The field that names it, inside `domain`. */
  readonly field: string;
  /** How an error line speaks of it. */
  readonly role: string;
  readonly host: string;
}

/**
 * Every name the edge stack creates a DNS record for: the apex, its www
 * alias, the app and API hosts. Undefined while the domain's own fields are
 * malformed (their rules report why).
 */
function siteHostnames(domain: unknown): SiteHostname[] | undefined {
  if (!isRecord(domain) || typeof domain.apex !== "string" || !DOMAIN_PATTERN.test(domain.apex)) return undefined;
  const { apex, appHost, apiHost } = domain;
  if (typeof appHost !== "string" || typeof apiHost !== "string" || !LABEL_PATTERN.test(appHost) || !LABEL_PATTERN.test(apiHost)) return undefined;
  return [
    { field: "apex", role: "the apex", host: apex },
    { field: "apex", role: `the apex's ${WWW_LABEL} alias`, host: `${WWW_LABEL}.${apex}` },
    { field: "appHost", role: "the app host", host: `${appHost}.${apex}` },
    { field: "apiHost", role: "the API host", host: `${apiHost}.${apex}` },
  ];
}

/** The apex, www, app and API hosts are four records: two of them with one name would be one record twice. */
function checkHostnames(domain: unknown, ctx: Ctx): void {
  const hostnames = siteHostnames(domain);
  if (!hostnames) return;
  hostnames.forEach(({ field, role, host }, index) => {
    const earlier = hostnames.slice(0, index).find((other) => other.host === host);
    if (earlier) {
      ctx.addIssue({
        code: "custom",
        path: ["domain", field],
        message: `duplicate hostname: ${host} is ${earlier.role} already; the apex, ${WWW_LABEL}.<apex>, the app host and the API host must all differ`,
      });
    } else if (host.length > MAX_HOSTNAME_LENGTH) {
      ctx.addIssue({ code: "custom", path: ["domain", field], message: `${role} is ${host.length} characters long; DNS names end at ${MAX_HOSTNAME_LENGTH}` });
    }
  });
}

/**
 * Every environment's edge stack owns its zone: the zone settings and one
 * entry-point ruleset per phase, of which Cloudflare allows exactly one per
 * zone. Two environments on one zone would fight over them, and two
 * environments serving one name would create its record twice.
 */
function checkAccountWideDomains(environments: unknown, ctx: Ctx): void {
  if (!isRecord(environments)) return;
  const zones = new Map<string, string>();
  const hosts = new Map<string, { environment: string; where: string }>();
  for (const [name, environment] of Object.entries(environments)) {
    if (!isRecord(environment) || !isRecord(environment.domain)) continue;
    const { zone } = environment.domain;
    const where = (field: string) => `environments.${name}.domain.${field}`;
    if (typeof zone === "string" && DOMAIN_PATTERN.test(zone)) {
      const owner = zones.get(zone);
      if (owner) {
        ctx.addIssue({
          code: "custom",
          path: ["environments", name, "domain", "zone"],
          message: `zone already used by ${owner}; each environment needs a zone of its own (its edge stack owns the zone's settings and rulesets)`,
        });
        continue; // its hostnames clash for the same reason
      }
      zones.set(zone, where("zone"));
    }
    for (const { field, role, host } of siteHostnames(environment.domain) ?? []) {
      const owner = hosts.get(host);
      if (!owner) hosts.set(host, { environment: name, where: where(field) });
      else if (owner.environment !== name) {
        // Inside one environment, checkHostnames reports it.
        ctx.addIssue({ code: "custom", path: ["environments", name, "domain", field], message: `duplicate hostname: ${role} ${host} is served by ${owner.where} already` });
      }
    }
  }
}

function checkServicePorts(services: unknown, ctx: Ctx): void {
  if (!isRecord(services)) return;
  const owners = new Map<number, string>();
  for (const [name, service] of Object.entries(services)) {
    if (!isRecord(service) || typeof service.port !== "number") continue;
    const owner = owners.get(service.port);
    if (owner) {
      ctx.addIssue({ code: "custom", path: ["services", name, "port"], message: `port already used by ${owner}` });
    } else {
      owners.set(service.port, name);
    }
  }
}

/** VPC ranges must not overlap anywhere in the account, across environments too. */
function checkAccountWideCidrs(environments: unknown, ctx: Ctx): void {
  if (!isRecord(environments)) return;
  const claimed: { cidr: Ipv4Cidr; where: string }[] = [];
  for (const [name, environment] of Object.entries(environments)) {
    if (!isRecord(environment) || !Array.isArray(environment.regions)) continue;
    environment.regions.forEach((region: unknown, index) => {
      if (!isRecord(region) || typeof region.vpcCidr !== "string") return;
      const cidr = parseCidr(region.vpcCidr);
      if (!cidr) return;
      const where = `environments.${name}.regions[${index}].vpcCidr`;
      const clash = claimed.find((other) => cidrsOverlap(other.cidr, cidr));
      if (clash) {
        ctx.addIssue({
          code: "custom",
          path: ["environments", name, "regions", index, "vpcCidr"],
          message: `overlapping CIDRs: overlaps ${clash.cidr.text} at ${clash.where}; VPC ranges must be unique in the account`,
        });
      } else {
        claimed.push({ cidr, where });
      }
    });
  }
}

/** The largest app pool must hold every app service at its maximum replicas. */
function checkAppPoolCapacity(environment: Record<string, unknown>, ctx: Ctx): void {
  const cluster = clusterSchema.safeParse(environment.cluster, PARSE_OPTIONS);
  const services = z.record(z.string(), serviceSchema).safeParse(environment.services, PARSE_OPTIONS);
  if (!cluster.success || !services.success) return; // their own rules report why
  const workloads = Object.entries(services.data).map(([name, service]) => ({
    name,
    replicas: service.replicas.max,
    cpuMillicores: service.cpuMillicores,
    memoryMiB: service.memoryMiB,
  }));
  const { pool, index } = largestPool(cluster.data.appPools);
  const verdict = checkCapacity(pool, workloads, cluster.data.nodeOverhead);
  if (!verdict.fits) {
    ctx.addIssue({
      code: "custom",
      path: ["cluster", "appPools", index],
      message: `pool "${pool.name}" cannot hold the app services at max replicas: demand ${verdict.demand}; capacity ${verdict.capacity}`,
    });
  }
}

function checkRegistryOwner(registry: unknown, environments: unknown, ctx: Ctx): void {
  if (!isRecord(registry) || typeof registry.ownerEnvironment !== "string" || !isRecord(environments)) return;
  const names = Object.keys(environments);
  if (!names.includes(registry.ownerEnvironment)) {
    ctx.addIssue({
      code: "custom",
      path: ["registry", "ownerEnvironment"],
      message: `unknown environment; allowed: ${names.join(", ")}`,
    });
  }
}

/** Production data survives a node failure: a PostgreSQL standby and a full MongoDB replica set. */
const PRODUCTION_MIN_NODES = { postgres: 2, mongodb: 3 } as const;

function checkProductionHighAvailability(environment: Record<string, unknown>, ctx: Ctx): void {
  if (environment.tier !== "production" || !isRecord(environment.data)) return;
  for (const [engine, minimum] of Object.entries(PRODUCTION_MIN_NODES)) {
    const section = environment.data[engine];
    if (!isRecord(section) || typeof section.nodeCount !== "number" || section.nodeCount >= minimum) continue;
    ctx.addIssue({
      code: "custom",
      path: ["data", engine, "nodeCount"],
      message: `production needs at least ${minimum} nodes here (${engine === "postgres" ? "a primary and a standby" : "a replica set"})`,
    });
  }
}

/** The functions' concurrency is shared out over their pods: each pod, surge pods included, needs at least one request. */
function checkFunctionsConcurrency(environment: Record<string, unknown>, ctx: Ctx): void {
  const { platform, services } = environment;
  if (!isRecord(platform) || !isRecord(platform.functions) || !isRecord(services) || !isRecord(services.functions)) return;
  const concurrency = platform.functions.maxConcurrentRequests;
  const replicas = services.functions.replicas;
  if (typeof concurrency !== "number" || !isRecord(replicas) || typeof replicas.max !== "number") return;
  const pods = peakPods(replicas.max);
  if (concurrency < pods) {
    ctx.addIssue({
      code: "custom",
      path: ["platform", "functions", "maxConcurrentRequests"],
      message: `fewer than the ${pods} functions pods that can serve at once (services.functions.replicas.max ${replicas.max} plus a rollout's surge); each pod needs at least 1`,
    });
  }
}
