import { EDGE_DEFAULTS, SEED_EDGE_RATE_LIMITS } from "../edge";
import type { EnvironmentInput } from "../schema";
import { INGRESS_RATE_LIMITS, SHARED_BACKUP, SHARED_COST_ALLOCATION, SHARED_PLATFORM, SHARED_SMTP } from "./shared";
import { DEFAULT_LOG_RETENTION_DAYS } from "../observability";
import {
  SEED_ALERT_EMAILS,
  SEED_ALERT_THRESHOLDS,
  SEED_APP_POOL_NODES,
  SEED_APP_POOL_SIZE,
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
    securityEmails: [...SEED_SECURITY_EMAILS],
    slack: [{ channel: "#cryptopulse-alerts", webhookUrlVariable: "alerts_slack_webhook_url" }],
    // The guide's P1: 24/7 coverage.
    pageAroundTheClock: true,
    thresholds: SEED_ALERT_THRESHOLDS,
  },
  cluster: {
    versionPrefix: "1.35.",
    highAvailability: true,
    maintenance: { day: "sunday", startTime: "03:00" },
    // Administrators' VPN egress and the deploy runners: replace with your own ranges.
    adminCidrs: ["198.51.100.0/28", "203.0.113.0/28"],
    systemPool: { name: "system", size: "s-4vcpu-8gb", nodes: { minNodes: 2, maxNodes: 4 } },
    appPools: [{ name: "apps", size: "s-8vcpu-16gb", nodes: SEED_APP_POOL_NODES }],
    nodeOverhead: { cpuMillicores: 300, memoryMiB: 512 },
    scaleDownUnneededMinutes: SEED_SCALE_DOWN_UNNEEDED_MINUTES,
    scaleDownUtilizationThreshold: 0.5,
  },
  data: {
    postgres: {
      version: "17",
      // 4 GiB: 97 backend connections for the app pool's 50 and headroom for a second pool.
      size: "db-s-2vcpu-4gb",
      nodeCount: 2,
      maintenanceWindow: { day: "sunday", hour: "01:00" },
      database: "cryptopulse",
      user: "cryptopulse_app",
      // Replicas as large as the primary, so replaying its writes never lags behind.
      replicas: { analytics: "db-s-2vcpu-4gb", reporting: "db-s-2vcpu-4gb" },
      pools: [{ name: "app", size: SEED_APP_POOL_SIZE }],
      pgbouncer: SEED_PGBOUNCER,
    },
    valkey: { version: "8", size: "db-s-1vcpu-2gb", nodeCount: 2, maintenanceWindow: { day: "sunday", hour: "02:00" } },
    mongodb: {
      version: "8",
      size: "db-s-2vcpu-4gb",
      nodeCount: 3,
      maintenanceWindow: { day: "sunday", hour: "04:00" },
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
    ingress: { minReplicas: 2, maxReplicas: 6, loadBalancerSizeUnit: 2, rateLimits: INGRESS_RATE_LIMITS },
  },
  // Pro: the Cloudflare Managed and OWASP rulesets and both of the guide's rate limits
  // (the API one needs the Host field); nothing here needs Business (regex, method filters).
  // ACM: the guide's Let's Encrypt wildcard, 90 days, instead of whichever CA Universal SSL picks.
  edge: {
    ...EDGE_DEFAULTS,
    plan: "pro",
    advancedCertificateManager: true,
    rateLimits: [
      { ...SEED_EDGE_RATE_LIMITS.api, periodSeconds: 10, mitigationTimeoutSeconds: 60 },
      { ...SEED_EDGE_RATE_LIMITS.auth, periodSeconds: 10, mitigationTimeoutSeconds: 60 },
    ],
  },
  // `npm run cost` fails when the estimate at maximum scale (every pool at maxNodes) exceeds this.
  budget: { monthlyUsd: 2500, warnAtPercent: 80 },
  costAllocation: SHARED_COST_ALLOCATION,
  backup: {
    ...SHARED_BACKUP,
    restoreTestRecipient: "age1ua5ujdmu6gpxvc0c9nyykwtd48tfxatgvaxzc69tshnvxx45zuxqp0qtle",
  },
  observability: {
    prometheus: { replicas: 2, retentionDays: 30, volumeGiB: 100 },
    alertmanager: { replicas: 2, volumeGiB: 5 },
    grafana: { volumeGiB: 10, adminPasswordVariable: "grafana_admin_password" },
    thresholds: SEED_SLO_THRESHOLDS,
    security: SEED_SECURITY_ALERTS,
    logs: { retentionDays: DEFAULT_LOG_RETENTION_DAYS, loki: { volumeGiB: 50, memoryMiB: 2048 } },
    alerting: {
      escalation: SEED_ESCALATION,
      businessHours: SEED_BUSINESS_HOURS,
      smtp: SHARED_SMTP,
    },
  },
} satisfies EnvironmentInput;
