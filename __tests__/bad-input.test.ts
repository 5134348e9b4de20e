import { existsSync, mkdtempSync, readdirSync, readFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { ConfigError } from "../config";
import { GuardrailError, reportFileName } from "../guardrails";
import { synthesizePlatform } from "../stacks/platform-app";
import { shippedConfig } from "./helpers";

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
