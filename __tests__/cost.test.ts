import { loadPlatformConfig } from "../config";
import { DATABASE_SIZES } from "../config/data";
import { DROPLET_SIZE_SLUGS } from "../config/droplet-sizes";
import { diffEstimates } from "../cost/diff";
import { checkBudget, estimateEnvironment, estimateEnvironments, formatUsd, type EnvironmentEstimate } from "../cost/estimate";
import { CostInputError } from "../cost/layers";
import PRICE_TABLE_JSON from "../cost/prices.json";
import { PriceTable, shippedPrices, UnknownPriceError } from "../cost/prices";
import { renderDiffMarkdown, renderEstimateJson, renderEstimateText } from "../cost/render";
import { stackName } from "../config/naming.mjs";
import { problemsOf, sharedEnvironment, shippedConfig } from "./helpers";

/* eslint-disable @typescript-eslint/no-explicit-any -- configurations are edited off-type on purpose */

const prices = shippedPrices();
const shipped = () => estimateEnvironments(loadPlatformConfig().environments, prices);
const named = (estimates: readonly EnvironmentEstimate[], name: string) => estimates.find((estimate) => estimate.environment === name)!;
const stackTotals = (estimate: EnvironmentEstimate) => Object.fromEntries(estimate.stacks.map((stack) => [stack.stack, [stack.minCents, stack.maxCents]]));

/** The shipped configuration with `edit` applied, resolved. */
function edited(edit: (config: any) => void) {
  const config = shippedConfig() as any;
  edit(config);
  return loadPlatformConfig(config).environments;
}

describe("the estimate of the shipped configuration (hand-computed from cost/prices.json)", () => {
  it("prices production per stack, at minimum and maximum scale", () => {
    const production = named(shipped(), "production");
    expect(stackTotals(production)).toEqual({
      "cryptopulse-production-network-fra1": [0, 0],
      "cryptopulse-production-network-ams3": [0, 0],
      // HA $40 + system 2..4 × $48 + apps 2..10 × $96 + registry basic $5
      "cryptopulse-production-cluster-fra1": [40_00 + 2 * 48_00 + 2 * 96_00 + 5_00, 40_00 + 4 * 48_00 + 10 * 96_00 + 5_00],
      // PostgreSQL 2 × $60 + replicas 2 × $60 + Valkey 2 × $30 + MongoDB 3 × $60
      "cryptopulse-production-data-fra1": [480_00, 480_00],
      // the ingress load balancer: 2 size units × $12
      "cryptopulse-production-platform-fra1": [24_00, 24_00],
      // Cloudflare Pro $25 + Advanced Certificate Manager $10
      "cryptopulse-production-edge": [35_00, 35_00],
      // the account's Spaces subscription (production owns the account-wide resources); buckets have no price of their own
      "cryptopulse-production-backup-fra1": [5_00, 5_00],
      "cryptopulse-production-backup-ams3": [0, 0],
    });
    expect([production.minCents, production.maxCents]).toEqual([877_00, 1741_00]);
  });

  it("prices staging per stack, at minimum and maximum scale", () => {
    const staging = named(shipped(), "staging");
    expect(stackTotals(staging)).toEqual({
      "cryptopulse-staging-network-fra1": [0, 0],
      // no HA, no registry of its own; system 2..3 × $24 + apps 1..6 × $48
      "cryptopulse-staging-cluster-fra1": [2 * 24_00 + 48_00, 3 * 24_00 + 6 * 48_00],
      // PostgreSQL 1 × $30 + replicas 2 × $30 + Valkey $15 + MongoDB $15
      "cryptopulse-staging-data-fra1": [120_00, 120_00],
      // the ingress load balancer: 1 size unit × $12
      "cryptopulse-staging-platform-fra1": [12_00, 12_00],
      // Cloudflare Free
      "cryptopulse-staging-edge": [0, 0],
      // its bucket's storage counts against the account's subscription, priced with production
      "cryptopulse-staging-backup-fra1": [0, 0],
    });
    expect([staging.minCents, staging.maxCents]).toEqual([228_00, 492_00]);
  });

  it("itemizes a stack with quantities, unit prices and their sources", () => {
    const cluster = named(shipped(), "production").stacks.find((stack) => stack.stack === "cryptopulse-production-cluster-fra1")!;
    expect(cluster.lines.map((line) => [line.id, line.item, line.quantity, line.price.monthlyCents, line.minCents, line.maxCents])).toEqual([
      ["ha-control-plane", "HA control plane", { min: 1, max: 1 }, 40_00, 40_00, 40_00],
      ["pool:system", "system pool system (s-4vcpu-8gb)", { min: 2, max: 4 }, 48_00, 96_00, 192_00],
      ["pool:apps", "app pool apps (s-8vcpu-16gb)", { min: 2, max: 10 }, 96_00, 192_00, 960_00],
      ["registry", "container registry cryptopulse (basic)", { min: 1, max: 1 }, 5_00, 5_00, 5_00],
    ]);
    expect(cluster.lines[0].price).toMatchObject({ source: "https://docs.digitalocean.com/products/kubernetes/details/pricing/", checked: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
  });

  it("names exactly the stacks the app builds, so a new stack cannot go unpriced", () => {
    for (const environment of loadPlatformConfig().environments) {
      const built = Object.keys(sharedEnvironment(environment.name).stacks);
      const priced = estimateEnvironment(environment, prices).stacks.map((stack) => stack.stack);
      expect([...priced].sort()).toEqual([...built].sort());
    }
  });

  it("names stacks like config/naming.mjs", () => {
    const priced = named(shipped(), "production").stacks.map((stack) => stack.stack);
    expect(priced).toContain(stackName("production", "cluster", "fra1"));
    expect(priced).toContain(stackName("production", "network", "ams3"));
  });
});

describe("the price table", () => {
  const row = (monthlyUsd: number, extra: object = {}) => ({ monthlyUsd, source: "https://example.com/pricing", checked: "2026-01-31", ...extra });
  const table = (droplets: Record<string, unknown>) => ({
    $comment: "test",
    currency: "USD",
    prices: { doks: {}, droplet: droplets, database: {}, registry: {}, vpc: {}, loadBalancer: {}, spaces: {}, cloudflarePlan: {}, cloudflareAddon: {} },
  });

  it("prices every node size the configuration accepts", () => {
    for (const slug of DROPLET_SIZE_SLUGS) expect(() => prices.price("droplet", slug)).not.toThrow();
  });

  it("prices the basic database plans and names the source of every row", () => {
    for (const slug of DATABASE_SIZES.filter((size) => size.startsWith("db-s-"))) expect(() => prices.price("database", slug)).not.toThrow();
    for (const price of prices.all()) {
      expect(price.source).toMatch(/^https:\/\//);
      expect(Date.parse(price.checked)).toBeLessThanOrEqual(Date.now());
    }
  });

  it("stops on a size without a price, naming it, what is priced and what to add", () => {
    const error = (() => {
      try {
        new PriceTable(table({ "s-2vcpu-4gb": row(24) })).price("droplet", "s-4vcpu-8gb");
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UnknownPriceError);
    expect((error as Error).message).toBe(
      'no price for Droplet size "s-4vcpu-8gb" in cost/prices.json (priced: s-2vcpu-4gb); add a row under "droplet" with its monthly USD price, the page it comes from and today\'s date as "checked"',
    );
  });

  it("stops the estimate when the configuration uses a plan without a price", () => {
    const [, production] = edited((config) => {
      config.environments.production.data.mongodb.size = "gd-2vcpu-8gb";
    });
    expect(() => estimateEnvironment(production, prices)).toThrow('no price for managed database plan "gd-2vcpu-8gb"');
  });

  it("rejects rows without an https source, a calendar date or whole cents", () => {
    expect(() =>
      new PriceTable(
        table({
          a: row(-1),
          b: row(1.005),
          c: row(1, { source: "http://example.com" }),
          d: row(1, { checked: "2026-13-45" }),
          e: row(1, { checked: "yesterday" }),
        }),
      ),
    ).toThrow(
      [
        "invalid price table: 5 problem(s)",
        "  prices.droplet.a.monthlyUsd: a price cannot be negative",
        "  prices.droplet.b.monthlyUsd: whole cents at most",
        "  prices.droplet.c.source: the https URL of the page the price was read from",
        "  prices.droplet.d.checked: the day the price was checked, a calendar day as YYYY-MM-DD",
        "  prices.droplet.e.checked: the day the price was checked, a calendar day as YYYY-MM-DD",
      ].join("\n"),
    );
  });

  it("sums in whole cents, so totals are exact", () => {
    const shippedTable = structuredClone(PRICE_TABLE_JSON);
    Object.assign(shippedTable.prices.droplet, { "s-2vcpu-4gb": row(0.1), "s-4vcpu-8gb": row(0.2), "s-8vcpu-16gb": row(33.33) });
    const [, production] = edited((config) => {
      config.environments.production.cluster.systemPool.size = "s-2vcpu-4gb";
      config.environments.production.cluster.appPools.push({ name: "small", size: "s-4vcpu-8gb", nodes: { minNodes: 1, maxNodes: 1 } });
    });
    const cluster = estimateEnvironment(production, new PriceTable(shippedTable)).stacks.find((stack) => stack.stack.includes("-cluster-"))!;
    // $40 HA + 4 × $0.10 + 10 × $33.33 + 1 × $0.20 + $5 registry = $378.90; summed in float dollars: 378.8999999999999
    expect(cluster.maxCents).toBe(378_90);
    expect(formatUsd(cluster.maxCents)).toBe("$378.90");
  });
});

describe("budgets", () => {
  it("fail over budget, naming the excess and the largest items at maximum scale", () => {
    const [, production] = edited((config) => {
      config.environments.production.budget = { monthlyUsd: 1500, warnAtPercent: 80 };
    });
    const verdict = checkBudget(estimateEnvironment(production, prices));
    expect(verdict).toMatchObject({ status: "over", maxCents: 1741_00, budgetCents: 1500_00, percent: 116 });
    expect(verdict.largest.map((line) => [line.stack, line.id, line.maxCents])).toEqual([
      ["cryptopulse-production-cluster-fra1", "pool:apps", 960_00],
      ["cryptopulse-production-cluster-fra1", "pool:system", 192_00],
      ["cryptopulse-production-data-fra1", "mongodb", 180_00],
    ]);
    expect(verdict.message).toBe(
      "production: estimate at maximum scale $1,741.00 exceeds the budget of $1,500.00 by $241.00; largest items: " +
        "app pool apps (s-8vcpu-16gb) in cryptopulse-production-cluster-fra1: 10 × $96.00 = $960.00; " +
        "system pool system (s-4vcpu-8gb) in cryptopulse-production-cluster-fra1: 4 × $48.00 = $192.00; " +
        "MongoDB (db-s-2vcpu-4gb, 3 nodes) in cryptopulse-production-data-fra1: 3 × $60.00 = $180.00",
    );
  });

  it("check the maximum, not the minimum", () => {
    const [staging] = edited((config) => {
      config.environments.staging.budget = { monthlyUsd: 491.99, warnAtPercent: 100 };
    });
    expect(checkBudget(estimateEnvironment(staging, prices)).status).toBe("over");
  });

  it("warn from warnAtPercent of the budget, inclusive", () => {
    const verdict = (warnAtPercent: number) =>
      checkBudget(estimateEnvironment(edited((config) => (config.environments.staging.budget = { monthlyUsd: 615, warnAtPercent }))[0], prices));
    // $492 of $615 is exactly 80 %
    expect(verdict(80)).toMatchObject({ status: "warning", percent: 80 });
    expect(verdict(81)).toMatchObject({ status: "within", message: "staging: estimate at maximum scale $492.00 is 80% of the budget of $615.00" });
  });

  it("are validated with the rest of the configuration", () => {
    const problems = problemsOf(() =>
      edited((config) => {
        config.environments.staging.budget = { monthlyUsd: 10.001, warnAtPercent: 0 };
        delete config.environments.production.budget;
      }),
    );
    expect(problems).toEqual([
      "environments.staging.budget.monthlyUsd = 10.001: whole cents at most",
      "environments.staging.budget.warnAtPercent = 0: a percentage from 1 to 100",
      "environments.production.budget = (missing): Invalid input: expected object, received undefined",
    ]);
  });
});

describe("estimating another revision's configuration", () => {
  const without = (environment: object, ...keys: string[]) => Object.fromEntries(Object.entries(environment).filter(([key]) => !keys.includes(key)));

  it("leaves out the layers that revision has no section for", () => {
    const [staging] = loadPlatformConfig().environments;
    // e.g. a revision from before the data, platform, edge and backup layers
    expect(estimateEnvironment(without(staging, "data", "platform", "edge", "backup"), prices).stacks.map((stack) => stack.stack)).toEqual([
      "cryptopulse-staging-network-fra1",
      "cryptopulse-staging-cluster-fra1",
    ]);
  });

  it("names the environment, layer and field it cannot read", () => {
    const [staging] = loadPlatformConfig().environments;
    const reshaped = { ...staging, cluster: { ...staging.cluster, systemPool: { name: "system", droplet: "s-2vcpu-4gb" } } };
    expect(() => estimateEnvironment(reshaped, prices)).toThrow(CostInputError);
    expect(() => estimateEnvironment(reshaped, prices)).toThrow(/^cannot price the cluster layer of environment "staging": cluster\.systemPool\.size: /);
  });

  it("has no budget verdict before budgets existed", () => {
    const [staging] = loadPlatformConfig().environments;
    expect(checkBudget(estimateEnvironment(without(staging, "budget"), prices))).toMatchObject({ status: "none" });
  });
});

describe("cost differences", () => {
  const base = shipped();

  it("match stacks and lines across revisions and show only what changed", () => {
    const head = estimateEnvironments(
      edited((config) => {
        config.environments.production.data.postgres.nodeCount = 3;
        config.environments.production.cluster.appPools[0].nodes.maxNodes = 12;
        config.environments.staging.cluster.appPools = [];
        config.environments.staging.cluster.appPools.push({ name: "apps", size: "s-4vcpu-8gb", nodes: { minNodes: 1, maxNodes: 6 } });
      }),
      prices,
    );
    const withBatchPool = estimateEnvironments(
      edited((config) => {
        config.environments.staging.cluster.appPools.push({ name: "batch", size: "s-2vcpu-4gb", nodes: { minNodes: 1, maxNodes: 2 } });
      }),
      prices,
    );
    const [staging, production] = diffEstimates(withBatchPool, head);
    expect(production.before).toEqual({ minCents: 877_00, maxCents: 1741_00 });
    expect(production.after).toEqual({ minCents: 937_00, maxCents: 1993_00 });
    expect(production.stacks.filter((stack) => stack.changes.length).map((stack) => [stack.stack, stack.changes.map((change) => change.id)])).toEqual([
      ["cryptopulse-production-cluster-fra1", ["pool:apps"]],
      ["cryptopulse-production-data-fra1", ["postgres"]],
    ]);
    const removed = staging.stacks.find((stack) => stack.stack === "cryptopulse-staging-cluster-fra1")!.changes;
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatchObject({ id: "pool:batch", before: { maxCents: 48_00 }, after: undefined });
  });

  it("render as the pull-request comment's Markdown", () => {
    const head = estimateEnvironments(
      edited((config) => {
        config.environments.production.data.postgres.nodeCount = 3;
      }),
      prices,
    );
    const markdown = renderDiffMarkdown("origin/main (0123456789ab)", diffEstimates(base, head), head.map(checkBudget));
    expect(markdown).toContain("**staging**: $228.00 – $492.00 → $228.00 – $492.00 ($0.00)\n✅ within budget: staging: estimate at maximum scale $492.00 is 66% of the budget of $750.00\n\nNo cost change.");
    expect(markdown).toContain("**production**: $877.00 – $1,741.00 → $937.00 – $1,801.00 (+$60.00)");
    expect(markdown).toContain("| `cryptopulse-production-data-fra1` | $480.00 | $540.00 | +$60.00 |");
    expect(markdown).toContain("- `cryptopulse-production-data-fra1`: PostgreSQL (db-s-2vcpu-4gb, 3 nodes) (was PostgreSQL (db-s-2vcpu-4gb, 2 nodes)): 2 × $60.00 → 3 × $60.00 (+$60.00)");
    expect(markdown).toContain("- 7 other stacks unchanged");
  });

  it("show an environment that only one side has", () => {
    const [onlyStaging] = diffEstimates(base.slice(0, 1), base);
    expect(onlyStaging.environment).toBe("staging");
    const production = diffEstimates(base.slice(0, 1), base)[1];
    expect(production).toMatchObject({ environment: "production", before: undefined, after: { maxCents: 1741_00 } });
    expect(renderDiffMarkdown("main", [production], [])).toContain("**production**: — → $877.00 – $1,741.00 (+$877.00 / +$1,741.00)");
  });
});

describe("rendering", () => {
  const estimates = shipped();
  const verdicts = estimates.map(checkBudget);

  it("prints a table per environment with stack totals, the budget verdict and numbered sources", () => {
    const text = renderEstimateText(estimates, verdicts);
    expect(text).toMatch(/│ app pool apps \(s-8vcpu-16gb\)\s+│\s+2–10 │\s+\$96\.00 │\s+\$192\.00 │\s+\$960\.00 │ \[\d\]\s+│/);
    expect(text).toMatch(/│ production total\s+│\s+│\s+│\s+\$877\.00 │\s+\$1,741\.00 │\s+│/);
    expect(text).toContain("within budget: production: estimate at maximum scale $1,741.00 is 70% of the budget of $2,500.00");
    expect(text).toMatch(/\[\d\] https:\/\/docs\.digitalocean\.com\/products\/kubernetes\/details\/pricing\/ \(checked \d{4}-\d{2}-\d{2}\)/);
    expect(text).not.toMatch(/\u001b\[/); // no colour codes in logs
  });

  it("gives machines every line in whole cents", () => {
    const json = JSON.parse(renderEstimateJson(estimates, verdicts));
    expect(json.unit).toBe("cents per month");
    expect(json.environments.find((environment: any) => environment.environment === "production").maxCents).toBe(1741_00);
    expect(json.budgets.map((verdict: any) => verdict.status)).toEqual(["within", "within"]);
  });
});
