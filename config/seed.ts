/**
 * Numbers taken from the CryptoPulse operator's guide (the "seed"). They are the
 * defaults every environment starts from; an environment file overrides one by
 * spreading these objects, so a reader always sees where a number came from.
 */

/** Service Configuration: ports, CPU and memory per service. */
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

/** Support & Escalation → Contact Information. */
export const SEED_ALERT_EMAILS = ["devops@cryptopulse.app", "tech-lead@cryptopulse.app"] as const;

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

/** Cloud Functions → Resource Allocation: "Timeout: 30 seconds" per call. */
export const SEED_FUNCTIONS_TIMEOUT_SECONDS = 30;

/**
 * Network Architecture → Nginx rate limiting, per client IP: the `api` zone
 * (`rate=10r/s`, used with `burst=20 nodelay`) and the `auth` zone
 * (`rate=5r/s`; the guide gives it no burst, so its burst equals its rate).
 */
export const SEED_RATE_LIMITS = {
  api: { requestsPerSecond: 10, burst: 20 },
  auth: { requestsPerSecond: 5, burst: 5 },
} as const;
