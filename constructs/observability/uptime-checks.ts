import { Construct } from "constructs";
import type { MonitorAlertAlerts } from "@cdktf/provider-digitalocean/lib/monitor-alert";
import { UptimeAlert } from "@cdktf/provider-digitalocean/lib/uptime-alert";
import { UptimeCheck } from "@cdktf/provider-digitalocean/lib/uptime-check";

/**
 * The guide checks health every 30 s; DigitalOcean's uptime checks run on
 * their own schedule and alert over a period of at least 2 minutes, the
 * closest it supports.
 */
export const UPTIME_ALERT_PERIOD = "2m";
/** DigitalOcean probes from these regions; "down" needs them all to fail, so one region's network trouble does not page. */
export const UPTIME_REGIONS = ["eu_west", "us_east", "us_west", "se_asia"] as const;

export interface UptimeChecksProps {
  /** Public hosts to check, e.g. the apex, app. and api. */
  readonly hosts: readonly string[];
  /** The health path every public host serves (healthCheck.path). */
  readonly path: string;
  /** AlertContacts' targets: the configured emails and Slack channels. */
  readonly targets: MonitorAlertAlerts;
  /** Latency alert above this (observability.thresholds.latencySeconds, the guide's "Response time > 2 seconds"). */
  readonly latencySeconds: number;
  /** Certificate alert this many days before expiry (observability.thresholds.certificateExpiryDays). */
  readonly sslExpiryDays: number;
}

/**
 * DigitalOcean uptime checks from outside the platform on each public host's
 * health endpoint, through Cloudflare as users reach it: down (from every
 * region), slow, and a certificate close to expiry, each alerting the
 * configured contacts. They catch what in-cluster monitoring cannot see:
 * DNS, Cloudflare, the load balancer, or the whole cluster being gone.
 */
export class UptimeChecks extends Construct {
  readonly checks: readonly UptimeCheck[];

  constructor(scope: Construct, id: string, props: UptimeChecksProps) {
    super(scope, id);
    // DigitalOcean's latency alert counts milliseconds.
    const latencyMs = props.latencySeconds * 1000;
    const { sslExpiryDays } = props;
    const notifications = [{ email: props.targets.email, slack: props.targets.slack }];
    this.checks = [...new Set(props.hosts)].map((host) => {
      const check = new UptimeCheck(this, host, {
        name: `${host}${props.path}`,
        target: `https://${host}${props.path}`,
        type: "https",
        regions: [...UPTIME_REGIONS],
        enabled: true,
      });
      const alert = (type: string, extra: { threshold?: number; comparison?: string }) =>
        new UptimeAlert(this, `${host}-${type}`, {
          checkId: check.id,
          name: `${host}: ${type.replace("_", " ")}`,
          type,
          period: UPTIME_ALERT_PERIOD,
          notifications,
          ...extra,
        });
      alert("down_global", {});
      alert("latency", { threshold: latencyMs, comparison: "greater_than" });
      alert("ssl_expiry", { threshold: sslExpiryDays, comparison: "less_than" });
      return check;
    });
  }
}
