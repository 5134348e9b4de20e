import { loadPlatformConfig } from "../config";
import { DATABASE_SIZES, databaseRamGiB, poolConnectionBudget } from "../config/data";
import { problemsOf, shippedConfig } from "./helpers";

/* eslint-disable @typescript-eslint/no-explicit-any -- invalid inputs are deliberately off-type */
type Mutation = (config: any) => void;

const KNOWN_SIZES = DATABASE_SIZES.join(", ");

describe("the shipped data configuration", () => {
  const config = loadPlatformConfig();
  const data = (name: string) => config.environments.find((environment) => environment.name === name)!.data;

  it("gives production a PostgreSQL standby, a Valkey standby and a three-member MongoDB replica set with majority writes", () => {
    const production = data("production");
    expect(production.postgres.nodeCount).toBeGreaterThanOrEqual(2);
    expect(production.valkey.nodeCount).toBe(2);
    expect(production.mongodb).toMatchObject({ nodeCount: 3, writeConcern: "majority" });
  });

  it("runs staging on single, smaller nodes", () => {
    const staging = data("staging");
    expect([staging.postgres.nodeCount, staging.valkey.nodeCount, staging.mongodb.nodeCount]).toEqual([1, 1, 1]);
    expect(databaseRamGiB(staging.postgres.size)).toBeLessThan(databaseRamGiB(data("production").postgres.size));
  });

  it("carries the guide's pooling numbers: pool size 50, PgBouncer floor 5, idle timeout 30 minutes", () => {
    const { postgres } = data("production");
    expect(postgres.pools).toEqual([{ name: "app", size: 50 }]);
    expect(postgres.pgbouncer).toEqual({ minPoolSize: 5, serverIdleTimeoutSeconds: 1800 });
    expect(data("staging").postgres.pgbouncer).toEqual(postgres.pgbouncer);
  });

  it("pins the engines' major versions", () => {
    for (const name of ["production", "staging"]) {
      const { postgres, valkey, mongodb } = data(name);
      expect([postgres.version, valkey.version, mongodb.version]).toEqual(["17", "8", "8"]);
    }
  });
});

describe("connection budget", () => {
  it("is 25 backend connections per GiB of RAM minus 3 reserved", () => {
    expect(poolConnectionBudget("db-s-1vcpu-1gb")).toBe(22);
    expect(poolConnectionBudget("db-s-2vcpu-4gb")).toBe(97);
    expect(poolConnectionBudget("gd-2vcpu-8gb")).toBe(197);
  });

  it("reads the RAM from the size slug and refuses unknown ones", () => {
    expect(databaseRamGiB("m-32vcpu-256gb")).toBe(256);
    expect(() => databaseRamGiB("db-s-3vcpu-6gb")).toThrow("unknown database size db-s-3vcpu-6gb");
  });

  it("accepts pools that use exactly the plan's budget", () => {
    const input: any = shippedConfig();
    input.environments.staging.data.postgres.pools = [
      { name: "app", size: 40 },
      { name: "jobs", size: 7 },
    ];
    expect(() => loadPlatformConfig(input)).not.toThrow();
  });
});

describe("data configuration validation", () => {
  const P = "environments.production.data";
  const S = "environments.staging.data";
  const cases: [string, Mutation, string][] = [
    [
      "pool sizes beyond the plan's backend connections",
      (c) => c.environments.production.data.postgres.pools.push({ name: "reports", size: 48 }),
      `${P}.postgres.pools = [2 items]: pool sizes sum to 98, more than the 97 backend connections of db-s-2vcpu-4gb (25 per GiB × 4 GiB − 3 reserved)`,
    ],
    [
      "the guide's 50-connection pool on a 2 GiB plan",
      (c) => (c.environments.staging.data.postgres.pools[0].size = 50),
      `${S}.postgres.pools = [1 item]: pool sizes sum to 50, more than the 47 backend connections of db-s-1vcpu-2gb (25 per GiB × 2 GiB − 3 reserved)`,
    ],
    [
      "a PostgreSQL standby on the smallest plan",
      (c) => Object.assign(c.environments.staging.data.postgres, { size: "db-s-1vcpu-1gb", nodeCount: 2 }),
      `${S}.postgres.nodeCount = 2: a standby needs a plan with at least 2 GiB of RAM; db-s-1vcpu-1gb has 1 GiB (use nodeCount 1 or a larger size)`,
    ],
    [
      "a Valkey standby on the smallest plan",
      (c) => (c.environments.staging.data.valkey.nodeCount = 2),
      `${S}.valkey.nodeCount = 2: a standby needs a plan with at least 2 GiB of RAM; db-s-1vcpu-1gb has 1 GiB (use nodeCount 1 or a larger size)`,
    ],
    [
      "a MongoDB replica set on the smallest plan",
      (c) => (c.environments.staging.data.mongodb.nodeCount = 3),
      `${S}.mongodb.nodeCount = 3: a standby needs a plan with at least 2 GiB of RAM; db-s-1vcpu-1gb has 1 GiB (use nodeCount 1 or a larger size)`,
    ],
    [
      "more than three PostgreSQL nodes",
      (c) => (c.environments.production.data.postgres.nodeCount = 4),
      `${P}.postgres.nodeCount = 4: at most 3 nodes: a primary and two standbys is DigitalOcean's limit`,
    ],
    [
      "no PostgreSQL node",
      (c) => (c.environments.production.data.postgres.nodeCount = 0),
      `${P}.postgres.nodeCount = 0: at least 1 node (the primary)`,
    ],
    [
      "more than two Valkey nodes",
      (c) => (c.environments.production.data.valkey.nodeCount = 3),
      `${P}.valkey.nodeCount = 3: at most 2 nodes: DigitalOcean's caching clusters take one standby at most`,
    ],
    [
      "more than three MongoDB nodes",
      (c) => (c.environments.production.data.mongodb.nodeCount = 5),
      `${P}.mongodb.nodeCount = 5: at most 3 nodes: a replica set of a primary and two secondaries is DigitalOcean's limit`,
    ],
    [
      "an unknown plan",
      (c) => (c.environments.production.data.postgres.size = "db-s-2vcpu-3gb"),
      `${P}.postgres.size = "db-s-2vcpu-3gb": unknown database size; known: ${KNOWN_SIZES}`,
    ],
    [
      "a droplet size instead of a database plan for a replica",
      (c) => (c.environments.production.data.postgres.replicas.analytics = "s-2vcpu-4gb"),
      `${P}.postgres.replicas.analytics = "s-2vcpu-4gb": unknown database size; known: ${KNOWN_SIZES}`,
    ],
    [
      "a PostgreSQL version with a minor",
      (c) => (c.environments.production.data.postgres.version = "17.2"),
      `${P}.postgres.version = "17.2": a PostgreSQL major DigitalOcean offers: 14, 15, 16 or 17`,
    ],
    [
      "a Redis version for Valkey",
      (c) => (c.environments.production.data.valkey.version = "7"),
      `${P}.valkey.version = "7": Valkey "8" (DigitalOcean's only Valkey major)`,
    ],
    [
      "a PgBouncer floor above the smallest pool",
      (c) => (c.environments.staging.data.postgres.pgbouncer.minPoolSize = 25),
      `${S}.postgres.pgbouncer.minPoolSize = 25: must not exceed the smallest pool's size (20, pool "app")`,
    ],
    [
      "an idle timeout beyond a day",
      (c) => (c.environments.production.data.postgres.pgbouncer.serverIdleTimeoutSeconds = 100000),
      `${P}.postgres.pgbouncer.serverIdleTimeoutSeconds = 100000: at most 86400 s (one day)`,
    ],
    [
      "two pools of one name",
      (c) => c.environments.production.data.postgres.pools.push({ name: "app", size: 10 }),
      `${P}.postgres.pools[1].name = "app": duplicate pool name`,
    ],
    [
      "a pool name DigitalOcean rejects",
      (c) => (c.environments.production.data.postgres.pools[0].name = "ap"),
      `${P}.postgres.pools[0].name = "ap": 3-63 lowercase letters, digits or dashes`,
    ],
    [
      "no pool",
      (c) => (c.environments.production.data.postgres.pools = []),
      `${P}.postgres.pools = [0 items]: at least one pool: the app connects through PgBouncer`,
    ],
    [
      "the admin role as the app's role",
      (c) => (c.environments.production.data.postgres.user = "doadmin"),
      `${P}.postgres.user = "doadmin": doadmin is DigitalOcean's admin role; the app gets its own`,
    ],
    [
      "the default database as the app's database",
      (c) => (c.environments.production.data.postgres.database = "defaultdb"),
      `${P}.postgres.database = "defaultdb": defaultdb is DigitalOcean's default database; the app gets its own`,
    ],
    [
      "a role name that needs quoting",
      (c) => (c.environments.production.data.postgres.user = "Crypto-App"),
      `${P}.postgres.user = "Crypto-App": a PostgreSQL name: 1-63 lowercase letters, digits or _, not starting with a digit`,
    ],
    [
      "a numeric write concern above the replica set's size",
      (c) => (c.environments.production.data.mongodb.writeConcern = 4),
      `${P}.mongodb.writeConcern = 4: must not exceed the replica set's 3 member(s) (nodeCount), or no write is ever acknowledged`,
    ],
    [
      "an unknown write concern",
      (c) => (c.environments.production.data.mongodb.writeConcern = "all"),
      `${P}.mongodb.writeConcern = "all": the default write concern: "majority" or a number of members`,
    ],
    [
      "a maintenance hour that is no time of day",
      (c) => (c.environments.production.data.valkey.maintenanceWindow.hour = "25:00"),
      `${P}.valkey.maintenanceWindow.hour = "25:00": a UTC time of day such as "02:00"`,
    ],
    [
      "a capitalized maintenance day",
      (c) => (c.environments.production.data.mongodb.maintenanceWindow.day = "Sunday"),
      `${P}.mongodb.maintenanceWindow.day = "Sunday": Invalid option: expected one of "monday"|"tuesday"|"wednesday"|"thursday"|"friday"|"saturday"|"sunday"`,
    ],
    [
      "a replica under a name that is no purpose",
      (c) => (c.environments.production.data.postgres.replicas.archive = "db-s-2vcpu-4gb"),
      `${P}.postgres.replicas.archive = "db-s-2vcpu-4gb": not a replica purpose: the purposes are analytics, reporting, one replica each`,
    ],
    [
      "a purpose without its replica",
      (c) => delete c.environments.staging.data.postgres.replicas.analytics,
      `${S}.postgres.replicas.analytics = (missing): no replica for analytics: the backend reads its analytics queries from ANALYTICS_DATABASE_URL`,
    ],
    [
      "a misspelled field",
      (c) => (c.environments.production.data.postgres.replica = c.environments.production.data.postgres.replicas),
      `${P}.postgres.replica = {analytics, reporting}: unknown field (check its spelling)`,
    ],
    [
      "a missing data section",
      (c) => delete c.environments.production.data,
      `${P} = (missing): Invalid input: expected object, received undefined`,
    ],
    [
      "production PostgreSQL without a standby",
      (c) => (c.environments.production.data.postgres.nodeCount = 1),
      "environments.production.data.postgres.nodeCount = 1: production needs at least 2 nodes here (a primary and a standby)",
    ],
    [
      "production MongoDB below a full replica set",
      (c) => (c.environments.production.data.mongodb.nodeCount = 2),
      "environments.production.data.mongodb.nodeCount = 2: production needs at least 3 nodes here (a replica set)",
    ],
  ];

  it.each(cases)("rejects %s with a line naming the field, the value and the limit", (_name, mutate, expected) => {
    const input = shippedConfig();
    mutate(input);
    expect(problemsOf(() => loadPlatformConfig(input))).toContain(expected);
  });

  it("checks the connection budget even when another field of the section is malformed", () => {
    const input: any = shippedConfig();
    input.environments.production.data.postgres.version = "latest";
    input.environments.production.data.postgres.pools[0].size = 120;
    const problems = problemsOf(() => loadPlatformConfig(input));
    expect(problems).toHaveLength(2);
    expect(problems).toContain(`${P}.postgres.version = "latest": a PostgreSQL major DigitalOcean offers: 14, 15, 16 or 17`);
    expect(problems.some((line) => line.startsWith(`${P}.postgres.pools = [1 item]: pool sizes sum to 120`))).toBe(true);
  });
});
