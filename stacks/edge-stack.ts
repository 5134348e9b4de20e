import type { Construct } from "constructs";
import type { CertificatePack } from "@cdktf/provider-cloudflare/lib/certificate-pack";
import type { DataCloudflareZone } from "@cdktf/provider-cloudflare/lib/data-cloudflare-zone";
import type { DnsRecord } from "@cdktf/provider-cloudflare/lib/dns-record";
import type { ZoneSetting } from "@cdktf/provider-cloudflare/lib/zone-setting";
import type { DataDigitaloceanLoadbalancer } from "@cdktf/provider-digitalocean/lib/data-digitalocean-loadbalancer";
import { WWW_LABEL, type EnvironmentConfig } from "../config";
import { environmentPrefix } from "../config/naming.mjs";
import type { StateBackendOptions } from "../config/runtime";
import { EdgeNotifications } from "../constructs/edge/edge-notifications";
import { EdgeRulesets } from "../constructs/edge/edge-rulesets";
import { caaRecords, ingressLoadBalancer, proxiedRecords, wildcardCertificate, zoneLookup, zoneSettings } from "../constructs/edge/zone";
import { LayerStack } from "./layer-stack";

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

    this.zone = zoneLookup(this, edge, domain.zone);
    const zoneId = this.zone.zoneId;
    this.loadBalancer = ingressLoadBalancer(this, props.loadBalancerName);

    this.settings = zoneSettings(this, zoneId, edge);
    const webHosts = [domain.apex, `${WWW_LABEL}.${domain.apex}`, domain.app];
    this.records = proxiedRecords(this, zoneId, [...webHosts, domain.api], this.loadBalancer.ip);
    this.caaRecords = caaRecords(this, zoneId, domain.apex, edge.caaIssuers);
    if (edge.advancedCertificateManager) this.certificatePack = wildcardCertificate(this, zoneId, domain.apex);

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
