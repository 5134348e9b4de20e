import { z } from "zod";
import { costAllocationSchema, teamOf, type AllocationService, type CostAllocationConfig, type Layer } from "../config/allocation";
import { stackName } from "../config/naming.mjs";
import type { Price, PriceKind, PriceTable } from "./prices";

/**
 * How each layer's configuration turns into priced resources: one mapping per
 * layer. A mapping declares the configuration it reads (a lenient schema, so an
 * older revision of the config can be priced too) and returns its stacks' cost
 * lines. A new layer (edge: the Cloudflare plan and add-ons; backup: Spaces) is
 * its price rows in prices.json plus one more entry in LAYERS.
 */

/** One priced resource of a stack, at the environment's minimum and maximum scale. */
export interface CostLine {
  /** Stable within its stack (e.g. "pool:apps"), so a diff matches lines across revisions. */
  readonly id: string;
  /** What is priced, e.g. "app pool apps (s-8vcpu-16gb)". */
  readonly item: string;
  /** What it is for: the `service:` tag its resource carries. */
  readonly service: AllocationService;
  /** Who is charged: the `team:` tag, from the environment's costAllocation ("unassigned" in revisions without one). */
  readonly team: string;
  readonly price: Price;
  /** How many units at minimum scale (autoscaling pools at minNodes) and at maximum scale. */
  readonly quantity: { readonly min: number; readonly max: number };
  readonly minCents: number;
  readonly maxCents: number;
}

export interface StackCost {
  /** The stack name, `cryptopulse-<env>-<layer>[-<region>]`. */
  readonly stack: string;
  readonly layer: Layer;
  readonly lines: readonly CostLine[];
}

export interface LayerMapping {
  readonly layer: Layer;
  /**
   * The stacks this layer has in `environment` (one resolved environment of
   * loadPlatformConfig(), any revision), priced with `prices`. No stacks when
   * the revision's configuration has no section for the layer yet.
   */
  stacks(environment: object, prices: PriceTable): readonly StackCost[];
}

/** A revision's configuration that a layer cannot read (renamed or reshaped fields). */
export class CostInputError extends Error {
  constructor(environment: string, layer: string, problems: readonly string[]) {
    super(`cannot price the ${layer} layer of environment "${environment}": ${problems.join("; ")}`);
    this.name = "CostInputError";
  }
}

/** A line before its team is known: the mapping of a layer writes these. */
type PricedLine = Omit<CostLine, "team">;

/** A line of `quantity` units of one price: exact in cents. */
function costLine(id: string, item: string, service: AllocationService, price: Price, min: number, max = min): PricedLine {
  return { id, item, service, price, quantity: { min, max }, minCents: min * price.monthlyCents, maxCents: max * price.monthlyCents };
}

/** A revision of the configuration from before cost allocation charges everything to nobody in particular. */
const UNASSIGNED: CostAllocationConfig = { defaultTeam: "unassigned", layerTeams: {}, serviceTeams: {} };

/**
 * Declares a layer: the environment fields it needs (`requires`, top-level keys
 * of a resolved environment), the schema they must match, and the pricing.
 */
function defineLayer<Schema extends z.ZodType<object>>(layer: {
  readonly layer: Layer;
  readonly requires: readonly string[];
  readonly input: Schema;
  readonly stacks: (
    environment: z.output<Schema> & { readonly name: string },
    price: (kind: PriceKind, slug: string) => Price,
  ) => readonly { readonly stack: string; readonly lines: readonly PricedLine[] }[];
}): LayerMapping {
  return {
    layer: layer.layer,
    stacks(environment, prices) {
      if (!layer.requires.every((key) => key in environment)) return [];
      const name = String((environment as { name?: unknown }).name);
      const parsed = layer.input.safeParse(environment);
      if (!parsed.success) {
        throw new CostInputError(
          name,
          layer.layer,
          parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
        );
      }
      const allocation = costAllocationSchema.safeParse((environment as { costAllocation?: unknown }).costAllocation);
      const teams = allocation.success ? allocation.data : UNASSIGNED;
      return layer.stacks({ ...parsed.data, name }, (kind, slug) => prices.price(kind, slug)).map((stack) => ({
        ...stack,
        layer: layer.layer,
        lines: stack.lines.map((line) => ({ ...line, team: teamOf(teams, layer.layer, line.service) })),
      }));
    },
  };
}

const region = z.object({ slug: z.string() });
const nodePool = z.object({ name: z.string(), size: z.string(), nodes: z.object({ minNodes: z.int(), maxNodes: z.int() }) });
const database = z.object({ size: z.string(), nodeCount: z.int() });

/** network: a VPC in every region (free, listed so every stack shows up). */
const network = defineLayer({
  layer: "network",
  requires: ["regions"],
  input: z.object({ regions: z.array(region) }),
  stacks: (environment, price) =>
    environment.regions.map((where) => ({
      stack: stackName(environment.name, "network", where.slug),
      lines: [costLine("vpc", `VPC ${where.slug}`, "network", price("vpc", "network"), 1)],
    })),
});

/** cluster: the HA control plane, every node pool from minNodes to maxNodes, the registry where it is owned. */
const cluster = defineLayer({
  layer: "cluster",
  requires: ["primaryRegion", "cluster", "registry"],
  input: z.object({
    primaryRegion: region,
    cluster: z.object({ highAvailability: z.boolean(), systemPool: nodePool, appPools: z.array(nodePool) }),
    registry: z.object({ name: z.string(), subscriptionTier: z.string(), owned: z.boolean() }),
  }),
  stacks: (environment, price) => {
    const { cluster: doks, registry } = environment;
    // The system pool runs the cluster's own add-ons; the app pools run the services (the same split as the tags).
    const pool = (kind: "system" | "app", config: z.output<typeof nodePool>) =>
      costLine(
        `pool:${config.name}`,
        `${kind} pool ${config.name} (${config.size})`,
        kind === "system" ? "kubernetes" : "workloads",
        price("droplet", config.size),
        config.nodes.minNodes,
        config.nodes.maxNodes,
      );
    const lines = [
      ...(doks.highAvailability ? [costLine("ha-control-plane", "HA control plane", "kubernetes", price("doks", "ha-control-plane"), 1)] : []),
      pool("system", doks.systemPool),
      ...doks.appPools.map((appPool) => pool("app", appPool)),
      ...(registry.owned
        ? [costLine("registry", `container registry ${registry.name} (${registry.subscriptionTier})`, "registry", price("registry", registry.subscriptionTier), 1)]
        : []),
    ];
    return [{ stack: stackName(environment.name, "cluster", environment.primaryRegion.slug), lines }];
  },
});

/** data: every node of PostgreSQL (primary + standbys), its read-only replicas, Valkey and MongoDB. */
const data = defineLayer({
  layer: "data",
  requires: ["primaryRegion", "data"],
  input: z.object({
    primaryRegion: region,
    data: z.object({
      postgres: database.extend({ replicas: z.record(z.string(), z.string()) }),
      valkey: database,
      mongodb: database,
    }),
  }),
  stacks: (environment, price) => {
    const { postgres, valkey, mongodb } = environment.data;
    const nodes = (count: number) => (count === 1 ? "1 node" : `${count} nodes`);
    const lines = [
      costLine("postgres", `PostgreSQL (${postgres.size}, ${nodes(postgres.nodeCount)})`, "postgres", price("database", postgres.size), postgres.nodeCount),
      ...Object.entries(postgres.replicas).map(([name, size]) =>
        costLine(`postgres-replica:${name}`, `PostgreSQL replica ${name} (${size})`, "postgres", price("database", size), 1),
      ),
      costLine("valkey", `Valkey (${valkey.size}, ${nodes(valkey.nodeCount)})`, "valkey", price("database", valkey.size), valkey.nodeCount),
      costLine("mongodb", `MongoDB (${mongodb.size}, ${nodes(mongodb.nodeCount)})`, "mongodb", price("database", mongodb.size), mongodb.nodeCount),
    ];
    return [{ stack: stackName(environment.name, "data", environment.primaryRegion.slug), lines }];
  },
});

/**
 * platform: the ingress controller's DigitalOcean load balancer, one node per size unit; Loki's
 * log bucket where the revision has centralized logs (its storage counts against the Spaces subscription).
 */
const platform = defineLayer({
  layer: "platform",
  requires: ["primaryRegion", "platform"],
  input: z.object({
    primaryRegion: region,
    platform: z.object({ ingress: z.object({ loadBalancerSizeUnit: z.int() }) }),
    observability: z.object({ logs: z.object({}).optional() }).optional(),
  }),
  stacks: (environment, price) => {
    const units = environment.platform.ingress.loadBalancerSizeUnit;
    const lines = [
      costLine("ingress-load-balancer", `ingress load balancer (${units === 1 ? "1 node" : `${units} nodes`})`, "ingress", price("loadBalancer", "regional-node"), units),
      ...(environment.observability?.logs ? [costLine("log-bucket", `log bucket ${environment.primaryRegion.slug}`, "logging", price("spaces", "bucket"), 1)] : []),
    ];
    return [{ stack: stackName(environment.name, "platform", environment.primaryRegion.slug), lines }];
  },
});

/** edge: the zone's Cloudflare plan, plus Advanced Certificate Manager where the zone has it (prices are per zone). */
const edge = defineLayer({
  layer: "edge",
  requires: ["edge"],
  input: z.object({ edge: z.object({ plan: z.string(), advancedCertificateManager: z.boolean() }) }),
  stacks: (environment, price) => {
    const { plan, advancedCertificateManager } = environment.edge;
    const lines = [
      costLine("cloudflare-plan", `Cloudflare ${plan} plan`, "edge", price("cloudflarePlan", plan), 1),
      ...(advancedCertificateManager
        ? [costLine("advanced-certificate-manager", "Advanced Certificate Manager", "edge", price("cloudflareAddon", "advanced-certificate-manager"), 1)]
        : []),
    ];
    return [{ stack: stackName(environment.name, "edge"), lines }];
  },
});

/**
 * backup: a bucket per region. The Spaces subscription is per account, so it
 * is priced once, with the environment that owns the account's shared
 * resources (the registry owner); the buckets' storage counts against it.
 */
const backup = defineLayer({
  layer: "backup",
  requires: ["regions", "backup", "registry"],
  input: z.object({ regions: z.array(region), registry: z.object({ owned: z.boolean() }) }),
  stacks: (environment, price) =>
    environment.regions.map((where, index) => ({
      stack: stackName(environment.name, "backup", where.slug),
      lines: [
        costLine("bucket", `backup bucket ${where.slug}`, "backup", price("spaces", "bucket"), 1),
        ...(index === 0 && environment.registry.owned ? [costLine("spaces-subscription", "Spaces subscription (account)", "backup", price("spaces", "subscription"), 1)] : []),
      ],
    })),
});

/** Every layer with priced resources, in deploy order. */
export const LAYERS: readonly LayerMapping[] = [network, cluster, data, backup, platform, edge];
