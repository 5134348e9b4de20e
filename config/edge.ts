import { z } from "zod";
import { SEED_EDGE, SEED_RATE_LIMITS } from "./seed";
import { uniqueList } from "./unique";

/**
 * The `edge` section of an environment: the Cloudflare zone in front of the
 * ingress — which zone, which plan it is on, whether it has Advanced
 * Certificate Manager, which CAs may issue for it, the edge rate limits, what
 * is cached and which security headers every response carries.
 *
 * Cloudflare's plans differ sharply in what rules may do. The edge stack
 * adapts what it can (the managed WAF rulesets, the rate-limit defaults) and
 * this schema rejects what the plan cannot do, naming the rule, the plan and
 * the limit, so a plan mismatch fails at synth instead of halfway through an
 * apply.
 */

export const CLOUDFLARE_PLANS = ["free", "pro", "business", "enterprise"] as const;
export type CloudflarePlan = (typeof CLOUDFLARE_PLANS)[number];

/** Periods and mitigation timeouts the rate-limiting API accepts, in seconds (Cloudflare docs). */
export const RATE_LIMIT_DURATIONS = [10, 15, 20, 30, 40, 45, 60, 90, 120, 180, 240, 300, 480, 600, 900, 1200, 1800, 2400, 3600, 65535, 86400] as const;

/**
 * What each plan allows the rules this stack writes (Cloudflare docs: rate
 * limiting rules and custom rules availability). Enterprise is listed without
 * the Advanced Rate Limiting add-on.
 */
export interface PlanLimits {
  /** Rate-limiting rules per zone. */
  readonly rateLimitRules: number;
  /** Longest rate-limit period; Free accepts exactly one value. */
  readonly maxPeriodSeconds: number;
  readonly minPeriodSeconds: number;
  /** Longest mitigation timeout; Free accepts exactly one value. */
  readonly maxMitigationTimeoutSeconds: number;
  readonly minMitigationTimeoutSeconds: number;
  /** Whether rate-limit expressions may filter on the host (Free: the path only). */
  readonly rateLimitByHost: boolean;
  /** Whether rate-limit expressions may filter on the request method (Business and above). */
  readonly rateLimitByMethod: boolean;
  /** Whether the `matches` regex operator is available (Business and above). */
  readonly regex: boolean;
  /** Custom (WAF) rules per zone. */
  readonly customRules: number;
  /** Whether the Cloudflare Managed and OWASP Core rulesets can be deployed (Pro and above). */
  readonly fullManagedWaf: boolean;
  /** Whether the account may create the "Security Events Alert" notification (WAF event spikes; Business and above). */
  readonly securityEventsAlert: boolean;
}

export const PLAN_LIMITS: Readonly<Record<CloudflarePlan, PlanLimits>> = {
  free: {
    rateLimitRules: 1,
    minPeriodSeconds: 10,
    maxPeriodSeconds: 10,
    minMitigationTimeoutSeconds: 10,
    maxMitigationTimeoutSeconds: 10,
    rateLimitByHost: false,
    rateLimitByMethod: false,
    regex: false,
    customRules: 5,
    fullManagedWaf: false,
    securityEventsAlert: false,
  },
  pro: {
    rateLimitRules: 2,
    minPeriodSeconds: 10,
    maxPeriodSeconds: 60,
    minMitigationTimeoutSeconds: 10,
    maxMitigationTimeoutSeconds: 3600,
    rateLimitByHost: true,
    rateLimitByMethod: false,
    regex: false,
    customRules: 20,
    fullManagedWaf: true,
    securityEventsAlert: false,
  },
  business: {
    rateLimitRules: 5,
    minPeriodSeconds: 10,
    maxPeriodSeconds: 600,
    minMitigationTimeoutSeconds: 10,
    maxMitigationTimeoutSeconds: 86400,
    rateLimitByHost: true,
    rateLimitByMethod: true,
    regex: true,
    customRules: 100,
    fullManagedWaf: true,
    securityEventsAlert: true,
  },
  enterprise: {
    rateLimitRules: 100,
    minPeriodSeconds: 10,
    maxPeriodSeconds: 65535,
    minMitigationTimeoutSeconds: 10,
    maxMitigationTimeoutSeconds: 86400,
    rateLimitByHost: true,
    rateLimitByMethod: true,
    regex: true,
    customRules: 1000,
    fullManagedWaf: true,
    securityEventsAlert: true,
  },
};

/** The CAs Cloudflare's Universal SSL may issue from; a CAA set without one of them can block its renewals. */
export const UNIVERSAL_SSL_CAS = ["letsencrypt.org", "pki.goog", "ssl.com"] as const;
/** The CA of the Advanced Certificate Manager pack (the guide's Let's Encrypt wildcard). */
export const ACM_CA = "letsencrypt.org";

/**
 * What a rate-limit rule counts: every request to the API host (the guide's
 * `api` zone; the expression needs the Host field, Pro and above) or requests
 * to the backend's authentication paths (the guide's `auth` zone; path only,
 * so every plan can express it).
 */
export const RATE_LIMIT_SCOPES = ["api-host", "auth-paths"] as const;

/** Methods the API and the frontend serve; the edge blocks every other one (TRACE, CONNECT, WebDAV verbs). */
export const ACCEPTED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

const rateLimitSchema = z.strictObject({
  /** Names the rule (its ruleset ref) and the error lines about it. */
  name: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, "a short lowercase name such as api"),
  scope: z.enum(RATE_LIMIT_SCOPES),
  /** Count only these methods (Business and above); all methods when absent. */
  methods: uniqueList(z.enum(ACCEPTED_METHODS), "methods", "method").min(1).optional(),
  /** The guide's rates are per second and per client IP. */
  requestsPerSecond: z.int().min(1).max(10000),
  /** The counting window; defaults to 10 s, the one period every plan accepts. */
  periodSeconds: z
    .int()
    .refine((seconds) => (RATE_LIMIT_DURATIONS as readonly number[]).includes(seconds), `one of ${RATE_LIMIT_DURATIONS.join(", ")} seconds`)
    .optional(),
  /** How long a client stays blocked; defaults to the plan's shortest (10 s). */
  mitigationTimeoutSeconds: z
    .int()
    .refine((seconds) => (RATE_LIMIT_DURATIONS as readonly number[]).includes(seconds), `one of ${RATE_LIMIT_DURATIONS.join(", ")} seconds`)
    .optional(),
});

const headerValue = z.string().min(1).max(4096).regex(/^[\x20-\x7e]+$/, "printable ASCII, no line breaks");

export const edgeSchema = z
  .strictObject({
    /** The zone's id when the name alone is ambiguous (one account sees the zone twice); else looked up by domain.zone. */
    zoneId: z.string().regex(/^[a-f0-9]{32}$/, "a Cloudflare zone id: 32 lowercase hex digits").optional(),
    /** The plan the zone is on. It is bought outside Terraform; this says which rules the edge may use. */
    plan: z.enum(CLOUDFLARE_PLANS),
    /** Whether the zone has the Advanced Certificate Manager add-on: then the Let's Encrypt wildcard pack, else Universal SSL. */
    advancedCertificateManager: z.boolean(),
    /** CAA `issue`/`issuewild` values: the only CAs allowed to issue for the apex. */
    caaIssuers: uniqueList(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, "a CA's CAA domain such as letsencrypt.org"), "caaIssuers", "CAA issuer").min(1),
    rateLimits: z.array(rateLimitSchema),
    /** Cached at the edge and in browsers for cacheSeconds; only on the web hosts, never on api. */
    staticAssets: z.strictObject({
      pathPrefixes: uniqueList(z.string().regex(/^\/[\w\-./]*\/$/, "a path prefix such as /static/ (leading and trailing slash)"), "pathPrefixes", "path prefix"),
      extensions: uniqueList(z.string().regex(/^[a-z0-9]{1,10}$/, "an extension without the dot, such as js"), "extensions", "extension").min(1),
      cacheSeconds: z.int().min(60).max(31536000),
    }),
    /** Path prefixes of authenticated pages and API routes on any host: never cached. */
    uncachedPathPrefixes: uniqueList(z.string().regex(/^\/[\w\-./]*$/, "a path prefix such as /account"), "uncachedPathPrefixes", "path prefix").min(1),
    /** Path prefixes the API never serves publicly (admin consoles, scanners' favourites): blocked at the edge. */
    blockedPathPrefixes: uniqueList(
      z.string().regex(/^\/[a-z0-9_\-./]+$/, "a lowercase path prefix such as /admin (the rule compares the lowercased path)"),
      "blockedPathPrefixes",
      "path prefix",
    ),
    securityHeaders: z.strictObject({
      /**
       * Where HSTS is set: the response-header transform (next to the other
       * headers) or the zone's security_header setting. Exactly one of them.
       */
      hstsVia: z.enum(["transform", "zone-setting"]),
      hsts: z.strictObject({
        maxAgeSeconds: z.int().min(86400, "at least a day").max(63072000, "at most two years"),
        includeSubdomains: z.boolean(),
        /** Preload is a one-way door (browsers ship the list); off unless decided. */
        preload: z.boolean(),
      }),
      frameOptions: z.enum(["DENY", "SAMEORIGIN"]),
      referrerPolicy: z.enum(["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"]),
      permissionsPolicy: headerValue,
    }),
  })
  .superRefine((edge, ctx) => checkPlan(edge, ctx), { when: () => true });

export type EdgeConfig = z.output<typeof edgeSchema>;
export type RateLimitConfig = z.output<typeof rateLimitSchema>;
export type RateLimitScope = RateLimitConfig["scope"];

/** The period a rule gets when its config leaves it out: 10 s, the one every plan accepts. */
export const DEFAULT_RATE_LIMIT_PERIOD_SECONDS = 10;

/** A rule's period and timeout with the plan's defaults filled in. */
export function rateLimitWindow(rule: Pick<RateLimitConfig, "periodSeconds" | "mitigationTimeoutSeconds">, plan: CloudflarePlan) {
  return {
    periodSeconds: rule.periodSeconds ?? DEFAULT_RATE_LIMIT_PERIOD_SECONDS,
    mitigationTimeoutSeconds: rule.mitigationTimeoutSeconds ?? PLAN_LIMITS[plan].minMitigationTimeoutSeconds,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Rejects what the zone's plan cannot do and the CAA sets that would block the zone's own certificates. */
function checkPlan(edge: unknown, ctx: z.RefinementCtx): void {
  if (!isRecord(edge)) return; // a missing or malformed section is reported by its own shape
  if (typeof edge.plan === "string" && (CLOUDFLARE_PLANS as readonly string[]).includes(edge.plan) && Array.isArray(edge.rateLimits)) {
    checkRateLimits(edge.rateLimits, edge.plan as CloudflarePlan, ctx);
  }
  if (Array.isArray(edge.caaIssuers)) {
    const required = [...UNIVERSAL_SSL_CAS, ...(edge.advancedCertificateManager === true ? [ACM_CA] : [])];
    for (const ca of new Set(required)) {
      if (!edge.caaIssuers.includes(ca)) {
        ctx.addIssue({
          code: "custom",
          path: ["caaIssuers"],
          message: `missing ${ca}: ${ca === ACM_CA && edge.advancedCertificateManager === true ? "the Let's Encrypt pack and Universal SSL are" : "Universal SSL is"} issued by it, and a CAA set without it blocks issuance`,
        });
      }
    }
  }
}

function checkRateLimits(rules: readonly unknown[], plan: CloudflarePlan, ctx: z.RefinementCtx): void {
  const limits = PLAN_LIMITS[plan];
  rules.forEach((rule, index) => {
    if (!isRecord(rule)) return;
    const name = typeof rule.name === "string" ? rule.name : `#${index}`;
    const issue = (field: string, limit: string) =>
      ctx.addIssue({ code: "custom", path: ["rateLimits", index, field], message: `rate-limit rule "${name}": the ${plan} plan ${limit}` });
    if (index >= limits.rateLimitRules) {
      issue("name", `allows ${limits.rateLimitRules} rate-limiting rule${limits.rateLimitRules === 1 ? "" : "s"}`);
    }
    if (rule.scope === "api-host" && !limits.rateLimitByHost) {
      issue("scope", "allows path-only rate-limiting expressions; api-host needs the Host field (Pro and above)");
    }
    if (rule.methods !== undefined && !limits.rateLimitByMethod) {
      issue("methods", "does not allow the request method in rate-limiting expressions (Business and above)");
    }
    const window = (field: "periodSeconds" | "mitigationTimeoutSeconds", what: string, min: number, max: number) => {
      const value = rule[field];
      if (typeof value !== "number" || (value >= min && value <= max)) return;
      issue(field, min === max ? `allows a ${what} of ${min} s only` : `allows a ${what} of at most ${max} s`);
    };
    window("periodSeconds", "period", limits.minPeriodSeconds, limits.maxPeriodSeconds);
    window("mitigationTimeoutSeconds", "mitigation timeout", limits.minMitigationTimeoutSeconds, limits.maxMitigationTimeoutSeconds);
  });
  const names = rules.map((rule) => (isRecord(rule) ? rule.name : undefined));
  names.forEach((name, index) => {
    if (typeof name === "string" && names.indexOf(name) !== index) {
      ctx.addIssue({ code: "custom", path: ["rateLimits", index, "name"], message: `duplicate rate-limit rule name: already used at rateLimits[${names.indexOf(name)}]` });
    }
  });
}

/** The guide's nginx zones as edge rules: `api` (10 r/s per IP) on the API host and `auth` (5 r/s per IP) on the auth paths. */
export const SEED_EDGE_RATE_LIMITS = {
  api: { name: "api", scope: "api-host", requestsPerSecond: SEED_RATE_LIMITS.api.requestsPerSecond },
  auth: { name: "auth", scope: "auth-paths", requestsPerSecond: SEED_RATE_LIMITS.auth.requestsPerSecond },
} as const satisfies Record<string, z.input<typeof rateLimitSchema>>;

/** What every environment's edge shares; each adds its plan, certificate choice and rate limits. */
export const EDGE_DEFAULTS = {
  caaIssuers: [...UNIVERSAL_SSL_CAS],
  staticAssets: {
    // The frontend's build output (hashed file names, so a year is safe).
    pathPrefixes: ["/static/"],
    extensions: ["js", "mjs", "css", "map", "woff", "woff2", "ttf", "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico"],
    cacheSeconds: SEED_EDGE.staticAssetCacheSeconds,
  },
  uncachedPathPrefixes: ["/api", "/auth", "/account"],
  blockedPathPrefixes: ["/admin", "/wp-admin", "/wp-login.php", "/phpmyadmin", "/cgi-bin", "/server-status", "/actuator"],
  securityHeaders: {
    hstsVia: "transform",
    hsts: SEED_EDGE.hsts,
    frameOptions: SEED_EDGE.frameOptions,
    referrerPolicy: "strict-origin-when-cross-origin",
    permissionsPolicy: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
  },
} satisfies Partial<z.input<typeof edgeSchema>>;
