import { PLAN_LIMITS, type CloudflarePlan } from "../../config/edge";

/**
 * Writing and checking Cloudflare Rules-language expressions. The builders
 * quote values the one way Cloudflare accepts; the checker lists what an
 * expression uses that the zone's plan does not allow in a phase, so a rule
 * that the API would reject (or a plan downgrade that breaks one) fails in
 * tests and at synth, not at apply.
 */

/** Phases of the zone's entry-point rulesets that this project writes. */
export const EDGE_PHASES = [
  "http_request_firewall_managed",
  "http_request_firewall_custom",
  "http_ratelimit",
  "http_request_cache_settings",
  "http_response_headers_transform",
] as const;
export type EdgePhase = (typeof EDGE_PHASES)[number];

/** A Rules-language string literal. */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** `field in {"a" "b"}`: a set of literals (Cloudflare separates them with spaces). */
export function inSet(field: string, values: readonly string[]): string {
  return `${field} in {${values.map(quote).join(" ")}}`;
}

/** Any of `prefixes` at the start of `field`, or-ed and parenthesized. */
export function startsWithAny(field: string, prefixes: readonly string[]): string {
  return anyOf(prefixes.map((prefix) => `starts_with(${field}, ${quote(prefix)})`));
}

/** Or-ed alternatives, parenthesized when there is more than one. */
export function anyOf(parts: readonly string[]): string {
  return parts.length === 1 ? parts[0] : `(${parts.join(" or ")})`;
}

/**
 * Fields allowed in rate-limiting rule expressions per plan (Cloudflare's
 * availability table; Enterprise: any request field, so no list).
 */
const RATE_LIMIT_FIELDS: Readonly<Record<CloudflarePlan, readonly string[] | "any">> = {
  free: ["http.request.uri.path", "cf.bot_management.verified_bot"],
  pro: ["http.host", "http.request.uri", "http.request.uri.path", "http.request.full_uri", "http.request.uri.query", "cf.bot_management.verified_bot"],
  business: [
    "http.host",
    "http.request.uri",
    "http.request.uri.path",
    "http.request.full_uri",
    "http.request.uri.query",
    "http.request.method",
    "ip.src",
    "http.user_agent",
    "cf.bot_management.verified_bot",
  ],
  enterprise: "any",
};

/** The fields an expression reads, e.g. `http.request.uri.path` (map fields without their key). */
export function fieldsOf(expression: string): string[] {
  const withoutStrings = expression.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...new Set(withoutStrings.match(/\b(?:http|ip|cf|ssl|raw)\.[a-z0-9_.]*[a-z0-9_]/g) ?? [])];
}

/** The comparison operators an expression uses, by name (`~` is `matches`). */
export function operatorsOf(expression: string): string[] {
  const withoutStrings = expression.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const words = withoutStrings.match(/(?<=\s)(eq|ne|lt|le|gt|ge|contains|matches|wildcard|strict wildcard|in|==|!=|~)(?=\s)/g) ?? [];
  return [...new Set(words.map((word) => (word === "~" ? "matches" : word)))];
}

/** What `expression` uses that `plan` does not allow in `phase`; empty when it is fine. */
export function expressionProblems(expression: string, plan: CloudflarePlan, phase: EdgePhase): string[] {
  const problems: string[] = [];
  if (!PLAN_LIMITS[plan].regex && operatorsOf(expression).includes("matches")) {
    problems.push(`the matches (regex) operator needs Business or above, the zone is on ${plan}`);
  }
  const allowed = RATE_LIMIT_FIELDS[plan];
  if (phase === "http_ratelimit" && allowed !== "any") {
    for (const field of fieldsOf(expression)) {
      if (!allowed.includes(field)) problems.push(`field ${field} is not available to rate-limiting rules on ${plan}`);
    }
  }
  return problems;
}
