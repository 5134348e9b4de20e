import { z } from "zod";

/**
 * The `data` section of an environment: the managed PostgreSQL, Valkey and
 * MongoDB clusters of its primary region. Shapes are checked field by field;
 * the rules that relate fields (connection budget, standby on a small plan,
 * write concern vs members) run even when other fields are malformed, so they
 * read the raw input and skip values whose own rule already failed.
 */

/**
 * DigitalOcean's managed-database plans (`doctl databases options slugs`):
 * basic, general purpose and memory optimized. The RAM is read from the slug.
 */
export const DATABASE_SIZES = [
  "db-s-1vcpu-1gb",
  "db-s-1vcpu-2gb",
  "db-s-2vcpu-4gb",
  "db-s-4vcpu-8gb",
  "db-s-6vcpu-16gb",
  "db-s-8vcpu-32gb",
  "db-s-16vcpu-64gb",
  "gd-2vcpu-8gb",
  "gd-4vcpu-16gb",
  "gd-8vcpu-32gb",
  "gd-16vcpu-64gb",
  "gd-32vcpu-128gb",
  "gd-40vcpu-160gb",
  "m-2vcpu-16gb",
  "m-4vcpu-32gb",
  "m-8vcpu-64gb",
  "m-16vcpu-128gb",
  "m-24vcpu-192gb",
  "m-32vcpu-256gb",
] as const;

/** DigitalOcean gives PostgreSQL 25 backend connections per GiB of RAM and keeps 3 for maintenance. */
const CONNECTIONS_PER_GIB = 25;
const RESERVED_CONNECTIONS = 3;
/** Replication needs memory: DigitalOcean offers standby nodes only on plans with at least 2 GiB. */
const MIN_STANDBY_RAM_GIB = 2;

function isDatabaseSize(slug: string): boolean {
  return (DATABASE_SIZES as readonly string[]).includes(slug);
}

/** RAM of a known plan, e.g. db-s-2vcpu-4gb → 4. */
export function databaseRamGiB(slug: string): number {
  const match = /-(\d+)gb$/.exec(slug);
  if (!isDatabaseSize(slug) || !match) throw new Error(`unknown database size ${slug}`);
  return Number(match[1]);
}

/** Backend connections a PostgreSQL plan offers to connection pools. */
export function poolConnectionBudget(slug: string): number {
  return CONNECTIONS_PER_GIB * databaseRamGiB(slug) - RESERVED_CONNECTIONS;
}

const always = { when: () => true } as const;

const databaseSize = z.string().refine(isDatabaseSize, { message: `unknown database size; known: ${DATABASE_SIZES.join(", ")}` });

/** The primary plus standbys, up to the engine's limit. */
const nodeCount = (max: number, why: string) =>
  z.int().min(1, "at least 1 node (the primary)").max(max, `at most ${max} nodes: ${why}`);

const maintenanceWindow = z.strictObject({
  day: z.enum(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]),
  hour: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a UTC time of day such as "02:00"'),
});

/**
 * The guide's read replicas by purpose (Database Scaling → Read Replicas: "Replica 1: Analytics
 * queries", "Replica 2: Reporting queries"), each with the variable its connection reaches the app
 * under. A replica is configured under its purpose, so one purpose has one replica.
 */
export const REPLICA_PURPOSES = {
  analytics: "ANALYTICS_DATABASE_URL",
  reporting: "REPORTING_DATABASE_URL",
} as const;
export type ReplicaPurpose = keyof typeof REPLICA_PURPOSES;
const PURPOSES = Object.keys(REPLICA_PURPOSES) as ReplicaPurpose[];

/** Plans of the read replicas by purpose: every purpose has one, and nothing else is a purpose. */
const replicasSchema = z
  .record(z.string(), databaseSize)
  .superRefine((replicas: unknown, ctx) => {
    if (!isRecord(replicas)) return; // reported as not an object
    for (const key of Object.keys(replicas)) {
      if (!Object.hasOwn(REPLICA_PURPOSES, key)) {
        ctx.addIssue({ code: "custom", path: [key], message: `not a replica purpose: the purposes are ${PURPOSES.join(", ")}, one replica each` });
      }
    }
    for (const purpose of PURPOSES) {
      if (!Object.hasOwn(replicas, purpose)) {
        ctx.addIssue({ code: "custom", path: [purpose], message: `no replica for ${purpose}: the backend reads its ${purpose} queries from ${REPLICA_PURPOSES[purpose]}` });
      }
    }
  }, always)
  .transform((replicas) => replicas as Record<ReplicaPurpose, string>);

/** Unquoted PostgreSQL identifiers, so SQL, URIs and grants never need quoting. */
const pgIdentifier = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "a PostgreSQL name: 1-63 lowercase letters, digits or _, not starting with a digit");

/** Plan and placement shared by the three engines. */
const clusterShape = {
  size: databaseSize,
  /** Weekly window (UTC) for DigitalOcean's updates; staggered per engine so they never restart together. */
  maintenanceWindow,
};

const postgresSchema = z.strictObject({
  ...clusterShape,
  /** PostgreSQL major; changing it runs DigitalOcean's in-place major upgrade. */
  version: z.enum(["14", "15", "16", "17"], { message: "a PostgreSQL major DigitalOcean offers: 14, 15, 16 or 17" }),
  nodeCount: nodeCount(3, "a primary and two standbys is DigitalOcean's limit"),
  /** The application's database and login role (DigitalOcean's defaultdb and doadmin stay unused by the app). */
  database: pgIdentifier.refine((name) => name !== "defaultdb", "defaultdb is DigitalOcean's default database; the app gets its own"),
  user: pgIdentifier.refine((name) => name !== "doadmin", "doadmin is DigitalOcean's admin role; the app gets its own"),
  /** Read-only nodes (the guide's Replica 1 and 2): their plans by purpose. */
  replicas: replicasSchema,
  /** PgBouncer pools of the app database, all in transaction mode. Their sizes share the plan's backend connections. */
  pools: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z][a-z0-9-]{2,62}$/, "3-63 lowercase letters, digits or dashes"),
        size: z.int().min(1, "at least 1 backend connection"),
      }),
    )
    .min(1, "at least one pool: the app connects through PgBouncer"),
  pgbouncer: z.strictObject({
    /** Server connections PgBouncer keeps open per pool even when idle. */
    minPoolSize: z.int().min(0, "must not be negative"),
    /** Idle server connections are closed after this long. */
    serverIdleTimeoutSeconds: z.int().min(0, "must not be negative (0 disables the timeout)").max(86400, "at most 86400 s (one day)"),
  }),
});

const valkeySchema = z.strictObject({
  ...clusterShape,
  version: z.enum(["8"], { message: 'Valkey "8" (DigitalOcean\'s only Valkey major)' }),
  nodeCount: nodeCount(2, "DigitalOcean's caching clusters take one standby at most"),
});

const mongodbSchema = z.strictObject({
  ...clusterShape,
  version: z.enum(["6", "7", "8"], { message: "a MongoDB major DigitalOcean offers: 6, 7 or 8" }),
  nodeCount: nodeCount(3, "a replica set of a primary and two secondaries is DigitalOcean's limit"),
  /** Default write concern: "majority", or how many members must acknowledge a write. */
  writeConcern: z.union([z.literal("majority"), z.int().min(1, "at least 1 member")], {
    message: 'the default write concern: "majority" or a number of members',
  }),
});

export const dataSchema = z
  .strictObject({
    postgres: postgresSchema,
    valkey: valkeySchema,
    mongodb: mongodbSchema,
  })
  .superRefine((data, ctx) => checkData(data, ctx), always);

export type DataConfig = z.output<typeof dataSchema>;
export type PostgresConfig = DataConfig["postgres"];
export type ValkeyConfig = DataConfig["valkey"];
export type MongodbConfig = DataConfig["mongodb"];
export type MaintenanceWindowConfig = z.output<typeof maintenanceWindow>;

type Ctx = z.RefinementCtx;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function checkData(data: unknown, ctx: Ctx): void {
  if (!isRecord(data)) return; // the section itself is reported missing or malformed
  for (const engine of ["postgres", "valkey", "mongodb"] as const) checkStandbyPlan(data[engine], engine, ctx);
  checkPools(data.postgres, ctx);
  checkWriteConcern(data.mongodb, ctx);
}

/** RAM of `size` when it is a known plan; undefined lets the size's own rule report it. */
function knownRamGiB(size: unknown): number | undefined {
  return typeof size === "string" && isDatabaseSize(size) ? databaseRamGiB(size) : undefined;
}

function checkStandbyPlan(cluster: unknown, engine: string, ctx: Ctx): void {
  if (!isRecord(cluster) || typeof cluster.nodeCount !== "number" || cluster.nodeCount < 2) return;
  const ram = knownRamGiB(cluster.size);
  if (ram !== undefined && ram < MIN_STANDBY_RAM_GIB) {
    ctx.addIssue({
      code: "custom",
      path: [engine, "nodeCount"],
      message: `a standby needs a plan with at least ${MIN_STANDBY_RAM_GIB} GiB of RAM; ${String(cluster.size)} has ${ram} GiB (use nodeCount 1 or a larger size)`,
    });
  }
}

/** The pools share the plan's backend connections; PgBouncer's floor cannot exceed a pool. */
function checkPools(postgres: unknown, ctx: Ctx): void {
  if (!isRecord(postgres) || !Array.isArray(postgres.pools)) return;
  const pools = postgres.pools.filter(
    (pool: unknown): pool is { name: string; size: number } => isRecord(pool) && typeof pool.name === "string" && typeof pool.size === "number",
  );
  const seen = new Set<string>();
  postgres.pools.forEach((pool: unknown, index) => {
    if (!isRecord(pool) || typeof pool.name !== "string") return;
    if (seen.has(pool.name)) ctx.addIssue({ code: "custom", path: ["postgres", "pools", index, "name"], message: "duplicate pool name" });
    seen.add(pool.name);
  });

  const ram = knownRamGiB(postgres.size);
  const total = pools.reduce((sum, pool) => sum + pool.size, 0);
  if (ram !== undefined && total > poolConnectionBudget(String(postgres.size))) {
    ctx.addIssue({
      code: "custom",
      path: ["postgres", "pools"],
      message:
        `pool sizes sum to ${total}, more than the ${poolConnectionBudget(String(postgres.size))} backend connections of ${String(postgres.size)} ` +
        `(${CONNECTIONS_PER_GIB} per GiB × ${ram} GiB − ${RESERVED_CONNECTIONS} reserved)`,
    });
  }

  const pgbouncer = postgres.pgbouncer;
  if (!isRecord(pgbouncer) || typeof pgbouncer.minPoolSize !== "number" || pools.length === 0) return;
  const smallest = pools.reduce((min, pool) => (pool.size < min.size ? pool : min));
  if (pgbouncer.minPoolSize > smallest.size) {
    ctx.addIssue({
      code: "custom",
      path: ["postgres", "pgbouncer", "minPoolSize"],
      message: `must not exceed the smallest pool's size (${smallest.size}, pool "${smallest.name}")`,
    });
  }
}

/** A numeric write concern above the member count would never be acknowledged. */
function checkWriteConcern(mongodb: unknown, ctx: Ctx): void {
  if (!isRecord(mongodb) || typeof mongodb.writeConcern !== "number" || typeof mongodb.nodeCount !== "number") return;
  if (mongodb.writeConcern > mongodb.nodeCount) {
    ctx.addIssue({
      code: "custom",
      path: ["mongodb", "writeConcern"],
      message: `must not exceed the replica set's ${mongodb.nodeCount} member(s) (nodeCount), or no write is ever acknowledged`,
    });
  }
}
