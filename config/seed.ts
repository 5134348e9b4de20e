/**
 * Numbers taken from the CryptoPulse operator's guide (the "seed"). They are the
 * defaults every environment starts from; an environment file overrides one by
 * spreading these objects, so a reader always sees where a number came from.
 */

/**
 * Service Configuration: ports, CPU and memory per service. The frontend is on
 * 3000 as the guide's architecture says (its nginx example's `frontend:80`
 * contradicts it); at least 2 replicas as its scaling limits say (its HA
 * diagram draws 3): docs/guide-adaptations.md.
 */
export const SEED_SERVICES = {
  frontend: {
    port: 3000,
    // "CPU: 1 core, Memory: 2GB RAM"
    cpuMillicores: 1000,
    memoryMiB: 2048,
    replicas: { min: 2, max: 10 },
  },
  backend: {
    port: 1337,
    // "CPU: 2 cores, Memory: 4GB RAM"
    cpuMillicores: 2000,
    memoryMiB: 4096,
    replicas: { min: 2, max: 10 },
  },
  functions: {
    port: 3001,
    // The guide gives memory only ("512MB per function"); half a core is our default.
    cpuMillicores: 500,
    memoryMiB: 512,
    replicas: { min: 2, max: 10 },
  },
} as const;

/** Scaling Strategy → Horizontal Scaling: triggers and cooldowns. */
export const SEED_AUTOSCALING = {
  cpuUtilizationPercent: 70,
  memoryUtilizationPercent: 80,
  scaleUpCooldownSeconds: 5 * 60,
  scaleDownCooldownSeconds: 10 * 60,
} as const;

/** Backend Service → Health Checks. */
export const SEED_HEALTH_CHECK = {
  path: "/health",
  intervalSeconds: 30,
  timeoutSeconds: 10,
  retries: 3,
} as const;

/**
 * Monitoring & Alerting / Scaling Strategy: "CPU usage > 70% for 5 minutes",
 * "Memory usage > 80% for 5 minutes". The guide names disk usage without a
 * number; 80 % leaves room to grow a volume before it fills.
 */
export const SEED_ALERT_THRESHOLDS = {
  cpuPercent: 70,
  memoryPercent: 80,
  diskPercent: 80,
  window: "5m",
} as const;

/** Support & Escalation → Contact Information: the DevOps team and the technical lead, production's on-call. */
export const SEED_ALERT_EMAILS = ["devops@cryptopulse.app", "tech-lead@cryptopulse.app"] as const;

/** Support & Escalation → Contact Information: the security team, which gets the security-event alerts. */
export const SEED_SECURITY_EMAILS = ["security@cryptopulse.app"] as const;

/** Scaling Strategy → Scaling Limits, applied to the app node pools: "Minimum Instances: 2, Maximum Instances: 10". */
export const SEED_APP_POOL_NODES = { minNodes: 2, maxNodes: 10 } as const;

/** Scaling Strategy: "Scale-down Cooldown: 10 minutes", as the cluster autoscaler's unneeded time. */
export const SEED_SCALE_DOWN_UNNEEDED_MINUTES = SEED_AUTOSCALING.scaleDownCooldownSeconds / 60;

/**
 * Database Scaling → Connection Pooling: "Min Connections: 5", "Idle Timeout:
 * 30 minutes", as PgBouncer's per-pool floor of server connections and the
 * time after which an idle server connection is closed.
 */
export const SEED_PGBOUNCER = { minPoolSize: 5, serverIdleTimeoutSeconds: 30 * 60 } as const;

/** Database Scaling → Connection Pooling: "Max Connections: 50", as the app's PgBouncer pool size. */
export const SEED_APP_POOL_SIZE = 50;

/**
 * Backend Service → Environment Variables: the non-secret part of the guide's
 * environment, given to every app service. PORT comes from each service's
 * port; DATABASE_URL, REDIS_URL and JWT_SECRET reach the pods from Kubernetes
 * Secrets, never from code.
 */
export const SEED_APP_ENV = { NODE_ENV: "production", RATE_LIMIT_MAX_REQUESTS: "1000" } as const;

/** Cloud Functions → Function Configuration: the functions' own environment (milliseconds). */
export const SEED_FUNCTIONS_ENV = { EXCHANGE_API_TIMEOUT: "10000", PAYMENT_WEBHOOK_TIMEOUT: "5000", CACHE_TTL: "300000" } as const;

/** Cloud Functions → Resource Allocation: "Timeout: 30 seconds" per call, "Concurrency: 1000 requests" for the service. */
export const SEED_FUNCTIONS = { timeoutSeconds: 30, maxConcurrentRequests: 1000 } as const;

/** Security Architecture → Application Security: "JWT tokens with 1-hour expiration". */
export const SEED_AUTH = { jwtExpiresInSeconds: 60 * 60 } as const;

/**
 * Network Architecture → Nginx rate limiting, per client IP: the `api` zone
 * (`rate=10r/s`, used with `burst=20 nodelay`) and the `auth` zone
 * (`rate=5r/s`; the guide gives it no burst, so its burst equals its rate).
 */
export const SEED_RATE_LIMITS = {
  api: { requestsPerSecond: 10, burst: 20 },
  auth: { requestsPerSecond: 5, burst: 5 },
} as const;

/**
 * Network Architecture → Security Headers (the nginx `add_header` lines) and
 * CDN Configuration → "Static assets cached for 1 year", as the edge sets them.
 */
export const SEED_EDGE = {
  hsts: { maxAgeSeconds: 31536000, includeSubdomains: true, preload: false },
  frameOptions: "SAMEORIGIN",
  staticAssetCacheSeconds: 31536000,
} as const;

/**
 * Scaling Strategy → Horizontal Scaling: "Request queue length > 100",
 * "Response time > 2 seconds", alerted on as well as scaled on. The guide
 * names error rates by endpoint without a number: 5 % of responses being 5xx
 * is our default. An HPA pinned at its maximum for 15 minutes and a
 * certificate within 14 days of expiry are the platform's own limits.
 */
export const SEED_SLO_THRESHOLDS = {
  errorRatio: 0.05,
  latencySeconds: 2,
  pendingRequests: 100,
  hpaAtMaxMinutes: 15,
  certificateExpiryDays: 14,
} as const;

/**
 * Security Architecture → Monitoring & Alerting: "Security Events: Failed
 * logins". The guide gives no number: one failed login a second for 5 minutes
 * (300 of them), with more than half of the auth requests failing, is our
 * default. The auth rate limit lets one client try 5 a second, so a single
 * attacker can cross it; a normal day's typos and expired sessions cannot.
 */
export const SEED_SECURITY_ALERTS = {
  authFailuresPerSecond: 1,
  authFailureRatio: 0.5,
} as const;

/**
 * Support & Escalation → Escalation Matrix: response time per priority and
 * whether it is answered around the clock or in business hours. Alertmanager
 * repeats a firing alert's notification once per response time, so an
 * unanswered alert comes back before its deadline has passed twice.
 */
export const SEED_ESCALATION = {
  P1: { responseHours: 1, allHours: true },
  P2: { responseHours: 4, allHours: false },
  P3: { responseHours: 24, allHours: false },
  P4: { responseHours: 72, allHours: false },
} as const;

/** Support & Escalation: "business hours", read as Monday to Friday, 09:00-18:00 in the team's time zone. */
export const SEED_BUSINESS_HOURS = {
  timezone: "Europe/Berlin",
  firstDay: "monday",
  lastDay: "friday",
  start: "09:00",
  end: "18:00",
} as const;

/**
 * Backup & Disaster Recovery: database dumps every 6 hours kept 30 days,
 * configuration snapshots daily kept 90 days, a restore test every month;
 * RTO 4 hours, RPO 1 hour (met with DigitalOcean's point-in-time recovery for
 * the recent hour, the dumps covering retention and the loss of a region).
 */
export const SEED_BACKUP = {
  dumpIntervalHours: 6,
  dumpRetentionDays: 30,
  configRetentionDays: 90,
  rtoHours: 4,
  rpoHours: 1,
} as const;
