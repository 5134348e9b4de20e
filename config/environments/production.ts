import type { EnvironmentInput } from "../schema";
import { SEED_ALERT_EMAILS, SEED_ALERT_THRESHOLDS, SEED_AUTOSCALING, SEED_HEALTH_CHECK, SEED_SERVICES } from "../seed";

/** Production: cryptopulse.com, workloads in Frankfurt, backup copies in Amsterdam. */
export const production = {
  tier: "production",
  description: "CryptoPulse production platform",
  domain: { zone: "cryptopulse.com", apex: "cryptopulse.com", apiHost: "api", appHost: "app" },
  regions: [
    { slug: "fra1", role: "primary", vpcCidr: "10.20.0.0/16" },
    { slug: "ams3", role: "dr", vpcCidr: "10.21.0.0/16" },
  ],
  services: SEED_SERVICES,
  autoscaling: SEED_AUTOSCALING,
  healthCheck: SEED_HEALTH_CHECK,
  alerts: {
    emails: [...SEED_ALERT_EMAILS],
    slack: [{ channel: "#cryptopulse-alerts", webhookUrlVariable: "alerts_slack_webhook_url" }],
    thresholds: SEED_ALERT_THRESHOLDS,
  },
} satisfies EnvironmentInput;
