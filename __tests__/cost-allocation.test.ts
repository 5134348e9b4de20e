import * as path from "path";
import { loadPlatformConfig } from "../config";
import { ALLOCATION_TAG_KEYS, DIGITALOCEAN_TAG_PATTERN } from "../config/allocation";
import { runCost, USAGE } from "../cost/cli";
import { estimateEnvironments } from "../cost/estimate";
import { ALL_ENVIRONMENTS, groupEstimates } from "../cost/group";
import { shippedPrices } from "../cost/prices";
import { ALLOCATION_TAGGED } from "../guardrails/rules/digitalocean";
import { defineEnvironment } from "../stacks/environment";
import { problemsOf, sharedEnvironment, shippedConfig, type TerraformJson } from "./helpers";
import { synthApp } from "./synth";

/**
 * Cost allocation by tag (the guide's Cost Monitoring → "Track costs by
 * service/team"): the team of every layer and service comes from validated
 * config, and every taggable DigitalOcean resource of the synthesized stacks
 * carries one environment, layer, service and team tag, with the values of the
 * stack it is in (CP-DO-010 holds the presence; this holds the values).
 */

const stacks: Record<string, TerraformJson> = Object.assign({}, ...loadPlatformConfig().environments.map((environment) => sharedEnvironment(environment.name).stacks));

/** `cryptopulse-<env>-<layer>[-<region>]` → { environment, layer }. */
function stackParts(stack: string): { environment: string; layer: string } {
  const [, environment, layer] = stack.split("-");
  return { environment, layer };
}

/** Every tag list of every allocation-tagged resource: [stack, address, location, tags]. */
function tagLists(): [string, string, string, string[]][] {
  return Object.entries(stacks).flatMap(([stack, json]) =>
    Object.entries(ALLOCATION_TAGGED).flatMap(([type, locations]) =>
      Object.entries((json.resource?.[type] ?? {}) as Record<string, TerraformJson>).flatMap(([name, resource]) =>
        (locations as readonly string[]).map((location): [string, string, string, string[]] => {
          const [parent, attribute] = location.includes(".") ? location.split(".") : [undefined, location];
          const holder = parent === undefined ? resource : [resource[parent]].flat()[0];
          return [stack, `${type}.${name}`, location, holder?.[attribute] ?? []];
        }),
      ),
    ),
  );
}

/** The allocation tags of a list as { key: value }. */
function allocation(tags: readonly string[]): Record<string, string> {
  return Object.fromEntries(tags.filter((tag) => ALLOCATION_TAG_KEYS.some((key) => tag.startsWith(`${key}:`))).map((tag) => tag.split(":") as [string, string]));
}

describe("the allocation tags of the synthesized stacks", () => {
  const lists = tagLists();

  it("cover the cluster, its pools and the database clusters of both environments", () => {
    const types = lists.map(([, address, location]) => `${address.split(".")[0]} ${location}`);
    expect(new Set(types)).toEqual(
      new Set(["digitalocean_kubernetes_cluster tags", "digitalocean_kubernetes_cluster node_pool.tags", "digitalocean_kubernetes_node_pool tags", "digitalocean_database_cluster tags"]),
    );
    expect(lists.filter(([, address]) => address.startsWith("digitalocean_database_cluster.")).length).toBe(6);
  });

  it.each(tagLists().map(([stack, address, location, tags]) => [`${stack} ${address} ${location}`, stack, tags] as const))(
    "%s: one of each key, with its stack's environment and layer",
    (_where, stack, tags) => {
      const { environment, layer } = stackParts(stack);
      expect(allocation(tags)).toEqual({ environment, layer, service: expect.any(String), team: "devops" });
      for (const tag of tags) expect(tag).toMatch(DIGITALOCEAN_TAG_PATTERN);
    },
  );

  it("name the service each resource is for", () => {
    const services = Object.fromEntries(
      lists.filter(([stack]) => stack.startsWith("cryptopulse-production-")).map(([, address, location, tags]) => [`${address.split(".")[0]} ${location}`, allocation(tags).service]),
    );
    expect(services).toMatchObject({
      "digitalocean_kubernetes_cluster tags": "kubernetes",
      "digitalocean_kubernetes_cluster node_pool.tags": "kubernetes",
      "digitalocean_kubernetes_node_pool tags": "workloads",
    });
    const databases = lists.filter(([, address]) => address.startsWith("digitalocean_database_cluster.")).map(([, , , tags]) => allocation(tags).service);
    expect(new Set(databases)).toEqual(new Set(["postgres", "valkey", "mongodb"]));
  });

  it("leave the read-only replicas untagged: their tags are ForceNew, so tagging one replaces it", () => {
    const replicas = Object.values(stacks).flatMap((json) => Object.values((json.resource?.digitalocean_database_replica ?? {}) as Record<string, TerraformJson>));
    expect(replicas.length).toBe(4);
    for (const replica of replicas) expect(replica.tags).toBeUndefined();
  });

  it("keep the tags the cluster and the pools had, which alerts and people select by", () => {
    const production = stacks["cryptopulse-production-cluster-fra1"];
    const [cluster] = Object.values(production.resource.digitalocean_kubernetes_cluster) as TerraformJson[];
    expect(cluster.tags).toEqual(expect.arrayContaining(["cryptopulse", "cryptopulse-production"]));
    expect(cluster.node_pool.tags).toContain("cryptopulse-production-fra1-system");
  });
});

describe("the team of a layer or service", () => {
  function teamsWith(costAllocation: unknown): Record<string, string> {
    const config = shippedConfig();
    (config.environments.staging as { costAllocation: unknown }).costAllocation = costAllocation;
    const environment = loadPlatformConfig(config).environments.find((candidate) => candidate.name === "staging")!;
    const { stacks: built } = synthApp((app) => defineEnvironment(app, environment, { kind: "local" }));
    const tagsOf = (stack: string, type: string) => (Object.values(built[stack].resource[type]) as TerraformJson[]).map((resource) => allocation(resource.tags));
    return Object.fromEntries(
      [...tagsOf("cryptopulse-staging-cluster-fra1", "digitalocean_kubernetes_node_pool"), ...tagsOf("cryptopulse-staging-data-fra1", "digitalocean_database_cluster")].map((tags) => [tags.service, tags.team]),
    );
  }

  it("is the service's, else the layer's, else the default", () => {
    expect(teamsWith({ defaultTeam: "devops", layerTeams: { data: "data-eng" }, serviceTeams: { mongodb: "analytics", workloads: "product" } })).toEqual({
      workloads: "product",
      postgres: "data-eng",
      valkey: "data-eng",
      mongodb: "analytics",
    });
  });

  it.each([
    [{ defaultTeam: "DevOps" }, "environments.staging.costAllocation.defaultTeam = \"DevOps\": 1-63 lowercase letters"],
    [{ defaultTeam: "team:devops" }, "environments.staging.costAllocation.defaultTeam = \"team:devops\": 1-63 lowercase letters"],
    [{ defaultTeam: "devops", layerTeams: { database: "data" } }, "environments.staging.costAllocation.layerTeams.database = \"database\": not a layer; allowed: network, cluster, data, platform, backup, edge"],
    [{ defaultTeam: "devops", serviceTeams: { redis: "data" } }, "environments.staging.costAllocation.serviceTeams.redis = \"redis\": not a service; allowed: network, kubernetes, workloads"],
    [{ defaultTeam: "devops", serviceTeams: { postgres: "" } }, "environments.staging.costAllocation.serviceTeams.postgres = \"\": 1-63 lowercase letters"],
    [{ defaultTeam: "a".repeat(64) }, `environments.staging.costAllocation.defaultTeam = "${"a".repeat(64)}": 1-63 lowercase`],
  ])("refuses %j in one line naming the field", (costAllocation, expected) => {
    const config = shippedConfig();
    (config.environments.staging as { costAllocation: unknown }).costAllocation = costAllocation;
    const problems = problemsOf(() => loadPlatformConfig(config));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });
});

describe("the estimate grouped by allocation key (npm run cost -- --group-by)", () => {
  const estimatesOf = (config = shippedConfig()) => estimateEnvironments(loadPlatformConfig(config).environments, shippedPrices());
  const totals = (key: "service" | "team" | "layer" | "stack", config = shippedConfig()) =>
    Object.fromEntries(groupEstimates(estimatesOf(config), key).map((grouped) => [grouped.environment, Object.fromEntries(grouped.groups.map((entry) => [entry.name, entry.maxCents]))]));

  function cost(argv: string[]): { status: number; stdout: string; stderr: string } {
    let stdout = "";
    let stderr = "";
    const status = runCost(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), root: path.resolve(__dirname, "..") });
    return { status, stdout, stderr };
  }

  it("sums production by service at maximum scale (hand-computed from cost/prices.json)", () => {
    // apps 10 × $96; system 4 × $48 + HA $40; PostgreSQL 2 × $60 + 2 replicas × $60; MongoDB 3 × $60; Valkey 2 × $30.
    expect(totals("service").production).toMatchObject({ workloads: 960_00, kubernetes: 232_00, postgres: 240_00, mongodb: 180_00, valkey: 60_00 });
  });

  it("adds up to the estimate in every environment, and over all of them", () => {
    const estimates = estimatesOf();
    for (const key of ["service", "team", "layer", "stack"] as const) {
      const grouped = groupEstimates(estimates, key);
      for (const estimate of estimates) {
        const match = grouped.find((entry) => entry.environment === estimate.environment)!;
        expect([key, match.minCents, match.maxCents]).toEqual([key, estimate.minCents, estimate.maxCents]);
      }
      const all = grouped.find((entry) => entry.environment === ALL_ENVIRONMENTS)!;
      expect(all.maxCents).toBe(estimates.reduce((sum, estimate) => sum + estimate.maxCents, 0));
    }
  });

  it("charges each team what its services and layers cost, largest first", () => {
    const config = shippedConfig();
    (config.environments.production as { costAllocation: unknown }).costAllocation = { defaultTeam: "devops", layerTeams: { data: "data" }, serviceTeams: { workloads: "product" } };
    const production = totals("team", config).production;
    expect(production).toEqual({ product: 960_00, data: 480_00, devops: 1741_00 - 960_00 - 480_00 });
    expect(Object.keys(production)).toEqual(["product", "data", "devops"]);
    expect(totals("layer").production.data).toBe(480_00);
  });

  it("prints a table per environment and one over all, and JSON in whole cents", () => {
    const text = cost(["--group-by", "service"]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/│ workloads\s+│\s+1 │\s+\$192\.00 │\s+\$960\.00 │\s+55% │/);
    expect(text.stdout).toContain("\nall environments\n");
    const json = JSON.parse(cost(["--group-by=team", "--json"]).stdout);
    expect(json).toMatchObject({ unit: "cents per month", groupBy: "team" });
    expect(json.environments.find((entry: { environment: string }) => entry.environment === "production").groups).toEqual([{ name: "devops", lines: 18, minCents: 877_00, maxCents: 1741_00 }]);
  });

  it.each([
    [["--group-by"], "cost: --group-by needs a value (see --help)"],
    [["--group-by", "owner"], 'cost: --group-by needs one of service, team, layer, stack, not "owner" (see --help)'],
    [["--group-by", "team", "--diff", "main"], "cost: --group-by and --diff exclude each other (see --help)"],
  ])("refuses %j in one line, exit 2", (argv, line) => {
    const result = cost(argv);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`${line}\n`);
  });

  it("is documented in --help", () => {
    expect(cost(["--help"]).stdout).toBe(`${USAGE}\n`);
    expect(USAGE).toMatch(/--group-by <key> sum the estimate by service, team, layer, stack/);
  });
});
