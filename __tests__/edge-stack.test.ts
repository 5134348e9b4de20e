import { readFileSync } from "fs";
import * as path from "path";
import { App, Testing } from "cdktf";
import { CertificatePack } from "@cdktf/provider-cloudflare/lib/certificate-pack";
import { DataCloudflareZone } from "@cdktf/provider-cloudflare/lib/data-cloudflare-zone";
import { DnsRecord } from "@cdktf/provider-cloudflare/lib/dns-record";
import { Ruleset } from "@cdktf/provider-cloudflare/lib/ruleset";
import { ZoneSetting } from "@cdktf/provider-cloudflare/lib/zone-setting";
import { DataDigitaloceanLoadbalancer } from "@cdktf/provider-digitalocean/lib/data-digitalocean-loadbalancer";
import { loadPlatformConfig, type PlatformConfigInput } from "../config";
import { PLAN_LIMITS, type CloudflarePlan } from "../config/edge";
import { BACKEND_AUTH_PATHS } from "../constructs/core/app-routes";
import { EDGE_PHASES, expressionProblems, fieldsOf, operatorsOf, type EdgePhase } from "../constructs/edge/edge-expressions";
import { MANAGED_RULESETS } from "../constructs/edge/edge-rulesets";
import { estimateEnvironments } from "../cost/estimate";
import { shippedPrices } from "../cost/prices";
import { reportFileName, type StackReport } from "../guardrails";
import { regionalName } from "../config/naming.mjs";
import { ingressLoadBalancerName } from "../constructs/platform/ingress-controller";
import { EdgeStack } from "../stacks/edge-stack";
import { defineEnvironment } from "../stacks/environment";
import { LayerStack } from "../stacks/layer-stack";
import { problemsOf, sharedPlatformSynth, shippedConfig, type TerraformJson } from "./helpers";

/* eslint-disable @typescript-eslint/no-explicit-any -- configurations are edited off-type on purpose */

type EnvironmentName = "production" | "staging";

/** The shipped environment `name` with `edit` applied to its edge configuration. */
function environmentWith(name: EnvironmentName, edit: (edge: any) => void) {
  const config = shippedConfig() as any;
  edit(config.environments[name].edge);
  return loadPlatformConfig(config as PlatformConfigInput).environments.find((candidate) => candidate.name === name)!;
}

/** The edge stack of `name` built, with every other stack of the environment, from the shipped configuration. */
function edgeOf(name: EnvironmentName) {
  const environment = environmentWith(name, () => {});
  const app = new App({ outdir: "cdktf.out", skipValidation: true });
  const stacks = defineEnvironment(app, environment, { kind: "local" });
  const synthesized = Testing.synth(stacks.edge);
  return { environment, stacks, synthesized, json: JSON.parse(synthesized) as TerraformJson };
}

/** What the edge stack deploys after, for a variant of the edge alone: the real platform stack is built by edgeOf. */
class PlatformStandIn extends LayerStack {}

/**
 * Production's edge stack with `edit` applied, built alone behind a stand-in platform stack (the same name and
 * load balancer as the real one): an edge variant needs no cluster, data or platform stack to be built.
 */
function edgeVariant(edit: (edge: any) => void) {
  const environment = environmentWith("production", edit);
  const app = new App({ outdir: "cdktf.out", skipValidation: true });
  const region = environment.primaryRegion.slug;
  const platform = new PlatformStandIn(app, { environment, layer: "platform", region, providers: [], state: { kind: "local" } });
  const loadBalancerName = ingressLoadBalancerName(regionalName(environment.name, region));
  const synthesized = Testing.synth(new EdgeStack(app, { environment, platform, loadBalancerName, state: { kind: "local" } }));
  return { environment, synthesized, json: JSON.parse(synthesized) as TerraformJson };
}

/** An environment's edge on another plan, with only what that plan can run. */
function onPlan(plan: CloudflarePlan) {
  return edgeVariant((edge) => {
    edge.plan = plan;
    if (plan === "free") edge.rateLimits = [{ name: "auth", scope: "auth-paths", requestsPerSecond: 5 }];
    if (plan === "business") edge.rateLimits[1].methods = ["POST"];
  });
}

const all = (json: TerraformJson, type: string) => Object.values(json.resource?.[type] ?? {}) as TerraformJson[];
const rulesets = (json: TerraformJson) => all(json, "cloudflare_ruleset");
const ruleset = (json: TerraformJson, phase: EdgePhase) => rulesets(json).find((candidate) => candidate.phase === phase)!;
const refs = (json: TerraformJson, phase: EdgePhase) => (ruleset(json, phase).rules as TerraformJson[]).map((rule) => rule.ref);
const settingsOf = (json: TerraformJson) => Object.fromEntries(all(json, "cloudflare_zone_setting").map((setting) => [setting.setting_id, setting.value]));

const production = edgeOf("production");
const staging = edgeOf("staging");
const plans = { free: onPlan("free"), pro: onPlan("pro"), business: onPlan("business") } as const;
const ZONE_ID = "${data.cloudflare_zone.zone.zone_id}";

describe("EdgeStack", () => {
  it("is one stack per environment, without a region, deploying after the platform stack", () => {
    expect(production.stacks.edge.stackName).toBe("cryptopulse-production-edge");
    expect(staging.stacks.edge.stackName).toBe("cryptopulse-staging-edge");
    expect(production.stacks.edge.dependencies.map((stack) => stack.node.id)).toEqual(["cryptopulse-production-platform-fra1"]);
  });

  it("is the same built alone behind a stand-in platform stack, as the variants below are", () => {
    expect(edgeVariant(() => {}).synthesized).toBe(production.synthesized);
    expect(Object.keys(production.json.provider).sort()).toEqual(["cloudflare", "digitalocean"]);
  });

  it("looks the ingress load balancer up by the name the platform stack gives it", () => {
    expect(production.synthesized).toHaveDataSourceWithProperties(DataDigitaloceanLoadbalancer, { name: "cryptopulse-production-fra1-ingress" });
    expect(staging.synthesized).toHaveDataSourceWithProperties(DataDigitaloceanLoadbalancer, { name: "cryptopulse-staging-fra1-ingress" });
    // The same name the platform stack's ingress-nginx Service gives its load balancer.
    expect(Testing.synth(production.stacks.platform)).toContain("cryptopulse-production-fra1-ingress");
  });

  it("looks the zone up by name, or by the id the config gives", () => {
    expect(production.synthesized).toHaveDataSourceWithProperties(DataCloudflareZone, { filter: { name: "cryptopulse.com" } });
    expect(staging.synthesized).toHaveDataSourceWithProperties(DataCloudflareZone, { filter: { name: "cryptopulse-staging.com" } });
    const byId = edgeVariant((edge) => (edge.zoneId = "0123456789abcdef0123456789abcdef"));
    expect(byId.json.data.cloudflare_zone.zone).toEqual({ zone_id: "0123456789abcdef0123456789abcdef" });
  });

  describe.each([
    ["production", production],
    ["staging", staging],
  ] as const)("%s", (_name, edge) => {
    it("sets each TLS setting once, as a plain string value", () => {
      expect(settingsOf(edge.json)).toEqual({
        ssl: "strict",
        min_tls_version: "1.2",
        tls_1_3: "on",
        always_use_https: "on",
        automatic_https_rewrites: "on",
        http3: "on",
      });
      for (const [settingId, value] of Object.entries(settingsOf(edge.json))) {
        expect(edge.synthesized).toHaveResourceWithProperties(ZoneSetting, { zone_id: ZONE_ID, setting_id: settingId, value });
      }
    });

    it("points proxied A records (TTL 1, fully qualified) for the apex, www, app and api at the load balancer", () => {
      const apex = edge.environment.domain.apex;
      const records = all(edge.json, "cloudflare_dns_record").filter((record) => record.type === "A");
      expect(records.map((record) => record.name).sort()).toEqual([apex, `api.${apex}`, `app.${apex}`, `www.${apex}`].sort());
      for (const name of [apex, `www.${apex}`, `app.${apex}`, `api.${apex}`]) {
        expect(edge.synthesized).toHaveResourceWithProperties(DnsRecord, {
          zone_id: ZONE_ID,
          name,
          type: "A",
          content: "${data.digitalocean_loadbalancer.ingress.ip}",
          proxied: true,
          ttl: 1,
        });
      }
    });

    it("allows only Universal SSL's CAs (Let's Encrypt among them) in CAA, for issue and issuewild", () => {
      const caa = all(edge.json, "cloudflare_dns_record").filter((record) => record.type === "CAA");
      expect(caa.map((record) => `${record.data.tag} ${record.data.value}`).sort()).toEqual(
        ["issue letsencrypt.org", "issue pki.goog", "issue ssl.com", "issuewild letsencrypt.org", "issuewild pki.goog", "issuewild ssl.com"],
      );
      for (const record of caa) {
        expect(record).toMatchObject({ name: edge.environment.domain.apex, ttl: 3600, data: { flags: 0 } });
        expect(record.proxied).toBeUndefined();
      }
    });

    it("has exactly one zone ruleset per phase", () => {
      expect(rulesets(edge.json).map((candidate) => candidate.phase).sort()).toEqual([...EDGE_PHASES].sort());
      for (const phase of EDGE_PHASES) expect(edge.synthesized).toHaveResourceWithProperties(Ruleset, { zone_id: ZONE_ID, kind: "zone", phase });
    });

    it("sets HSTS exactly once: in the header transform, not the zone's security_header", () => {
      expect(settingsOf(edge.json).security_header).toBeUndefined();
      expect(ruleset(edge.json, "http_response_headers_transform").rules).toEqual([
        expect.objectContaining({
          ref: "security-headers",
          action: "rewrite",
          expression: "true",
          action_parameters: {
            headers: {
              "Strict-Transport-Security": { operation: "set", value: "max-age=31536000; includeSubDomains" },
              "X-Frame-Options": { operation: "set", value: "SAMEORIGIN" },
              "X-Content-Type-Options": { operation: "set", value: "nosniff" },
              "Referrer-Policy": { operation: "set", value: "strict-origin-when-cross-origin" },
              "Permissions-Policy": { operation: "set", value: expect.stringContaining("camera=()") },
            },
          },
        }),
      ]);
    });

    it("caches static assets on the web hosts for a year at the edge and in browsers, and never the API or authenticated requests", () => {
      const apex = edge.environment.domain.apex;
      const [assets, bypass] = ruleset(edge.json, "http_request_cache_settings").rules as TerraformJson[];
      expect(assets).toMatchObject({
        ref: "cache-static-assets",
        action: "set_cache_settings",
        action_parameters: {
          cache: true,
          edge_ttl: { mode: "override_origin", default: 31536000 },
          browser_ttl: { mode: "override_origin", default: 31536000 },
        },
      });
      expect(assets.expression).toContain(`http.host in {"${apex}" "www.${apex}" "app.${apex}"}`);
      expect(assets.expression).toContain('starts_with(http.request.uri.path, "/static/")');
      expect(assets.expression).toContain('http.request.uri.path.extension in {"js" "mjs" "css"');
      expect(assets.expression).not.toContain(`api.${apex}`);
      // Last, so it overrides the asset rule where both match.
      expect(bypass).toMatchObject({ ref: "bypass-api-and-authenticated", action: "set_cache_settings", action_parameters: { cache: false } });
      expect(bypass.expression).toContain(`http.host eq "api.${apex}"`);
      for (const prefix of ["/api", "/auth", "/account"]) expect(bypass.expression).toContain(`starts_with(http.request.uri.path, "${prefix}")`);
      expect(bypass.expression).toContain('any(lower(http.request.headers.names[*])[*] eq "authorization")');
    });

    it("blocks methods, admin paths on the API host and dot-files; challenges suspicious clients on the auth endpoints", () => {
      const rules = ruleset(edge.json, "http_request_firewall_custom").rules as TerraformJson[];
      expect(rules.map((rule) => [rule.ref, rule.action])).toEqual([
        ["block-unaccepted-methods", "block"],
        ["block-admin-paths", "block"],
        ["block-dot-files", "block"],
        ["challenge-suspicious-auth", "managed_challenge"],
      ]);
      expect(rules[0].expression).toBe('not (http.request.method in {"GET" "HEAD" "POST" "PUT" "PATCH" "DELETE" "OPTIONS"})');
      expect(rules[1].expression).toMatch(new RegExp(`^http\\.host eq "api\\.${edge.environment.domain.apex.replace(/\./g, "\\.")}" and \\(starts_with\\(lower\\(http\\.request\\.uri\\.path\\), "/admin"\\)`));
      expect(rules[2].expression).toBe('http.request.uri.path contains "/." and not starts_with(http.request.uri.path, "/.well-known/")');
      for (const path of BACKEND_AUTH_PATHS) expect(rules[3].expression).toContain(`starts_with(http.request.uri.path, "${path}")`);
      expect(rules[3].expression).toContain('ip.src.country eq "T1"');
    });
  });

  it("production (Pro, ACM): the Let's Encrypt wildcard pack, 90 days, TXT validation, replaced before it is destroyed", () => {
    expect(production.synthesized).toHaveResourceWithProperties(CertificatePack, {
      zone_id: ZONE_ID,
      type: "advanced",
      certificate_authority: "lets_encrypt",
      validation_method: "txt",
      validity_days: 90,
      hosts: ["cryptopulse.com", "*.cryptopulse.com"],
      lifecycle: { create_before_destroy: true },
    });
  });

  it("staging (Free, no ACM): no certificate pack, Universal SSL covers the apex and its wildcard", () => {
    expect(all(staging.json, "cloudflare_certificate_pack")).toEqual([]);
  });

  it("production rate-limits the API host at 10 r/s and the auth paths at 5 r/s per IP, answering 429 with JSON", () => {
    const rules = ruleset(production.json, "http_ratelimit").rules as TerraformJson[];
    expect(rules).toEqual([
      expect.objectContaining({
        ref: "rate-limit-api",
        action: "block",
        expression: 'http.host eq "api.cryptopulse.com"',
        ratelimit: { characteristics: ["cf.colo.id", "ip.src"], period: 10, requests_per_period: 100, mitigation_timeout: 60 },
      }),
      expect.objectContaining({
        ref: "rate-limit-auth",
        action: "block",
        expression: '(starts_with(http.request.uri.path, "/api/auth") or starts_with(http.request.uri.path, "/auth"))',
        ratelimit: { characteristics: ["cf.colo.id", "ip.src"], period: 10, requests_per_period: 50, mitigation_timeout: 60 },
      }),
    ]);
    for (const rule of rules) {
      expect(rule.action_parameters.response).toEqual({ status_code: 429, content_type: "application/json", content: expect.any(String) });
      expect(JSON.parse(rule.action_parameters.response.content)).toEqual({ error: "rate_limited", message: expect.any(String) });
    }
  });

  it("staging (Free) rate-limits the auth paths only, with the Free plan's 10 s period and timeout", () => {
    expect(ruleset(staging.json, "http_ratelimit").rules).toEqual([
      expect.objectContaining({
        ref: "rate-limit-auth",
        ratelimit: { characteristics: ["cf.colo.id", "ip.src"], period: 10, requests_per_period: 50, mitigation_timeout: 10 },
      }),
    ]);
  });
});

describe("the edge per Cloudflare plan", () => {
  it.each([
    ["free", ["free-managed"], [MANAGED_RULESETS.freeManaged]],
    ["pro", ["cloudflare-managed", "owasp-core"], [MANAGED_RULESETS.cloudflareManaged, MANAGED_RULESETS.owaspCore]],
    ["business", ["cloudflare-managed", "owasp-core"], [MANAGED_RULESETS.cloudflareManaged, MANAGED_RULESETS.owaspCore]],
  ] as const)("%s: deploys the managed WAF rulesets the plan has", (plan, expectedRefs, ids) => {
    const { json } = plans[plan];
    expect(refs(json, "http_request_firewall_managed")).toEqual(expectedRefs);
    expect((ruleset(json, "http_request_firewall_managed").rules as TerraformJson[]).map((rule) => [rule.action, rule.expression, rule.action_parameters.id])).toEqual(
      ids.map((id) => ["execute", "true", id]),
    );
  });

  it.each([
    ["free", ["dos_attack_l7"]],
    ["pro", ["dos_attack_l7"]],
    ["business", ["dos_attack_l7", "clickhouse_alert_fw_anomaly"]],
  ] as const)("%s: mails the security contact Cloudflare's security notifications the plan has, in the zone's own account", (plan, alertTypes) => {
    const policies = all(plans[plan].json, "cloudflare_notification_policy");
    expect(policies.map((policy) => policy.alert_type)).toEqual(alertTypes);
    for (const policy of policies) {
      expect(policy).toMatchObject({ account_id: "${data.cloudflare_zone.zone.account.id}", enabled: true, mechanisms: { email: [{ id: "security@cryptopulse.app" }] } });
      expect(policy.name).toMatch(/^cryptopulse-production /);
    }
    // The Security Events Alert needs its zone filter; the HTTP DDoS alert takes none (it covers the account).
    expect(policies.map((policy) => policy.filters)).toEqual(alertTypes.map((type) => (type === "dos_attack_l7" ? undefined : { zones: [ZONE_ID] })));
  });

  it("staging's notifications go to staging's security contact, named for staging", () => {
    const policies = all(staging.json, "cloudflare_notification_policy");
    expect(policies.map((policy) => [policy.alert_type, policy.name])).toEqual([["dos_attack_l7", "cryptopulse-staging HTTP DDoS attack"]]);
    expect(policies[0].mechanisms.email).toEqual(staging.environment.alerts.securityEmails.map((id) => ({ id })));
  });

  it.each(["free", "pro", "business"] as const)("%s: one ruleset per phase, within the plan's rule counts", (plan) => {
    const { json } = plans[plan];
    expect(rulesets(json).map((candidate) => candidate.phase).sort()).toEqual([...EDGE_PHASES].sort());
    expect(ruleset(json, "http_ratelimit").rules.length).toBeLessThanOrEqual(PLAN_LIMITS[plan].rateLimitRules);
    expect(ruleset(json, "http_request_firewall_custom").rules.length).toBeLessThanOrEqual(PLAN_LIMITS[plan].customRules);
    for (const rule of ruleset(json, "http_ratelimit").rules as TerraformJson[]) expect(rule.ratelimit.characteristics).toContain("cf.colo.id");
  });

  it.each(["free", "pro", "business"] as const)("%s: the same TLS settings, proxied records and header rule on every plan", (plan) => {
    const { json, synthesized } = plans[plan];
    expect(settingsOf(json)).toEqual(settingsOf(production.json));
    for (const name of ["cryptopulse.com", "www.cryptopulse.com", "app.cryptopulse.com", "api.cryptopulse.com"]) {
      expect(synthesized).toHaveResourceWithProperties(DnsRecord, { name, type: "A", proxied: true, ttl: 1 });
    }
    expect(refs(json, "http_response_headers_transform")).toEqual(["security-headers"]);
    expect(refs(json, "http_request_cache_settings")).toEqual(["cache-static-assets", "bypass-api-and-authenticated"]);
    expect(refs(json, "http_request_firewall_custom")).toEqual(["block-unaccepted-methods", "block-admin-paths", "block-dot-files", "challenge-suspicious-auth"]);
  });

  it("free: the rate-limit period and timeout default to the plan's only value, 10 s", () => {
    expect((ruleset(plans.free.json, "http_ratelimit").rules as TerraformJson[])[0].ratelimit).toEqual({
      characteristics: ["cf.colo.id", "ip.src"],
      period: 10,
      requests_per_period: 50,
      mitigation_timeout: 10,
    });
  });

  it("business: may filter rate limits by method", () => {
    expect((ruleset(plans.business.json, "http_ratelimit").rules as TerraformJson[])[1].expression).toBe(
      '(starts_with(http.request.uri.path, "/api/auth") or starts_with(http.request.uri.path, "/auth")) and http.request.method in {"POST"}',
    );
  });

  const everyRule = [
    ["production", "pro", production.json],
    ["staging", "free", staging.json],
    ...(["free", "pro", "business"] as const).map((plan) => [`production on ${plan}`, plan, plans[plan].json] as const),
  ] as const;
  it.each(everyRule)("%s: every rule expression uses only fields and operators the %s plan allows", (_name, plan, json) => {
    for (const candidate of rulesets(json)) {
      for (const rule of candidate.rules as TerraformJson[]) {
        expect({ ref: rule.ref, problems: expressionProblems(rule.expression, plan, candidate.phase) }).toEqual({ ref: rule.ref, problems: [] });
        if (!PLAN_LIMITS[plan].regex) expect(operatorsOf(rule.expression)).not.toContain("matches");
        if (candidate.phase === "http_ratelimit" && plan === "free") expect(fieldsOf(rule.expression)).toEqual(["http.request.uri.path"]);
      }
    }
  });

  it("the expression check finds what a plan does not allow", () => {
    expect(expressionProblems('http.request.uri.path matches "^/x"', "pro", "http_request_firewall_custom")).toEqual([
      "the matches (regex) operator needs Business or above, the zone is on pro",
    ]);
    expect(expressionProblems('http.request.uri.path ~ "^/x"', "business", "http_request_firewall_custom")).toEqual([]);
    expect(expressionProblems('http.host eq "api.example.com"', "free", "http_ratelimit")).toEqual(["field http.host is not available to rate-limiting rules on free"]);
    expect(expressionProblems('http.request.method in {"POST"}', "pro", "http_ratelimit")).toEqual([
      "field http.request.method is not available to rate-limiting rules on pro",
    ]);
    expect(expressionProblems('http.host eq "api.example.com"', "free", "http_request_cache_settings")).toEqual([]);
    // Values inside strings are not fields or operators.
    expect(fieldsOf('http.host eq "ip.src matches x"')).toEqual(["http.host"]);
    expect(operatorsOf('http.host eq "a matches b"')).toEqual(["eq"]);
  });

  it("HSTS through the zone's security_header setting instead: set there, and gone from the transform", () => {
    const { json, synthesized } = edgeVariant((edge) => (edge.securityHeaders.hstsVia = "zone-setting"));
    expect(synthesized).toHaveResourceWithProperties(ZoneSetting, {
      setting_id: "security_header",
      value: { strict_transport_security: { enabled: true, max_age: 31536000, include_subdomains: true, preload: false, nosniff: true } },
    });
    const headers = (ruleset(json, "http_response_headers_transform").rules as TerraformJson[])[0].action_parameters.headers;
    expect(headers["Strict-Transport-Security"]).toBeUndefined();
    expect(Object.keys(headers).sort()).toEqual(["Permissions-Policy", "Referrer-Policy", "X-Content-Type-Options", "X-Frame-Options"]);
  });
});

describe("edge configuration the plan cannot run", () => {
  const S = "environments.staging.edge";
  const P = "environments.production.edge";
  it.each([
    [
      "a second rate-limit rule on Free",
      (c: any) => c.environments.staging.edge.rateLimits.push({ name: "login", scope: "auth-paths", requestsPerSecond: 2 }),
      `${S}.rateLimits[1].name = "login": rate-limit rule "login": the free plan allows 1 rate-limiting rule`,
    ],
    [
      "a host filter on Free",
      (c: any) => (c.environments.staging.edge.rateLimits = [{ name: "api", scope: "api-host", requestsPerSecond: 10 }]),
      `${S}.rateLimits[0].scope = "api-host": rate-limit rule "api": the free plan allows path-only rate-limiting expressions; api-host needs the Host field (Pro and above)`,
    ],
    [
      "a 60 s period on Free",
      (c: any) => (c.environments.staging.edge.rateLimits[0].periodSeconds = 60),
      `${S}.rateLimits[0].periodSeconds = 60: rate-limit rule "auth": the free plan allows a period of 10 s only`,
    ],
    [
      "a 60 s mitigation timeout on Free",
      (c: any) => (c.environments.staging.edge.rateLimits[0].mitigationTimeoutSeconds = 60),
      `${S}.rateLimits[0].mitigationTimeoutSeconds = 60: rate-limit rule "auth": the free plan allows a mitigation timeout of 10 s only`,
    ],
    [
      "a third rate-limit rule on Pro",
      (c: any) => c.environments.production.edge.rateLimits.push({ name: "login", scope: "auth-paths", requestsPerSecond: 2 }),
      `${P}.rateLimits[2].name = "login": rate-limit rule "login": the pro plan allows 2 rate-limiting rules`,
    ],
    [
      "a 120 s period on Pro",
      (c: any) => (c.environments.production.edge.rateLimits[0].periodSeconds = 120),
      `${P}.rateLimits[0].periodSeconds = 120: rate-limit rule "api": the pro plan allows a period of at most 60 s`,
    ],
    [
      "a method filter on Pro",
      (c: any) => (c.environments.production.edge.rateLimits[1].methods = ["POST"]),
      `${P}.rateLimits[1].methods = [1 item]: rate-limit rule "auth": the pro plan does not allow the request method in rate-limiting expressions (Business and above)`,
    ],
    [
      "a sixth rate-limit rule on Business",
      (c: any) => {
        const edge = c.environments.production.edge;
        edge.plan = "business";
        for (const name of ["a", "b", "c", "d"]) edge.rateLimits.push({ name, scope: "auth-paths", requestsPerSecond: 5 });
      },
      `${P}.rateLimits[5].name = "d": rate-limit rule "d": the business plan allows 5 rate-limiting rules`,
    ],
    [
      "a 20-minute period on Business",
      (c: any) => {
        c.environments.production.edge.plan = "business";
        c.environments.production.edge.rateLimits[0].periodSeconds = 1200;
      },
      `${P}.rateLimits[0].periodSeconds = 1200: rate-limit rule "api": the business plan allows a period of at most 600 s`,
    ],
    [
      "a period the API does not accept",
      (c: any) => (c.environments.production.edge.rateLimits[0].periodSeconds = 25),
      `${P}.rateLimits[0].periodSeconds = 25: one of 10, 15, 20, 30, 40, 45, 60, 90, 120, 180, 240, 300, 480, 600, 900, 1200, 1800, 2400, 3600, 65535, 86400 seconds`,
    ],
    [
      "a CAA set without a Universal SSL CA",
      (c: any) => (c.environments.production.edge.caaIssuers = ["letsencrypt.org", "ssl.com"]),
      `${P}.caaIssuers = [2 items]: missing pki.goog: Universal SSL is issued by it, and a CAA set without it blocks issuance`,
    ],
    [
      "a CAA set without the pack's Let's Encrypt",
      (c: any) => (c.environments.production.edge.caaIssuers = ["pki.goog", "ssl.com"]),
      `${P}.caaIssuers = [2 items]: missing letsencrypt.org: the Let's Encrypt pack and Universal SSL are issued by it, and a CAA set without it blocks issuance`,
    ],
    [
      "an upper-case blocked path (the rule lowercases the request path)",
      (c: any) => (c.environments.production.edge.blockedPathPrefixes = ["/Admin"]),
      `${P}.blockedPathPrefixes[0] = "/Admin": a lowercase path prefix such as /admin (the rule compares the lowercased path)`,
    ],
    [
      "an unknown plan",
      (c: any) => (c.environments.production.edge.plan = "team"),
      `${P}.plan = "team": Invalid option: expected one of "free"|"pro"|"business"|"enterprise"`,
    ],
  ])("rejects %s, naming the rule, the plan and the limit", (_name, edit, line) => {
    const config = shippedConfig() as any;
    edit(config);
    expect(problemsOf(() => loadPlatformConfig(config))).toContain(line);
  });

  it("accepts what Business and Enterprise can run", () => {
    const config = shippedConfig() as any;
    const edge = config.environments.production.edge;
    edge.plan = "business";
    edge.rateLimits[0].periodSeconds = 600;
    edge.rateLimits[1].methods = ["POST"];
    expect(() => loadPlatformConfig(config)).not.toThrow();
    edge.plan = "enterprise";
    edge.rateLimits[0].periodSeconds = 3600;
    expect(() => loadPlatformConfig(config)).not.toThrow();
  });
});

describe("the edge in the whole app", () => {
  it("passes the Cloudflare guardrails (proxied records, strict SSL, TLS 1.2) without suppressions", () => {
    const outdir = sharedPlatformSynth();
    for (const stack of ["cryptopulse-production-edge", "cryptopulse-staging-edge"]) {
      const report = JSON.parse(readFileSync(path.join(outdir, reportFileName(stack)), "utf8")) as StackReport;
      expect(report.passed).toBe(true);
      for (const rule of ["CP-CF-001", "CP-CF-002", "CP-CF-003"]) {
        const results = report.results.filter((result) => result.rule === rule);
        expect(results.length).toBeGreaterThan(0);
        expect(results.every((result) => result.status === "pass")).toBe(true);
      }
    }
  });

  it("prices the zone's plan and the ACM add-on", () => {
    const estimates = estimateEnvironments(loadPlatformConfig().environments, shippedPrices());
    const edgeLines = (name: string) =>
      estimates
        .find((estimate) => estimate.environment === name)!
        .stacks.find((stack) => stack.stack === `cryptopulse-${name}-edge`)!
        .lines.map((line) => [line.id, line.item, line.minCents]);
    expect(edgeLines("production")).toEqual([
      ["cloudflare-plan", "Cloudflare pro plan", 25_00],
      ["advanced-certificate-manager", "Advanced Certificate Manager", 10_00],
    ]);
    expect(edgeLines("staging")).toEqual([["cloudflare-plan", "Cloudflare free plan", 0]]);
  });
});
