import { Construct } from "constructs";
import { NotificationPolicy } from "@cdktf/provider-cloudflare/lib/notification-policy";
import { PLAN_LIMITS, type CloudflarePlan } from "../../config/edge";

/**
 * The Cloudflare notifications of an environment's security events, mailed
 * to its security contact. Which alert types a zone's plan may create
 * (Cloudflare docs, "Available Notifications"):
 * - `dos_attack_l7`, HTTP DDoS Attack Alert: every plan. Cloudflare offers it
 *   no zone filter, so it reports attacks on every zone of the account;
 * - `clickhouse_alert_fw_anomaly`, Security Events Alert (spikes in WAF,
 *   rate-limit and firewall events): Business and Enterprise only, filtered to
 *   this zone (the filter is mandatory);
 * - the Advanced variants (`advanced_ddos_attack_l7_alert`,
 *   `clickhouse_alert_fw_ent_anomaly`) need Enterprise add-ons and are not made.
 */

export interface EdgeNotificationsProps {
  /** The account that owns the zone (notification policies are account resources). */
  readonly accountId: string;
  readonly zoneId: string;
  readonly plan: CloudflarePlan;
  /** `cryptopulse-<environment>`: names the policies, so each environment's are told apart in the dashboard. */
  readonly namePrefix: string;
  /** Who is mailed: the environment's `alerts.securityEmails`. */
  readonly emails: readonly string[];
}

interface SecurityNotification {
  /** The policy's construct id. */
  readonly id: string;
  readonly alertType: string;
  readonly title: string;
  readonly description: string;
  readonly availableOn: (plan: CloudflarePlan) => boolean;
  /** Whether the policy is filtered to the zone (else it covers the account). */
  readonly zoneFilter: boolean;
}

export const SECURITY_NOTIFICATIONS: readonly SecurityNotification[] = [
  {
    id: "http-ddos",
    alertType: "dos_attack_l7",
    title: "HTTP DDoS attack",
    description: "Cloudflare mitigated an HTTP DDoS attack on a zone of the account",
    availableOn: () => true,
    zoneFilter: false,
  },
  {
    id: "security-events",
    alertType: "clickhouse_alert_fw_anomaly",
    title: "security events spike",
    description: "A spike in the zone's WAF and firewall events",
    availableOn: (plan) => PLAN_LIMITS[plan].securityEventsAlert,
    zoneFilter: true,
  },
];

/** The notifications a zone on `plan` gets. */
export function securityNotifications(plan: CloudflarePlan): readonly SecurityNotification[] {
  return SECURITY_NOTIFICATIONS.filter((notification) => notification.availableOn(plan));
}

export class EdgeNotifications extends Construct {
  readonly policies: readonly NotificationPolicy[];

  constructor(scope: Construct, id: string, props: EdgeNotificationsProps) {
    super(scope, id);
    const mechanisms = { email: props.emails.map((address) => ({ id: address })) };
    this.policies = securityNotifications(props.plan).map(
      (notification) =>
        new NotificationPolicy(this, notification.id, {
          accountId: props.accountId,
          name: `${props.namePrefix} ${notification.title}`,
          description: notification.description,
          alertType: notification.alertType,
          enabled: true,
          mechanisms,
          ...(notification.zoneFilter ? { filters: { zones: [props.zoneId] } } : {}),
        }),
    );
  }
}
