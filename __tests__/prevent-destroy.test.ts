import { spawnSync, type SpawnSyncReturns } from "child_process";
import { createHash } from "crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { STATEFUL_TYPES } from "../guardrails";
import { synthesizePlatform } from "../stacks/platform-app";
import { found, MISSING_ENGINE, missing, pickEngine, requireTool } from "./tools";

/**
 * "Data cannot be lost by a routine change", proven with the real engine and
 * provider binaries. The state holds every resource that production's
 * synthesized stacks protect with lifecycle.prevent_destroy, plus a fixture of
 * each stateful type no stack creates yet (STATEFUL_TYPES). Then, with
 * `plan -refresh=false` (no credentials, no API calls):
 *
 * - the unchanged configuration plans without deleting anything (the state is realistic);
 * - a configuration that changes an immutable attribute of each resource plans a replacement
 *   of every one of them once prevent_destroy is taken away (the change is a real replacement);
 * - with prevent_destroy, that configuration fails with "Instance cannot be destroyed" for each;
 * - so does `plan -destroy`;
 * - a new team in the allocation tags (docs/cost.md) is an update in place of each tagged resource,
 *   while tags on a read-only replica would replace it (why the replicas carry none).
 *
 * Needs the toolbox (engine + provider mirror: bash toolbox/install.sh; source its env.sh).
 * Without it the test is skipped with a line at the end of the run, unless CRYPTOPULSE_REQUIRE_ENGINE=1, when it fails.
 */

const ROOT = path.resolve(__dirname, "..");
const ENGINE_TIMEOUT_MS = 180_000;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

/** A resource the plans are about. */
interface Protected {
  /** Where it comes from: a stack name, or "fixture". */
  readonly origin: string;
  readonly type: string;
  /** Its name in the test configuration (unique across stacks). */
  readonly name: string;
  readonly config: JsonObject;
}

/** Fixtures for stateful types that no stack creates yet: realistic attributes, protected. */
const FIXTURES: Readonly<Record<string, JsonObject>> = {
  digitalocean_database_cluster: { name: "cryptopulse-production-pg", engine: "pg", version: "17", size: "db-s-2vcpu-4gb", region: "fra1", node_count: 2 },
  digitalocean_database_replica: { cluster_id: "fixture-cluster-id", name: "cryptopulse-production-pg-analytics", size: "db-s-2vcpu-4gb", region: "fra1" },
  digitalocean_database_db: { cluster_id: "fixture-cluster-id", name: "cryptopulse" },
  digitalocean_spaces_bucket: { name: "cryptopulse-production-backups-fra1", region: "fra1", acl: "private", versioning: { enabled: true } },
  digitalocean_volume: { name: "cryptopulse-production-prometheus", region: "fra1", size: 100, initial_filesystem_type: "ext4" },
  kubernetes_persistent_volume_claim: {
    metadata: { name: "prometheus-data", namespace: "monitoring" },
    spec: { access_modes: ["ReadWriteOnce"], resources: { requests: { storage: "100Gi" } }, storage_class_name: "do-block-storage" },
    wait_until_bound: false,
  },
  kubernetes_persistent_volume_claim_v1: {
    metadata: { name: "alertmanager-data", namespace: "monitoring" },
    spec: { access_modes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } }, storage_class_name: "do-block-storage" },
    wait_until_bound: false,
  },
};

/**
 * An immutable (ForceNew) attribute per type, by path: changing it replaces the resource.
 * The control plan checks each really does; `name` for the types not listed.
 */
const REPLACING_CHANGE: Readonly<Record<string, readonly string[]>> = {
  digitalocean_kubernetes_cluster: ["region"],
  digitalocean_spaces_bucket: ["region"],
  digitalocean_database_firewall: ["cluster_id"],
  kubernetes_persistent_volume_claim: ["metadata", "name"],
  kubernetes_persistent_volume_claim_v1: ["metadata", "name"],
};

// ---------------------------------------------------------------- the engine

const ENGINE = pickEngine();
const ENGINE_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  CHECKPOINT_DISABLE: "1",
  TF_IN_AUTOMATION: "1",
  TF_INPUT: "0",
  // The providers configure themselves from these; with -refresh=false they never call an API.
  DIGITALOCEAN_TOKEN: `dop_v1_${"0".repeat(64)}`,
  SPACES_ACCESS_KEY_ID: "DO00PREVENTDESTROY00",
  SPACES_SECRET_ACCESS_KEY: "prevent-destroy-test-not-a-real-secret-key0",
  KUBE_HOST: "https://127.0.0.1:6443",
  KUBE_TOKEN: "prevent-destroy-test",
};

function engine(args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(ENGINE as string, args, { cwd, env: ENGINE_ENV, encoding: "utf8", timeout: ENGINE_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
}

// ---------------------------------------------------------------- building the configuration and the state

function fakeUuid(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The literal the test puts where the stack has an expression (a reference to
 * another stack or a data source): ids become UUIDs, a DOKS version a version
 * slug, anything else a stable name. The state holds the same literal.
 */
function literalFor(key: string, expression: string): string {
  if (/(^|_)(id|uuid|ids)$/.test(key) || key === "value" || key === "project") return fakeUuid(expression);
  if (key === "version") return "1.35.1-do.0";
  return `fake-${createHash("sha256").update(expression).digest("hex").slice(0, 8)}`;
}

function withLiterals(value: Json, key = ""): Json {
  if (typeof value === "string") return value.includes("${") ? literalFor(key, value) : value;
  if (Array.isArray(value)) return value.map((item) => withLiterals(item, key));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, withLiterals(item, name)]));
  return value;
}

/** The resource's configuration for the test: literals only, no dependencies on what is not there, protected. */
function testConfig(config: JsonObject): JsonObject {
  const entries = Object.entries(config).filter(([key]) => !["//", "depends_on", "lifecycle", "provider"].includes(key));
  return { ...(withLiterals(Object.fromEntries(entries)) as JsonObject), lifecycle: { prevent_destroy: true } };
}

/** Every resource production's stacks protect, plus a fixture per stateful type none of them has. */
function protectedResources(outdir: string): Protected[] {
  const found: Protected[] = [];
  for (const stack of readdirSync(path.join(outdir, "stacks")).sort()) {
    const json = JSON.parse(readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as JsonObject;
    // Layer and region: the backup stacks of two regions declare the same resource names.
    const layer = stack.split("-").slice(2).join("_");
    for (const [type, named] of Object.entries(isObject(json.resource) ? json.resource : {})) {
      for (const [name, config] of Object.entries(isObject(named) ? named : {})) {
        if (isObject(config) && isObject(config.lifecycle) && config.lifecycle.prevent_destroy === true) {
          found.push({ origin: stack, type, name: `${layer}_${name}`, config: testConfig(config) });
        }
      }
    }
  }
  const covered = new Set(found.map((resource) => resource.type));
  for (const type of STATEFUL_TYPES.filter((stateful) => !covered.has(stateful))) {
    found.push({ origin: "fixture", type, name: `fixture_${type}`, config: testConfig(FIXTURES[type]) });
  }
  return found;
}

/** Provider requirements from the toolbox's pins, for the providers these types belong to. */
function requiredProviders(types: readonly string[]): JsonObject {
  const pins = JSON.parse(readFileSync(path.join(ROOT, "toolbox", "versions.json"), "utf8")) as { providers: { source: string; version: string }[] };
  const needed = new Set(types.map((type) => type.split("_")[0]));
  return Object.fromEntries(
    pins.providers
      .filter((pin) => needed.has(pin.source.split("/")[1]))
      .map((pin) => [pin.source.split("/")[1], { source: pin.source, version: pin.version }]),
  );
}

function configuration(resources: readonly Protected[], transform: (resource: Protected) => JsonObject = (resource) => resource.config): JsonObject {
  const resource: JsonObject = {};
  for (const entry of resources) {
    const byType = (resource[entry.type] ??= {}) as JsonObject;
    byType[entry.name] = transform(entry);
  }
  const providers = requiredProviders(resources.map((entry) => entry.type));
  return {
    terraform: { required_providers: providers },
    provider: Object.fromEntries(Object.keys(providers).map((name) => [name, [{}]])),
    resource,
  };
}

interface SchemaBlock {
  readonly attributes?: Record<string, unknown>;
  readonly block_types?: Record<string, { readonly nesting_mode: string; readonly block: SchemaBlock }>;
}

/** A configuration object in the shape the state stores: nested blocks as lists (or objects, for single ones), nothing outside the schema. */
function stateShape(value: JsonObject, schema: SchemaBlock): JsonObject {
  const shaped: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (schema.attributes?.[key] !== undefined) {
      shaped[key] = item;
    } else if (schema.block_types?.[key]) {
      const { nesting_mode: nesting, block } = schema.block_types[key];
      const items = (Array.isArray(item) ? item : [item]).filter(isObject).map((entry) => stateShape(entry, block));
      shaped[key] = nesting === "single" || nesting === "group" ? (items[0] ?? null) : items;
    }
  }
  return shaped;
}

function changeAt(config: JsonObject, keys: readonly string[]): void {
  const parent = keys.slice(0, -1).reduce<JsonObject>((node, key) => {
    const next = node[key];
    return (Array.isArray(next) ? next[0] : next) as JsonObject;
  }, config);
  const key = keys[keys.length - 1];
  const current = parent[key];
  if (key === "region") parent[key] = current === "ams3" ? "fra1" : "ams3";
  else if (typeof current === "string" && /^[0-9a-f]{8}-/.test(current)) parent[key] = fakeUuid(`${current}-changed`);
  else parent[key] = `${String(current)}-renamed`;
}

/** The configuration with one replacing change per resource. */
function replacingChange(resource: Protected): JsonObject {
  const config = structuredClone(resource.config);
  changeAt(config, REPLACING_CHANGE[resource.type] ?? ["name"]);
  return config;
}

/** The configuration with every `team:` tag, at any depth (a cluster's default node_pool too), naming another team. */
function retagged(value: Json): Json {
  if (Array.isArray(value)) return value.map(retagged);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      key === "tags" && Array.isArray(item) ? item.map((tag) => (typeof tag === "string" && tag.startsWith("team:") ? "team:finance" : tag)) : retagged(item),
    ]),
  );
}

const hasTeamTag = (config: JsonObject) => JSON.stringify(config).includes('"team:');

// ---------------------------------------------------------------- running plans

interface Plan {
  readonly status: number | null;
  /** Error diagnostics: summary and detail. */
  readonly errors: readonly { summary: string; detail: string }[];
  readonly output: string;
}

function plan(dir: string, config: JsonObject, extra: readonly string[] = []): Plan {
  writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(config, null, 2));
  const run = engine(["plan", "-refresh=false", "-lock=false", "-input=false", "-no-color", "-json", ...extra], dir);
  const errors = run.stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { "@level"?: string; diagnostic?: { summary?: string; detail?: string } })
    .filter((message) => message["@level"] === "error" && message.diagnostic)
    .map((message) => ({ summary: message.diagnostic?.summary ?? "", detail: message.diagnostic?.detail ?? "" }));
  return { status: run.status, errors, output: `${run.stdout}\n${run.stderr}` };
}

/** Planned actions by resource address, from a saved plan. */
function plannedActions(dir: string, planFile: string): Map<string, string[]> {
  const shown = engine(["show", "-json", planFile], dir);
  const json = JSON.parse(shown.stdout) as { resource_changes?: { address: string; change: { actions: string[] } }[] };
  return new Map((json.resource_changes ?? []).map((change) => [change.address, change.change.actions]));
}

const address = (resource: Protected) => `${resource.type}.${resource.name}`;

/** Addresses that a plan's errors refuse to destroy, from "Resource <address> has lifecycle.prevent_destroy set". */
function refusedToDestroy(result: Plan): Set<string> {
  return new Set(
    result.errors
      .filter((error) => error.summary === "Instance cannot be destroyed")
      .map((error) => /Resource (\S+) has lifecycle\.prevent_destroy set/.exec(error.detail)?.[1])
      .filter((found): found is string => found !== undefined),
  );
}

// ---------------------------------------------------------------- setup (at collection time, so an unusable engine can skip the suite)

interface Ready {
  readonly dir: string;
  readonly resources: readonly Protected[];
}

function prepare(): Ready | { skip: string } {
  if (!ENGINE) return { skip: MISSING_ENGINE };
  const version = engine(["version", "-json"], ROOT);
  if (version.status !== 0) return { skip: `the engine ${ENGINE} does not run: ${version.error?.message ?? version.stderr.trim()}` };
  const engineVersion = (JSON.parse(version.stdout) as { terraform_version: string }).terraform_version;

  const scratch = mkdtempSync(path.join(tmpdir(), "cryptopulse-prevent-destroy-"));
  const outdir = path.join(scratch, "cdktf.out");
  synthesizePlatform({ env: { CRYPTOPULSE_ENVIRONMENTS: "production" }, outdir });
  const resources = protectedResources(outdir);

  const dir = path.join(scratch, "plan");
  mkdirSync(dir);
  writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(configuration(resources), null, 2));
  const init = engine(["init", "-input=false", "-no-color", "-backend=false"], dir);
  if (init.status !== 0) {
    const why = init.stderr.split("\n").find((line) => /Error/.test(line)) ?? init.stderr.trim().split("\n").pop();
    return { skip: `${ENGINE} init cannot install the pinned providers (TF_CLI_CONFIG_FILE=${process.env.TF_CLI_CONFIG_FILE ?? "unset"}): ${why}` };
  }

  // The state: each resource as the provider stores it, at the provider's schema version.
  const schemas = JSON.parse(engine(["providers", "schema", "-json"], dir).stdout) as {
    provider_schemas: Record<string, { resource_schemas: Record<string, { version: number; block: SchemaBlock }> }>;
  };
  const providerOf = (type: string) => {
    const found = Object.entries(schemas.provider_schemas).find(([, provider]) => provider.resource_schemas[type]);
    if (!found) throw new Error(`no provider schema has ${type}`);
    return { source: found[0], schema: found[1].resource_schemas[type] };
  };
  const state = {
    version: 4,
    terraform_version: engineVersion,
    serial: 1,
    lineage: fakeUuid("cryptopulse-prevent-destroy"),
    outputs: {},
    resources: resources.map((resource) => {
      const { source, schema } = providerOf(resource.type);
      return {
        mode: "managed",
        type: resource.type,
        name: resource.name,
        provider: `provider["${source}"]`,
        instances: [
          {
            schema_version: schema.version,
            attributes: { ...stateShape(resource.config, schema.block), id: fakeUuid(address(resource)) },
            sensitive_attributes: [],
          },
        ],
      };
    }),
  };
  writeFileSync(path.join(dir, "terraform.tfstate"), JSON.stringify(state, null, 2));
  return { dir, resources };
}

const ENGINE_TOOLS = requireTool({
  suite: "prevent-destroy engine tests",
  requireVariable: "CRYPTOPULSE_REQUIRE_ENGINE",
  lookup: () => {
    const setup = prepare();
    if (!("skip" in setup)) return found(setup);
    return missing(`${setup.skip}; nothing proves that a routine change cannot destroy data until this runs (bash toolbox/install.sh, source its env.sh)`);
  },
});

ENGINE_TOOLS.describe("prevent-destroy with the real engine", ({ dir, resources }) => {
  const addresses = resources.map(address).sort();
  jest.setTimeout(4 * ENGINE_TIMEOUT_MS);

  it("covers every stateful type and everything production protects", () => {
    for (const type of STATEFUL_TYPES) expect(resources.map((resource) => resource.type)).toContain(type);
    expect(resources.filter((resource) => resource.origin !== "fixture").length).toBeGreaterThan(0);
  });

  it("plans the unchanged configuration without deleting anything (the state is realistic)", () => {
    const result = plan(dir, configuration(resources), ["-out=unchanged.tfplan"]);
    expect(result.errors).toEqual([]);
    const deleting = [...plannedActions(dir, "unchanged.tfplan")].filter(([, actions]) => actions.includes("delete")).map(([where]) => where);
    expect(deleting).toEqual([]);
  });

  it("replaces every resource on the changed configuration once prevent_destroy is gone (the change is a replacement)", () => {
    const unprotected = configuration(resources, (resource) => {
      const changed = replacingChange(resource);
      delete changed.lifecycle;
      return changed;
    });
    const result = plan(dir, unprotected, ["-out=unprotected.tfplan"]);
    expect(result.errors).toEqual([]);
    const actions = plannedActions(dir, "unprotected.tfplan");
    const notReplaced = addresses.filter((where) => !(actions.get(where) ?? []).includes("delete"));
    expect(notReplaced).toEqual([]);
  });

  it("refuses that configuration with the prevent-destroy error for every resource", () => {
    const result = plan(dir, configuration(resources, replacingChange));
    expect(result.status).toBe(1);
    expect([...refusedToDestroy(result)].sort()).toEqual(addresses);
  });

  it("changes the allocation tags in place: a new team updates each tagged resource, replacing none", () => {
    const tagged = resources.filter((resource) => hasTeamTag(resource.config)).map(address).sort();
    expect(tagged.length).toBeGreaterThanOrEqual(4); // the DOKS cluster and the three database clusters
    expect(plan(dir, configuration(resources), ["-out=baseline.tfplan"]).errors).toEqual([]);
    const result = plan(dir, configuration(resources, (resource) => retagged(resource.config) as JsonObject), ["-out=retagged.tfplan"]);
    expect(result.errors).toEqual([]);
    // The state stands in for an apply, so some attributes differ already; what the new team adds is the difference.
    const changing = (file: string) => new Map([...plannedActions(dir, file)].filter(([, planned]) => planned.join(",") !== "no-op"));
    const baseline = changing("baseline.tfplan");
    const actions = changing("retagged.tfplan");
    expect([...actions].filter(([, planned]) => planned.includes("delete"))).toEqual([]);
    expect([...actions.keys()].filter((where) => !baseline.has(where)).sort()).toEqual(tagged.filter((where) => !baseline.has(where)));
    expect(Object.fromEntries(tagged.map((where) => [where, actions.get(where)]))).toEqual(Object.fromEntries(tagged.map((where) => [where, ["update"]])));
  });

  it("would replace a read-only replica to tag it, so the replicas carry no tags", () => {
    const replicas = resources.filter((resource) => resource.type === "digitalocean_database_replica");
    expect(replicas.length).toBeGreaterThan(0);
    const result = plan(
      dir,
      configuration(resources, (resource) => (resource.type === "digitalocean_database_replica" ? { ...resource.config, tags: ["team:devops"] } : resource.config)),
    );
    expect(result.status).toBe(1);
    expect([...refusedToDestroy(result)].sort()).toEqual(replicas.map(address).sort());
  });

  it("refuses plan -destroy with the prevent-destroy error for every resource", () => {
    const result = plan(dir, configuration(resources), ["-destroy"]);
    expect(result.status).toBe(1);
    expect([...refusedToDestroy(result)].sort()).toEqual(addresses);
  });
});
