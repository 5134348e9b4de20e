import { Construct } from "constructs";
import { Ruleset, type RulesetRules } from "@cdktf/provider-cloudflare/lib/ruleset";
import { ACCEPTED_METHODS, PLAN_LIMITS, rateLimitWindow, type CloudflarePlan, type EdgeConfig, type RateLimitConfig } from "../../config/edge";
import { BACKEND_AUTH_PATHS } from "../core/app-routes";
import { anyOf, expressionProblems, inSet, quote, startsWithAny, type EdgePhase } from "./edge-expressions";

/** Cloudflare's managed WAF rulesets (Cloudflare docs: managed rulesets). */
export const MANAGED_RULESETS = {
  /** Cloudflare Managed Ruleset: Pro and above. */
  cloudflareManaged: "efb7b8c949ac4650a09736fc376e9aee",
  /** Cloudflare OWASP Core Ruleset: Pro and above. */
  owaspCore: "4814384a9e5d4991b9815dcfc25d2f1f",
  /** Cloudflare Free Managed Ruleset: every plan (a subset of the Managed Ruleset). */
  freeManaged: "77454fe2d30c4220b5701f6fdfb893ba",
} as const;

/** Rate limits count per data center and per client IP; Cloudflare requires `cf.colo.id` in every rule. */
export const RATE_LIMIT_CHARACTERISTICS = ["cf.colo.id", "ip.src"] as const;

/** What a rate-limited client gets: the API's JSON error shape, with 429. */
export const RATE_LIMITED_RESPONSE = {
  statusCode: 429,
  contentType: "application/json",
  content: JSON.stringify({ error: "rate_limited", message: "Too many requests; retry later." }),
} as const;

const PATH = "http.request.uri.path";

export interface EdgeRulesetsProps {
  readonly zoneId: string;
  readonly plan: CloudflarePlan;
  readonly edge: EdgeConfig;
  /** The site's apex and its web hosts (apex, www, app): where static assets are cached. */
  readonly webHosts: readonly string[];
  /** The API host: never cached, its own rate limit, no admin paths. */
  readonly apiHost: string;
}

/**
 * The zone's entry-point rulesets, exactly one per phase: Cloudflare allows one
 * `zone` ruleset per phase, and each is authoritative for its phase (dashboard
 * edits there are overwritten on the next apply). Every expression is checked
 * against the plan before synth, so a rule the plan cannot run never reaches
 * the API.
 */
export class EdgeRulesets extends Construct {
  readonly rulesets: Readonly<Record<EdgePhase, Ruleset>>;

  constructor(scope: Construct, id: string, props: EdgeRulesetsProps) {
    super(scope, id);
    const rules: Record<EdgePhase, RulesetRules[]> = {
      http_request_firewall_managed: managedWafRules(props.plan),
      http_request_firewall_custom: customRules(props),
      http_ratelimit: props.edge.rateLimits.map((rule) => rateLimitRule(rule, props)),
      http_request_cache_settings: cacheRules(props),
      http_response_headers_transform: [securityHeadersRule(props.edge.securityHeaders)],
    };
    const problems = Object.entries(rules).flatMap(([phase, list]) =>
      list.flatMap((rule) => expressionProblems(rule.expression, props.plan, phase as EdgePhase).map((problem) => `${phase} ${rule.ref}: ${problem}`)),
    );
    const customLimit = PLAN_LIMITS[props.plan].customRules;
    if (rules.http_request_firewall_custom.length > customLimit) {
      problems.push(`http_request_firewall_custom: ${rules.http_request_firewall_custom.length} custom rules, the plan allows ${customLimit}`);
    }
    if (problems.length > 0) throw new Error(`edge rules the ${props.plan} plan cannot run:\n  ${problems.join("\n  ")}`);

    this.rulesets = Object.fromEntries(
      Object.entries(rules).map(([phase, list]) => [
        phase,
        new Ruleset(this, phase, {
          zoneId: props.zoneId,
          kind: "zone",
          phase,
          name: `cryptopulse ${phase}`,
          description: "Managed by the cryptopulse edge stack; edits elsewhere are overwritten on the next apply.",
          rules: list,
        }),
      ]),
    ) as unknown as Record<EdgePhase, Ruleset>;
  }
}

/** Cloudflare Managed + OWASP Core on Pro and above; the Free Managed Ruleset on Free. */
function managedWafRules(plan: CloudflarePlan): RulesetRules[] {
  const execute = (ref: string, rulesetId: string, description: string): RulesetRules => ({
    ref,
    description,
    action: "execute",
    expression: "true",
    actionParameters: { id: rulesetId },
  });
  return PLAN_LIMITS[plan].fullManagedWaf
    ? [
        execute("cloudflare-managed", MANAGED_RULESETS.cloudflareManaged, "Cloudflare Managed Ruleset"),
        execute("owasp-core", MANAGED_RULESETS.owaspCore, "Cloudflare OWASP Core Ruleset"),
      ]
    : [execute("free-managed", MANAGED_RULESETS.freeManaged, "Cloudflare Free Managed Ruleset")];
}

/** Blocks what the API never accepts; challenges suspicious clients on the auth endpoints. */
function customRules(props: EdgeRulesetsProps): RulesetRules[] {
  const { edge, apiHost } = props;
  const rules: RulesetRules[] = [
    {
      ref: "block-unaccepted-methods",
      description: "Methods no host serves",
      action: "block",
      expression: `not (${inSet("http.request.method", ACCEPTED_METHODS)})`,
    },
    {
      ref: "block-dot-files",
      description: "Dot-files (.env, .git, ...) anywhere; /.well-known/ stays reachable",
      action: "block",
      expression: `${PATH} contains "/." and not starts_with(${PATH}, "/.well-known/")`,
    },
    {
      ref: "challenge-suspicious-auth",
      description: "Auth endpoints: Tor exits, clients without a User-Agent, HTTP/1.0",
      action: "managed_challenge",
      expression: `${startsWithAny(PATH, BACKEND_AUTH_PATHS)} and (ip.src.country eq "T1" or http.user_agent eq "" or http.request.version eq "HTTP/1.0")`,
    },
  ];
  if (edge.blockedPathPrefixes.length > 0) {
    rules.splice(1, 0, {
      ref: "block-admin-paths",
      description: "Admin consoles and scanner targets the API never serves",
      action: "block",
      expression: `http.host eq ${quote(apiHost)} and ${startsWithAny(`lower(${PATH})`, edge.blockedPathPrefixes)}`,
    });
  }
  return rules;
}

/** The rule for one configured rate limit; period and timeout default to what the plan accepts. */
function rateLimitRule(rule: RateLimitConfig, props: EdgeRulesetsProps): RulesetRules {
  const scope = rule.scope === "api-host" ? `http.host eq ${quote(props.apiHost)}` : startsWithAny(PATH, BACKEND_AUTH_PATHS);
  const expression = rule.methods ? `${scope} and ${inSet("http.request.method", rule.methods)}` : scope;
  const { periodSeconds, mitigationTimeoutSeconds } = rateLimitWindow(rule, props.plan);
  return {
    ref: `rate-limit-${rule.name}`,
    description: `${rule.requestsPerSecond} requests/s per client IP (${rule.scope})`,
    action: "block",
    expression,
    actionParameters: { response: { ...RATE_LIMITED_RESPONSE } },
    ratelimit: {
      characteristics: [...RATE_LIMIT_CHARACTERISTICS],
      period: periodSeconds,
      requestsPerPeriod: rule.requestsPerSecond * periodSeconds,
      mitigationTimeout: mitigationTimeoutSeconds,
    },
  };
}

/**
 * Static assets on the web hosts for a year at the edge and in browsers; the
 * API host and authenticated requests never. The bypass rule comes last:
 * later cache rules override earlier ones, so it wins where both match.
 */
function cacheRules(props: EdgeRulesetsProps): RulesetRules[] {
  const { staticAssets, uncachedPathPrefixes } = props.edge;
  const assetMatch = anyOf([
    ...(staticAssets.pathPrefixes.length > 0 ? [startsWithAny(PATH, staticAssets.pathPrefixes)] : []),
    inSet(`${PATH}.extension`, staticAssets.extensions),
  ]);
  const ttl = { mode: "override_origin", default: staticAssets.cacheSeconds };
  return [
    {
      ref: "cache-static-assets",
      description: "Static assets: edge and browser cache",
      action: "set_cache_settings",
      expression: `${inSet("http.host", props.webHosts)} and ${assetMatch}`,
      actionParameters: { cache: true, edgeTtl: ttl, browserTtl: ttl },
    },
    {
      ref: "bypass-api-and-authenticated",
      description: "The API host, authenticated paths and requests with credentials: never cached",
      action: "set_cache_settings",
      expression: anyOf([
        `http.host eq ${quote(props.apiHost)}`,
        startsWithAny(PATH, uncachedPathPrefixes),
        `any(lower(http.request.headers.names[*])[*] eq "authorization")`,
      ]),
      actionParameters: { cache: false },
    },
  ];
}

/** The HSTS header value for `hsts`. */
export function hstsHeader(hsts: EdgeConfig["securityHeaders"]["hsts"]): string {
  return [`max-age=${hsts.maxAgeSeconds}`, ...(hsts.includeSubdomains ? ["includeSubDomains"] : []), ...(hsts.preload ? ["preload"] : [])].join("; ");
}

/** The seed's security headers on every response (`set` replaces the origin's copy, so none is doubled). */
function securityHeadersRule(headers: EdgeConfig["securityHeaders"]): RulesetRules {
  const set = (value: string) => ({ operation: "set", value });
  return {
    ref: "security-headers",
    description: "Security headers on every response",
    action: "rewrite",
    expression: "true",
    actionParameters: {
      headers: {
        ...(headers.hstsVia === "transform" ? { "Strict-Transport-Security": set(hstsHeader(headers.hsts)) } : {}),
        "X-Frame-Options": set(headers.frameOptions),
        "X-Content-Type-Options": set("nosniff"),
        "Referrer-Policy": set(headers.referrerPolicy),
        "Permissions-Policy": set(headers.permissionsPolicy),
      },
    },
  };
}
