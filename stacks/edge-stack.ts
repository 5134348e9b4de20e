import { Token } from "cdktf";
import type { Construct } from "constructs";
import { CertificatePack } from "@cdktf/provider-cloudflare/lib/certificate-pack";
import { DataCloudflareZone } from "@cdktf/provider-cloudflare/lib/data-cloudflare-zone";
import { DnsRecord } from "@cdktf/provider-cloudflare/lib/dns-record";
import { ZoneSetting } from "@cdktf/provider-cloudflare/lib/zone-setting";
import { DataDigitaloceanLoadbalancer } from "@cdktf/provider-digitalocean/lib/data-digitalocean-loadbalancer";
import { WWW_LABEL, type EnvironmentConfig } from "../config";
import { environmentPrefix } from "../config/naming.mjs";
import type { StateBackendOptions } from "../config/runtime";
import { EdgeNotifications } from "../constructs/edge/edge-notifications";
import { EdgeRulesets } from "../constructs/edge/edge-rulesets";
import { LayerStack } from "./layer-stack";

/**
 * The zone's TLS settings, one `cloudflare_zone_setting` each (v5 has no
 * settings override): Full (strict) to the origin's Origin CA certificate,
 * TLS 1.2 at least (the guide), 1.3 on, HTTPS only, HTTP/3.
 */
export const ZONE_SETTINGS = {
  ssl: "strict",
  min_tls_version: "1.2",
  tls_1_3: "on",
  always_use_https: "on",
  automatic_https_rewrites: "on",
  http3: "on",
} as const;

/** Proxied records must use TTL 1 ("automatic"): Cloudflare answers with its own addresses. */
export const PROXIED_TTL = 1;
/** CAA records are not proxied; an hour lets a CA change propagate within a working session. */
export const CAA_TTL = 3600;
/** The advanced pack: the guide's Let's Encrypt wildcard (Let's Encrypt issues 90-day certificates only). */
export const ADVANCED_CERTIFICATE = { certificateAuthority: "lets_encrypt", validationMethod: "txt", validityDays: 90 } as const;

export interface EdgeStackProps {
  readonly environment: EnvironmentConfig;
  /** The in-cluster stack whose ingress controller creates the load balancer; this stack deploys after it. */
  readonly platform: LayerStack;
  /** The ingress load balancer's DigitalOcean name (see ingressLoadBalancerName). */
  readonly loadBalancerName: string;
  readonly state: StateBackendOptions;
}

/**
 * The Cloudflare edge of one environment: zone TLS settings, proxied records
 * to the ingress load balancer, CAA, the wildcard certificate (an advanced
 * pack where the zone has ACM, else Universal SSL), and one entry-point
 * ruleset per phase (managed WAF, custom rules, rate limits, cache rules,
 * security headers), and the security notifications Cloudflare mails the
 * security contact, all shaped by the zone's plan.
 *
 * The load balancer is looked up by name rather than passed as a cross-stack
 * output: ingress-nginx's Service creates it, so Terraform has no resource to
 * reference, and a lookup keeps this stack's state free of the platform
 * stack's. The trade: the load balancer must exist before this stack is
 * planned (the stack dependency orders the deploy; a first plan of a fresh
 * environment fails until the platform stack has been applied).
 */
export class EdgeStack extends LayerStack {
  readonly zone: DataCloudflareZone;
  readonly loadBalancer: DataDigitaloceanLoadbalancer;
  readonly settings: readonly ZoneSetting[];
  readonly records: readonly DnsRecord[];
  readonly caaRecords: readonly DnsRecord[];
  readonly certificatePack?: CertificatePack;
  readonly rulesets: EdgeRulesets;
  readonly notifications: EdgeNotifications;

  constructor(scope: Construct, props: EdgeStackProps) {
    const { environment } = props;
    super(scope, { environment, layer: "edge", providers: ["cloudflare", "digitalocean"], state: props.state });
    this.addDependency(props.platform);
    const { domain, edge } = environment;

    this.zone = new DataCloudflareZone(this, "zone", edge.zoneId ? { zoneId: edge.zoneId } : { filter: { name: domain.zone } });
    const zoneId = this.zone.zoneId;
    this.loadBalancer = new DataDigitaloceanLoadbalancer(this, "ingress", { name: props.loadBalancerName });

    const setting = (settingId: string, value: string | Record<string, unknown>) =>
      // ZoneSetting.value is dynamic: a bare string would be typed as an object, so pass it as a token.
      new ZoneSetting(this, `setting-${settingId}`, { zoneId, settingId, value: typeof value === "string" ? Token.asAny(value) : value });
    this.settings = [
      ...Object.entries(ZONE_SETTINGS).map(([settingId, value]) => setting(settingId, value)),
      ...(edge.securityHeaders.hstsVia === "zone-setting"
        ? [
            setting("security_header", {
              strict_transport_security: {
                enabled: true,
                max_age: edge.securityHeaders.hsts.maxAgeSeconds,
                include_subdomains: edge.securityHeaders.hsts.includeSubdomains,
                preload: edge.securityHeaders.hsts.preload,
                nosniff: true,
              },
            }),
          ]
        : []),
    ];

    const webHosts = [domain.apex, `${WWW_LABEL}.${domain.apex}`, domain.app];
    this.records = [...webHosts, domain.api].map(
      (name) =>
        new DnsRecord(this, `a-${name}`, {
          zoneId,
          name,
          type: "A",
          content: this.loadBalancer.ip,
          proxied: true,
          ttl: PROXIED_TTL,
          comment: "cryptopulse edge: the ingress load balancer",
        }),
    );
    this.caaRecords = edge.caaIssuers.flatMap((issuer) =>
      (["issue", "issuewild"] as const).map(
        (tag) =>
          new DnsRecord(this, `caa-${tag}-${issuer}`, {
            zoneId,
            name: domain.apex,
            type: "CAA",
            ttl: CAA_TTL,
            // flags is dynamic: a bare number would synthesize as {}.
            data: { flags: Token.asAny(0), tag, value: issuer },
          }),
      ),
    );

    if (edge.advancedCertificateManager) {
      this.certificatePack = new CertificatePack(this, "wildcard-certificate", {
        zoneId,
        type: "advanced",
        ...ADVANCED_CERTIFICATE,
        hosts: [domain.apex, `*.${domain.apex}`],
        cloudflareBranding: false,
        // Packs cannot be updated in place: create the new one before the old one goes, so the edge is never without a certificate.
        lifecycle: { createBeforeDestroy: true },
      });
    }

    this.rulesets = new EdgeRulesets(this, "rules", { zoneId, plan: edge.plan, edge, webHosts, apiHost: domain.api });
    // The account is the zone's: no account id to configure, and never another account's.
    this.notifications = new EdgeNotifications(this, "notifications", {
      accountId: this.zone.account.id,
      zoneId,
      plan: edge.plan,
      namePrefix: environmentPrefix(environment.name),
      emails: environment.alerts.securityEmails,
    });
  }
}
