import { EDGE_DEFAULTS, SEED_EDGE_RATE_LIMITS } from "../edge";
import type { EnvironmentInput } from "../schema";
import { INGRESS_RATE_LIMITS, SHARED_BACKUP, SHARED_COST_ALLOCATION, SHARED_PLATFORM, SHARED_SMTP } from "./shared";
import {
  SEED_ALERT_THRESHOLDS,
  SEED_AUTOSCALING,
  SEED_BUSINESS_HOURS,
  SEED_ESCALATION,
  SEED_HEALTH_CHECK,
  SEED_PGBOUNCER,
  SEED_SCALE_DOWN_UNNEEDED_MINUTES,
  SEED_SECURITY_ALERTS,
  SEED_SECURITY_EMAILS,
  SEED_SERVICES,
  SEED_SLO_THRESHOLDS,
} from "../seed";

/**
 * Staging: a zone of its own, so Cloudflare's Universal SSL covers app. and api.
 * without an Advanced Certificate Manager subscription (a `staging.` subdomain of
 * the production zone would need a second-level wildcard). One region, smaller
 * replica floors: staging proves changes, it does not carry traffic.
 */
export const staging = {
  tier: "staging",
  description: "CryptoPulse staging platform",
  domain: { zone: "cryptopulse-staging.com", apex: "cryptopulse-staging.com", apiHost: "api", appHost: "app" },
  regions: [{ slug: "fra1", role: "primary", vpcCidr: "10.30.0.0/16" }],
  services: {
    frontend: { ...SEED_SERVICES.frontend, replicas: { min: 1, max: 3 } },
    backend: { ...SEED_SERVICES.backend, replicas: { min: 1, max: 3 } },
    functions: { ...SEED_SERVICES.functions, replicas: { min: 1, max: 3 } },
  },
  autoscaling: SEED_AUTOSCALING,
  healthCheck: SEED_HEALTH_CHECK,
  alerts: {
    // Staging's own list (replace with yours), never production's on-call: staging alerts fire on purpose.
    emails: ["devops-staging@cryptopulse.app"],
    // One security team: it hears of staging's security events too, in business hours only (below).
    securityEmails: [...SEED_SECURITY_EMAILS],
    slack: [{ channel: "#cryptopulse-staging", webhookUrlVariable: "alerts_staging_slack_webhook_url" }],
    // Nothing in staging is urgent at night: P1 notifies in business hours, like P2-P4.
    pageAroundTheClock: false,
    thresholds: SEED_ALERT_THRESHOLDS,
  },
  cluster: {
    versionPrefix: "1.35.",
    highAvailability: false,
    maintenance: { day: "saturday", startTime: "03:00" },
    // Administrators' VPN egress and the deploy runners: replace with your own ranges.
    adminCidrs: ["198.51.100.0/28", "203.0.113.0/28"],
    systemPool: { name: "system", size: "s-2vcpu-4gb", nodes: { minNodes: 2, maxNodes: 3 } },
    appPools: [{ name: "apps", size: "s-4vcpu-8gb", nodes: { minNodes: 1, maxNodes: 6 } }],
    nodeOverhead: { cpuMillicores: 300, memoryMiB: 512 },
    scaleDownUnneededMinutes: SEED_SCALE_DOWN_UNNEEDED_MINUTES,
    scaleDownUtilizationThreshold: 0.5,
  },
  data: {
    postgres: {
      version: "17",
      // 2 GiB: 47 backend connections, too few for the guide's 50-connection pool; staging needs far fewer.
      size: "db-s-1vcpu-2gb",
      nodeCount: 1,
      maintenanceWindow: { day: "saturday", hour: "01:00" },
      database: "cryptopulse",
      user: "cryptopulse_app",
      replicas: { analytics: "db-s-1vcpu-2gb", reporting: "db-s-1vcpu-2gb" },
      pools: [{ name: "app", size: 20 }],
      pgbouncer: SEED_PGBOUNCER,
    },
    valkey: { version: "8", size: "db-s-1vcpu-1gb", nodeCount: 1, maintenanceWindow: { day: "saturday", hour: "02:00" } },
    mongodb: {
      version: "8",
      size: "db-s-1vcpu-1gb",
      nodeCount: 1,
      maintenanceWindow: { day: "saturday", hour: "04:00" },
      writeConcern: "majority",
    },
  },
  platform: {
    ...SHARED_PLATFORM,
    // Each environment pins its own release: staging runs a new one before production does.
    images: {
      frontend: { repository: "registry.digitalocean.com/cryptopulse/frontend", tag: "1.0.0" },
      backend: { repository: "registry.digitalocean.com/cryptopulse/backend", tag: "1.0.0" },
      functions: { repository: "registry.digitalocean.com/cryptopulse/functions", tag: "1.0.0" },
    },
    ingress: { minReplicas: 1, maxReplicas: 2, loadBalancerSizeUnit: 1, rateLimits: INGRESS_RATE_LIMITS },
  },
  // Free: the Free Managed ruleset and one path-only rate limit (auth, 10 s); the API's
  // 10 r/s stays enforced by ingress-nginx. Universal SSL covers the apex and its wildcard.
  edge: {
    ...EDGE_DEFAULTS,
    plan: "free",
    advancedCertificateManager: false,
    rateLimits: [SEED_EDGE_RATE_LIMITS.auth],
  },
  // `npm run cost` fails when the estimate at maximum scale (every pool at maxNodes) exceeds this.
  budget: { monthlyUsd: 750, warnAtPercent: 80 },
  costAllocation: SHARED_COST_ALLOCATION,
  backup: {
    ...SHARED_BACKUP,
    restoreTestRecipient: "age1ndd29u230gfpzuwgc7f3t9suwuagj8mn4jk8ue746ujvjarr8sks8txdg2",
  },
  observability: {
    prometheus: { replicas: 1, retentionDays: 7, volumeGiB: 30 },
    alertmanager: { replicas: 1, volumeGiB: 1 },
    grafana: { volumeGiB: 10, adminPasswordVariable: "grafana_admin_password" },
    thresholds: SEED_SLO_THRESHOLDS,
    security: SEED_SECURITY_ALERTS,
    // A week is enough to debug a staging deploy; its logs are not evidence of anything.
    logs: { retentionDays: 7, loki: { volumeGiB: 10, memoryMiB: 1024 } },
    alerting: {
      escalation: SEED_ESCALATION,
      businessHours: SEED_BUSINESS_HOURS,
      smtp: SHARED_SMTP,
    },
  },
} satisfies EnvironmentInput;
