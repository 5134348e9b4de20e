import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { ConfigError } from "../config";
import { DOKS_RELEASES_READ_ON } from "../config/doks-releases";
import { GuardrailError, reportFileName } from "../guardrails";
import { synthesizePlatform } from "../stacks/platform-app";
import { problemsOf, shippedConfig } from "./helpers";

/**
 * A seeded corpus of mutated configurations (and a few runtime settings), each
 * run through synthesizePlatform, the path `cdktf synth` takes. Every case must
 * either synthesize valid stacks or be refused with one-line errors, and a
 * refused case must leave nothing that looks like synthesized stacks.
 */

const SEED = 20251127;
const CORPUS_SIZE = 240;

/** mulberry32: a small, fast, seedable generator; the corpus is the same on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Key = string | number;
type Tree = Record<Key, unknown>;
interface Node {
  readonly path: readonly Key[];
  readonly value: unknown;
}

interface Case {
  readonly name: string;
  readonly config: unknown;
  readonly env: NodeJS.ProcessEnv;
}

const isTree = (value: unknown): value is Tree => typeof value === "object" && value !== null;

function nodesOf(value: unknown, path: readonly Key[] = []): Node[] {
  const children = Array.isArray(value) ? value.map((item, index) => nodesOf(item, [...path, index])) : isTree(value) ? Object.entries(value).map(([key, item]) => nodesOf(item, [...path, key])) : [];
  return [{ path, value }, ...children.flat()];
}

function parentOf(tree: unknown, path: readonly Key[]): Tree {
  return path.slice(0, -1).reduce<Tree>((node, key) => node[key] as Tree, tree as Tree);
}

function setAt(tree: unknown, path: readonly Key[], value: unknown): void {
  parentOf(tree, path)[path[path.length - 1]] = value;
}

function deleteAt(tree: unknown, path: readonly Key[]): void {
  const parent = parentOf(tree, path);
  const key = path[path.length - 1];
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key];
}

const show = (path: readonly Key[]) => path.join(".");

/** Values of another type than `value`. */
function wrongTypes(value: unknown): unknown[] {
  switch (typeof value) {
    case "number":
      return [String(value), true, null, [value], { value }];
    case "string":
      return [42, false, null, [value], {}];
    case "boolean":
      return ["true", 1, null];
    default:
      return Array.isArray(value) ? [{}, "list", 0, null] : [[], "object", 7, null];
  }
}

const OUT_OF_RANGE = [-1, 0, 0.5, 1e9, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, -80, 65536, 101, 3601];
const BAD_REGIONS = ["fra9", "FRA1", "", "us-east-1", "ams2", " fra1"];
const BAD_SIZES = ["s-99vcpu-1gb", "db-s-huge", "", "S-4VCPU-8GB", "db-s-1vcpu-1gb ", "c-2"];

/** Mutations that relate fields: each breaks a cross-field rule of the schema or a guardrail. */
const CONFLICTS: readonly (readonly [string, (config: Tree) => void])[] = [
  ["two primary regions", (c) => setAt(c, ["environments", "production", "regions", 1, "role"], "primary")],
  ["no primary region", (c) => setAt(c, ["environments", "production", "regions", 0, "role"], "dr")],
  ["a region listed twice", (c) => setAt(c, ["environments", "production", "regions", 1, "slug"], "fra1")],
  ["production without a DR region", (c) => deleteAt(c, ["environments", "production", "regions", 1])],
  ["VPC ranges overlapping across environments", (c) => setAt(c, ["environments", "staging", "regions", 0, "vpcCidr"], "10.20.0.0/16")],
  ["a VPC inside DOKS' reserved range", (c) => setAt(c, ["environments", "staging", "regions", 0, "vpcCidr"], "10.244.0.0/16")],
  ["a public VPC range", (c) => setAt(c, ["environments", "staging", "regions", 0, "vpcCidr"], "8.8.0.0/16")],
  ["VPC with host bits set", (c) => setAt(c, ["environments", "staging", "regions", 0, "vpcCidr"], "10.30.0.1/16")],
  ["replicas min above max", (c) => setAt(c, ["environments", "staging", "services", "backend", "replicas"], { min: 5, max: 2 })],
  ["two services on one port", (c) => setAt(c, ["environments", "production", "services", "functions", "port"], 3000)],
  ["health check timeout not below its interval", (c) => setAt(c, ["environments", "staging", "healthCheck", "timeoutSeconds"], 30)],
  ["registry owned by an unknown environment", (c) => setAt(c, ["registry", "ownerEnvironment"], "prod")],
  ["apex outside the zone", (c) => setAt(c, ["environments", "staging", "domain", "apex"], "cryptopulse.com")],
  ["minNodes above maxNodes", (c) => setAt(c, ["environments", "production", "cluster", "systemPool", "nodes"], { minNodes: 5, maxNodes: 2 })],
  ["two pools with one name", (c) => setAt(c, ["environments", "production", "cluster", "appPools", 0, "name"], "system")],
  ["an app pool too small for the services", (c) => setAt(c, ["environments", "production", "cluster", "appPools", 0, "size"], "s-2vcpu-4gb")],
  ["no app pool", (c) => setAt(c, ["environments", "production", "cluster", "appPools"], [])],
  ["no admin CIDR", (c) => setAt(c, ["environments", "production", "cluster", "adminCidrs"], [])],
  ["a pinned DOKS version instead of a minor", (c) => setAt(c, ["environments", "production", "cluster", "versionPrefix"], "1.35.1-do.0")],
  ["production with a single control plane", (c) => setAt(c, ["environments", "production", "cluster", "highAvailability"], false)],
  ["staging with an HA control plane", (c) => setAt(c, ["environments", "staging", "cluster", "highAvailability"], true)],
  ["an environment name that is not a DNS label", (c) => {
    const environments = c.environments as Tree;
    environments["Prod!"] = environments.production;
    delete environments.production;
  }],
  ["no environment at all", (c) => setAt(c, ["environments"], {})],
  ["a Slack webhook URL in place of its variable name", (c) =>
    setAt(c, ["environments", "staging", "alerts", "slack", 0, "webhookUrlVariable"], "https://hooks.slack.com/services/T000/B000/XXXX")],
  ["the JWT secret on the Slack webhook's variable", (c) => setAt(c, ["environments", "staging", "platform", "secrets", "jwtSecretVariable"], "alerts_slack_webhook_url")],
  ["two Slack channels on one webhook variable", (c) =>
    setAt(c, ["environments", "production", "alerts", "slack", 1], { channel: "#cryptopulse-oncall", webhookUrlVariable: "alerts_slack_webhook_url" })],
  ["a standby on a 1 GiB database plan", (c) => setAt(c, ["environments", "staging", "data", "valkey", "nodeCount"], 2)],
  ["PgBouncer pools above the plan's connections", (c) => setAt(c, ["environments", "staging", "data", "postgres", "pools", 0, "size"], 500)],
  ["PgBouncer floor above the smallest pool", (c) => setAt(c, ["environments", "staging", "data", "postgres", "pgbouncer", "minPoolSize"], 50)],
  ["a write concern above the replica set", (c) => setAt(c, ["environments", "staging", "data", "mongodb", "writeConcern"], 3)],
  ["the app database named defaultdb", (c) => setAt(c, ["environments", "staging", "data", "postgres", "database"], "defaultdb")],
];

/** Runtime settings that conflict with each other or name unknown things. */
const BAD_ENVIRONMENTS: readonly NodeJS.ProcessEnv[] = [
  { CRYPTOPULSE_STATE_BACKEND: "s3" },
  { CRYPTOPULSE_STATE_BACKEND: "s3", CRYPTOPULSE_STATE_BUCKET: "cryptopulse-state", CRYPTOPULSE_STATE_REGION: "fra9" },
  { CRYPTOPULSE_STATE_BACKEND: "cloud" },
  { CRYPTOPULSE_STATE_BACKEND: "gcs" },
  { CRYPTOPULSE_ENVIRONMENTS: "production,prod" },
  { CRYPTOPULSE_STATE_BACKEND: "cloud", CRYPTOPULSE_TFC_ORGANIZATION: "crypto pulse" },
];

/** The fields of a kind, found by their key, so the corpus follows the configuration as it grows. */
function fieldsNamed(nodes: readonly Node[], pattern: RegExp, test: (value: unknown) => boolean = (value) => typeof value === "string"): Node[] {
  return nodes.filter((node) => node.path.length > 0 && pattern.test(String(node.path[node.path.length - 1])) && test(node.value));
}

function buildCorpus(): Case[] {
  const random = seededRandom(SEED);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const nodes = nodesOf(shippedConfig());
  const leaves = nodes.filter((node) => node.path.length > 0 && !isTree(node.value));
  const numbers = leaves.filter((node) => typeof node.value === "number");
  const booleans = leaves.filter((node) => typeof node.value === "boolean");
  const objects = nodes.filter((node) => isTree(node.value) && !Array.isArray(node.value));
  const removable = nodes.filter((node) => node.path.length > 0);
  const regions = fieldsNamed(nodes, /^(slug|region)$/);
  const sizes = [...fieldsNamed(nodes, /^size$/), ...fieldsNamed(nodes, /^(analytics|reporting)$/)];

  const families: readonly (() => [string, (config: Tree) => void])[] = [
    () => {
      const node = pick(leaves);
      const value = pick(wrongTypes(node.value));
      return [`wrong type: ${show(node.path)} = ${JSON.stringify(value)}`, (c) => setAt(c, node.path, value)];
    },
    () => {
      const node = pick(numbers);
      const value = pick(OUT_OF_RANGE);
      return [`out of range: ${show(node.path)} = ${value}`, (c) => setAt(c, node.path, value)];
    },
    () => {
      // Often still valid: keeps the success path (and the guardrails on it) in the corpus.
      const node = pick(numbers);
      const value = (node.value as number) + (random() < 0.5 ? 1 : -1);
      return [`nearby number: ${show(node.path)} = ${value}`, (c) => setAt(c, node.path, value)];
    },
    () => {
      const node = pick(booleans);
      return [`flipped: ${show(node.path)} = ${!node.value}`, (c) => setAt(c, node.path, !node.value)];
    },
    () => {
      const node = pick(regions);
      const value = pick(BAD_REGIONS);
      return [`unknown region: ${show(node.path)} = ${JSON.stringify(value)}`, (c) => setAt(c, node.path, value)];
    },
    () => {
      const node = pick(sizes);
      const value = pick(BAD_SIZES);
      return [`unknown size: ${show(node.path)} = ${JSON.stringify(value)}`, (c) => setAt(c, node.path, value)];
    },
    () => {
      const node = pick(removable);
      return [`missing: ${show(node.path)}`, (c) => deleteAt(c, node.path)];
    },
    () => {
      const node = pick(objects);
      return [`unknown field: ${show([...node.path, "replicaCount"])}`, (c) => setAt(c, [...node.path, "replicaCount"], 3)];
    },
    () => {
      const [name, apply] = pick(CONFLICTS);
      return [`conflict: ${name}`, apply];
    },
  ];

  const cases: Case[] = [
    { name: "the shipped configuration", config: shippedConfig(), env: {} },
    ...CONFLICTS.map(([name, apply]) => {
      const config = shippedConfig() as unknown as Tree;
      apply(config);
      return { name: `conflict: ${name}`, config, env: {} };
    }),
    ...BAD_ENVIRONMENTS.map((env) => ({ name: `runtime settings: ${JSON.stringify(env)}`, config: shippedConfig(), env })),
  ];
  const seen = new Set(cases.map((entry) => entry.name));
  while (cases.length < CORPUS_SIZE) {
    // One to three mutations at once: later ones may hit what earlier ones changed or removed.
    const mutations = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(families)());
    const name = mutations.map(([description]) => description).join(" + ");
    if (seen.has(name)) continue;
    seen.add(name);
    const config = shippedConfig() as unknown as Tree;
    for (const [, apply] of mutations) {
      try {
        apply(config);
      } catch {
        // The path vanished under an earlier mutation: the case keeps what applied.
      }
    }
    cases.push({ name, config, env: {} });
  }
  return cases;
}

type Outcome = { kind: "synthesized" } | { kind: "refused"; error: ConfigError | GuardrailError } | { kind: "crashed"; error: unknown };

function run(entry: Case, outdir: string): Outcome {
  try {
    synthesizePlatform({ config: entry.config, env: entry.env, outdir });
    return { kind: "synthesized" };
  } catch (error) {
    if (error instanceof ConfigError || error instanceof GuardrailError) return { kind: "refused", error };
    return { kind: "crashed", error };
  }
}

/** `<path> = <value>: <rule>` (configuration, runtime settings). */
const FIELD_ERROR = /^[^\s=]+ = .+: .+$/;
/** `rule id — stack/construct path — reason — fix` (guardrails). */
const FINDING = /^CP-[A-Z0-9]+-\d{3} — \S+ — .+ — .+$/;

/** What is wrong with a case's outcome, or nothing. */
function verdict(outcome: Outcome, outdir: string): string[] {
  if (outcome.kind === "crashed") {
    const error = outcome.error as Error;
    return [`crashed instead of refusing: ${error?.name}: ${error?.message?.split("\n")[0]}`];
  }
  const problems: string[] = [];
  const stacksDir = path.join(outdir, "stacks");
  if (outcome.kind === "refused") {
    const { error } = outcome;
    const format = error instanceof ConfigError ? FIELD_ERROR : FINDING;
    for (const line of error.problems) if (!format.test(line)) problems.push(`not a one-line ${error.name} problem: ${JSON.stringify(line)}`);
    if (error.problems.length === 0) problems.push("refused without a problem line");
    if (/\n\s+at /.test(error.message)) problems.push("message carries a stack trace");
    if (existsSync(path.join(outdir, "manifest.json"))) problems.push("left a manifest.json behind");
    if (existsSync(stacksDir) && readdirSync(stacksDir).length > 0) problems.push(`left stacks behind: ${readdirSync(stacksDir).join(", ")}`);
    return problems;
  }
  const manifest = JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
  const stacks = Object.entries(manifest.stacks);
  if (stacks.length === 0) problems.push("synthesized no stack");
  for (const [name, stack] of stacks) {
    const json = JSON.parse(readFileSync(path.join(outdir, stack.synthesizedStackPath), "utf8")) as Record<string, unknown>;
    if (!json.resource && !json.data) problems.push(`${name} is empty`);
    const report = JSON.parse(readFileSync(path.join(outdir, reportFileName(name)), "utf8")) as { passed: boolean };
    if (!report.passed) problems.push(`${name} synthesized with a failing guardrail report`);
  }
  return problems;
}

describe("bad-input corpus", () => {
  const corpus = buildCorpus();
  const base = mkdtempSync(path.join(tmpdir(), "cryptopulse-corpus-"));
  const outcomes = corpus.map((entry, index) => {
    const outdir = path.join(base, String(index));
    const outcome = run(entry, outdir);
    return { entry, outcome, problems: verdict(outcome, outdir) };
  });

  it(`holds at least 200 distinct, reproducible cases (seed ${SEED})`, () => {
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    expect(new Set(corpus.map((entry) => entry.name)).size).toBe(corpus.length);
    expect(buildCorpus().map((entry) => entry.name)).toEqual(corpus.map((entry) => entry.name));
  });

  it("either synthesizes valid stacks or refuses with one-line errors, leaving no stacks behind", () => {
    const bad = outcomes.filter(({ problems }) => problems.length > 0).map(({ entry, problems }) => `${entry.name}: ${problems.join("; ")}`);
    expect(bad).toEqual([]);
  });

  it("synthesizes the shipped configuration and refuses every targeted conflict", () => {
    const kinds = new Map(outcomes.map(({ entry, outcome }) => [entry.name, outcome.kind]));
    expect(kinds.get("the shipped configuration")).toBe("synthesized");
    const accepted = CONFLICTS.map(([name]) => `conflict: ${name}`).filter((name) => kinds.get(name) !== "refused" && name !== "conflict: staging with an HA control plane");
    expect(accepted).toEqual([]);
    expect(kinds.get("conflict: staging with an HA control plane")).toBe("synthesized");
  });
});

/** Runs one case through synthesizePlatform into a fresh directory: its outcome and what is wrong with it. */
function runCase(mutate: (config: any) => void, env: NodeJS.ProcessEnv = {}) { // eslint-disable-line @typescript-eslint/no-explicit-any -- deliberately off-type
  const config = shippedConfig();
  mutate(config);
  const outdir = path.join(mkdtempSync(path.join(tmpdir(), "cryptopulse-case-")), "out");
  const outcome = run({ name: "", config, env }, outdir);
  return { outcome, problems: verdict(outcome, outdir) };
}

/** The problem lines of a refused case, after checking it left nothing behind. */
function refusal(mutate: (config: any) => void, env: NodeJS.ProcessEnv = {}): readonly string[] { // eslint-disable-line @typescript-eslint/no-explicit-any -- deliberately off-type
  const { outcome, problems } = runCase(mutate, env);
  expect(problems).toEqual([]);
  if (outcome.kind !== "refused") throw new Error(`expected a refusal, got ${outcome.kind}`);
  return outcome.error.problems;
}

const PROD = "environments.production";

/**
 * The classes of bad input an audit found accepted or crashing, one case each,
 * with the exact line that now refuses it before anything is written. (A
 * config file with a syntax error is main.test.ts's: it needs the bundling
 * app command, not synthesizePlatform.)
 */
describe("audit cases", () => {
  // The runtime settings come last in every row: jest would take a missing one for `done`.
  const cases: [string, (config: any) => void, string[], NodeJS.ProcessEnv][] = [ // eslint-disable-line @typescript-eslint/no-explicit-any -- deliberately off-type
    [
      "the API host equal to the app host",
      (c) => (c.environments.production.domain.apiHost = "app"),
      [`${PROD}.domain.apiHost = "app": duplicate hostname: app.cryptopulse.com is the app host already; the apex, www.<apex>, the app host and the API host must all differ`],
      {},
    ],
    [
      "the API host equal to another environment's apex",
      (c) => (c.environments.staging.domain = { ...c.environments.staging.domain, zone: "api.cryptopulse.com", apex: "api.cryptopulse.com" }),
      [`${PROD}.domain.apiHost = "api": duplicate hostname: the API host api.cryptopulse.com is served by environments.staging.domain.apex already`],
      {},
    ],
    [
      "a CAA issuer listed twice",
      (c) => (c.environments.production.edge = { ...c.environments.production.edge, caaIssuers: ["letsencrypt.org", "pki.goog", "ssl.com", "pki.goog"] }),
      [`${PROD}.edge.caaIssuers[3] = "pki.goog": duplicate CAA issuer: already listed at caaIssuers[1]`],
      {},
    ],
    [
      "admin CIDRs open to the whole internet",
      (c) => (c.environments.production.cluster.adminCidrs = ["0.0.0.0/0"]),
      [`${PROD}.cluster.adminCidrs[0] = "0.0.0.0/0": opens the Kubernetes API to 100% of the IPv4 internet; admin CIDRs may cover at most 1/256 of it together (16777216 addresses, one /8)`],
      {},
    ],
    [
      "admin CIDRs that are the whole internet in two halves",
      (c) => (c.environments.production.cluster.adminCidrs = ["0.0.0.0/1", "128.0.0.0/1"]),
      [
        `${PROD}.cluster.adminCidrs[0] = "0.0.0.0/1": opens the Kubernetes API to 50% of the IPv4 internet; admin CIDRs may cover at most 1/256 of it together (16777216 addresses, one /8)`,
        `${PROD}.cluster.adminCidrs[1] = "128.0.0.0/1": opens the Kubernetes API to 50% of the IPv4 internet; admin CIDRs may cover at most 1/256 of it together (16777216 addresses, one /8)`,
      ],
      {},
    ],
    [
      "an age recipient with a bad checksum",
      (c) => (c.environments.production.backup = { ...c.environments.production.backup, restoreTestRecipient: "age1ua5ujdmu6gpxvc0c9nyykwtd48tfxatgvaxzc69tshnvxx45zuxqp0qtla" }),
      [`${PROD}.backup.restoreTestRecipient = "age1ua5ujdmu6gpxvc0c9nyykwtd48tfxatgvaxzc69tshnvxx45zuxqp0qtla": Bech32 checksum mismatch: a character is mistyped, swapped or missing; copy the key again from age-keygen -y`],
      {},
    ],
    [
      "an unknown time zone",
      (c) => {
        const alerting = c.environments.production.observability.alerting;
        c.environments.production.observability.alerting = { ...alerting, businessHours: { ...alerting.businessHours, timezone: "Europe/Frankfurt" } };
      },
      [`${PROD}.observability.alerting.businessHours.timezone = "Europe/Frankfurt": unknown time zone: not in the IANA time zone database; e.g. Europe/Berlin, America/New_York, UTC`],
      {},
    ],
    [
      "a VPC CIDR with leading zeros",
      (c) => (c.environments.production.regions[0].vpcCidr = "10.020.0.0/16"),
      [`${PROD}.regions[0].vpcCidr = "10.020.0.0/16": leading zeros: write 10.20.0.0/16 (some tools read a number with a leading zero as octal)`],
      {},
    ],
    [
      "a Kubernetes version prefix DigitalOcean does not offer",
      (c) => (c.environments.production.cluster.versionPrefix = "1.29."),
      [`${PROD}.cluster.versionPrefix = "1.29.": a DOKS minor DigitalOcean offers; on offer (read ${DOKS_RELEASES_READ_ON}): "1.35.", "1.34.", "1.33."`],
      {},
    ],
    [
      "an SMTP relay port past 65535",
      (c) => {
        const alerting = c.environments.production.observability.alerting;
        c.environments.production.observability.alerting = { ...alerting, smtp: { ...alerting.smtp, smarthost: "smtp.sendgrid.net:99999" } };
      },
      [`${PROD}.observability.alerting.smtp.smarthost = "smtp.sendgrid.net:99999": the port is out of range: ports are 1-65535, e.g. 587`],
      {},
    ],
    [
      "an image registry on port 0",
      (c) => (c.environments.production.platform.images.backend = { ...c.environments.production.platform.images.backend, repository: "registry.internal:0/cryptopulse/backend" }),
      [`${PROD}.platform.images.backend.repository = "registry.internal:0/cryptopulse/backend": the registry's port is out of range: ports are 1-65535`],
      {},
    ],
    [
      "a service on port 0",
      (c) => (c.environments.production.services.backend = { ...c.environments.production.services.backend, port: 0 }),
      [`${PROD}.services.backend.port = 0: ports below 1024 need root; use 1024-65535`],
      {},
    ],
    [
      "an environment filter of separators only",
      () => undefined,
      ['CRYPTOPULSE_ENVIRONMENTS = " , ": selects no environment: name one or more, comma-separated (allowed: staging, production), or unset it for all'],
      { CRYPTOPULSE_ENVIRONMENTS: " , " },
    ],
  ];

  it.each(cases)("refuses %s, one line per problem, writing nothing", (_name, mutate, lines, env) => {
    expect(refusal(mutate, env)).toEqual(lines);
  });
});

/** Further odd values tried through the same entry: crashes found and fixed, and values that must stay accepted. */
describe("more bad input", () => {
  it.each<[string, (config: any) => void, string]>([ // eslint-disable-line @typescript-eslint/no-explicit-any -- deliberately off-type
    [
      "the app host named www, the apex's alias",
      (c) => (c.environments.production.domain.appHost = "www"),
      `${PROD}.domain.appHost = "www": duplicate hostname: www.cryptopulse.com is the apex's www alias already; the apex, www.<apex>, the app host and the API host must all differ`,
    ],
    [
      "two environments on one Cloudflare zone",
      (c) => (c.environments.production.domain = { ...c.environments.production.domain, zone: "cryptopulse-staging.com", apex: "www.cryptopulse-staging.com" }),
      `${PROD}.domain.zone = "cryptopulse-staging.com": zone already used by environments.staging.domain.zone; each environment needs a zone of its own (its edge stack owns the zone's settings and rulesets)`,
    ],
    [
      "a Terraform-reserved variable name",
      (c) => (c.environments.production.platform = { ...c.environments.production.platform, secrets: { ...c.environments.production.platform.secrets, jwtSecretVariable: "source" } }),
      `${PROD}.platform.secrets.jwtSecretVariable = "source": reserved by Terraform (source, version, providers, count, for_each, lifecycle, depends_on, locals); choose another name`,
    ],
    [
      "a node size every JavaScript object has",
      (c) => (c.environments.production.cluster.systemPool.size = "__proto__"),
      `${PROD}.cluster.systemPool.size = "__proto__": unknown node size; allowed: s-2vcpu-4gb, s-4vcpu-8gb, s-8vcpu-16gb, c-4, c-8, c-16, g-4vcpu-16gb, g-8vcpu-32gb, g-16vcpu-64gb`,
    ],
    [
      "a time zone in lower case",
      (c) => (c.environments.production.observability.alerting = { ...c.environments.production.observability.alerting, businessHours: { ...c.environments.production.observability.alerting.businessHours, timezone: "europe/berlin" } }),
      `${PROD}.observability.alerting.businessHours.timezone = "europe/berlin": time zone names are case-sensitive: write Europe/Berlin`,
    ],
    [
      "a read replica under a name that is no purpose",
      (c) => (c.environments.production.data.postgres.replicas = { ...c.environments.production.data.postgres.replicas, archive: "db-s-2vcpu-4gb" }),
      `${PROD}.data.postgres.replicas.archive = "db-s-2vcpu-4gb": not a replica purpose: the purposes are analytics, reporting, one replica each`,
    ],
    [
      "a replica purpose without its replica",
      (c) => (c.environments.production.data.postgres.replicas = { analytics: "db-s-2vcpu-4gb" }),
      `${PROD}.data.postgres.replicas.reporting = (missing): no replica for reporting: the backend reads its reporting queries from REPORTING_DATABASE_URL`,
    ],
    [
      "the guide's end-of-life Node.js 18",
      (c) => (c.environments.production.platform = { ...c.environments.production.platform, runtime: { nodeMajor: 18 } }),
      `${PROD}.platform.runtime.nodeMajor = 18: a supported Node.js LTS major: 22 (until 2027-04-30), 24 (until 2028-04-30)`,
    ],
    [
      "JWTs that live a week",
      (c) => (c.environments.production.platform = { ...c.environments.production.platform, auth: { jwtExpiresInSeconds: 604800 } }),
      `${PROD}.platform.auth.jwtExpiresInSeconds = 604800: at most 86400 s (one day): a longer-lived token outlives a revoked session`,
    ],
    [
      "a function timeout beyond the API's proxy timeout",
      (c) => (c.environments.production.platform = { ...c.environments.production.platform, functions: { ...c.environments.production.platform.functions, timeoutSeconds: 600 } }),
      `${PROD}.platform.functions.timeoutSeconds = 600: at most 300 s: the API's Ingress cuts the request that calls the function after that`,
    ],
    [
      "fewer concurrent function requests than functions pods",
      (c) => (c.environments.production.platform = { ...c.environments.production.platform, functions: { ...c.environments.production.platform.functions, maxConcurrentRequests: 12 } }),
      `${PROD}.platform.functions.maxConcurrentRequests = 12: fewer than the 13 functions pods that can serve at once (services.functions.replicas.max 10 plus a rollout's surge); each pod needs at least 1`,
    ],
    [
      "an admin CIDR with host bits set",
      (c) => (c.environments.production.cluster.adminCidrs = ["203.0.113.9/24"]),
      `${PROD}.cluster.adminCidrs[0] = "203.0.113.9/24": host bits set: the address must be the first of its range`,
    ],
  ])("refuses %s with one line, writing nothing", (_name, mutate, line) => {
    expect(refusal(mutate)).toEqual([line]);
  });

  it("refuses an output directory that is a file, in one line", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "cryptopulse-case-")), "a-file");
    writeFileSync(file, "");
    expect(problemsOf(() => synthesizePlatform({ config: shippedConfig(), env: {}, outdir: file }))).toEqual([
      `CDKTF_OUTDIR = ${JSON.stringify(file)}: ${file} is not a directory; the synthesized stacks are written there (cdktf synth --output <dir>)`,
    ]);
  });

  it("synthesizes secret variables named like constructs of their stacks (the platform's ingress, the cluster's doks)", () => {
    const { outcome, problems } = runCase(
      (c) => {
        const production = c.environments.production;
        production.observability.grafana = { ...production.observability.grafana, adminPasswordVariable: "ingress" };
        production.alerts = { ...production.alerts, slack: [{ ...production.alerts.slack[0], webhookUrlVariable: "doks" }] };
      },
      { CRYPTOPULSE_ENVIRONMENTS: "production" },
    );
    expect([outcome.kind, problems]).toEqual(["synthesized", []]);
  });
});
