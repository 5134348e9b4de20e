import { Token } from "cdktf";
import type { Construct } from "constructs";
import { CertificatePack } from "@cdktf/provider-cloudflare/lib/certificate-pack";
import { DataCloudflareZone } from "@cdktf/provider-cloudflare/lib/data-cloudflare-zone";
import { DnsRecord } from "@cdktf/provider-cloudflare/lib/dns-record";
import { ZoneSetting } from "@cdktf/provider-cloudflare/lib/zone-setting";
import { DataDigitaloceanLoadbalancer } from "@cdktf/provider-digitalocean/lib/data-digitalocean-loadbalancer";
import type { EdgeConfig } from "../../config/edge";

/**
 * The zone's settings, records and certificate. They are built in the scope
 * they are given (the edge stack itself), not in a child construct, so their
 * Terraform logical ids stay the ones deployed state knows (`setting-ssl`,
 * `a-<host>`, `caa-issue-<ca>`, `wildcard-certificate`): a construct in between
 * would rename, and so destroy and recreate, every one of them.
 */

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

/** The zone, by its id where the edge config pins one (a name can be re-added by another account), else by name. */
export function zoneLookup(scope: Construct, edge: EdgeConfig, zoneName: string): DataCloudflareZone {
  return new DataCloudflareZone(scope, "zone", edge.zoneId ? { zoneId: edge.zoneId } : { filter: { name: zoneName } });
}

/** The ingress load balancer, by the name the ingress controller's Service gives it. */
export function ingressLoadBalancer(scope: Construct, name: string): DataDigitaloceanLoadbalancer {
  return new DataDigitaloceanLoadbalancer(scope, "ingress", { name });
}

/** ZONE_SETTINGS, and HSTS as a zone setting where the edge config sends it that way. */
export function zoneSettings(scope: Construct, zoneId: string, edge: EdgeConfig): ZoneSetting[] {
  const setting = (settingId: string, value: string | Record<string, unknown>) =>
    // ZoneSetting.value is dynamic: a bare string would be typed as an object, so pass it as a token.
    new ZoneSetting(scope, `setting-${settingId}`, { zoneId, settingId, value: typeof value === "string" ? Token.asAny(value) : value });
  const { hsts } = edge.securityHeaders;
  return [
    ...Object.entries(ZONE_SETTINGS).map(([settingId, value]) => setting(settingId, value)),
    ...(edge.securityHeaders.hstsVia === "zone-setting"
      ? [
          setting("security_header", {
            strict_transport_security: { enabled: true, max_age: hsts.maxAgeSeconds, include_subdomains: hsts.includeSubdomains, preload: hsts.preload, nosniff: true },
          }),
        ]
      : []),
  ];
}

/** A proxied A record per host, to the ingress load balancer's address. */
export function proxiedRecords(scope: Construct, zoneId: string, hosts: readonly string[], address: string): DnsRecord[] {
  return hosts.map(
    (name) =>
      new DnsRecord(scope, `a-${name}`, {
        zoneId,
        name,
        type: "A",
        content: address,
        proxied: true,
        ttl: PROXIED_TTL,
        comment: "cryptopulse edge: the ingress load balancer",
      }),
  );
}

/** `issue` and `issuewild` on the apex for every CA the edge config admits. */
export function caaRecords(scope: Construct, zoneId: string, apex: string, issuers: readonly string[]): DnsRecord[] {
  return issuers.flatMap((issuer) =>
    (["issue", "issuewild"] as const).map(
      (tag) =>
        new DnsRecord(scope, `caa-${tag}-${issuer}`, {
          zoneId,
          name: apex,
          type: "CAA",
          ttl: CAA_TTL,
          // flags is dynamic: a bare number would synthesize as {}.
          data: { flags: Token.asAny(0), tag, value: issuer },
        }),
    ),
  );
}

/** The advanced pack of the apex and its wildcard, where the zone has Advanced Certificate Manager. */
export function wildcardCertificate(scope: Construct, zoneId: string, apex: string): CertificatePack {
  return new CertificatePack(scope, "wildcard-certificate", {
    zoneId,
    type: "advanced",
    ...ADVANCED_CERTIFICATE,
    hosts: [apex, `*.${apex}`],
    cloudflareBranding: false,
    // Packs cannot be updated in place: create the new one before the old one goes, so the edge is never without a certificate.
    lifecycle: { createBeforeDestroy: true },
  });
}
