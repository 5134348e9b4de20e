import { z } from "zod";
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
  readonly price: Price;
  /** How many units at minimum scale (autoscaling pools at minNodes) and at maximum scale. */
  readonly quantity: { readonly min: number; readonly max: number };
  readonly minCents: number;
  readonly maxCents: number;
}

export interface StackCost {
  /** The stack name, `cryptopulse-<env>-<layer>[-<region>]`. */
  readonly stack: string;
  readonly lines: readonly CostLine[];
}

export interface LayerMapping {
  readonly layer: string;
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

/** `cryptopulse-<env>-<layer>[-<region>]`, the stack naming of stacks/platform-stack.ts. */
function stackName(environment: string, layer: string, region?: string): string {
  return ["cryptopulse", environment, layer, region].filter(Boolean).join("-");
}

/** A line of `quantity` units of one price: exact in cents. */
function costLine(id: string, item: string, price: Price, min: number, max = min): CostLine {
  return { id, item, price, quantity: { min, max }, minCents: min * price.monthlyCents, maxCents: max * price.monthlyCents };
}

/**
 * Declares a layer: the environment fields it needs (`requires`, top-level keys
 * of a resolved environment), the schema they must match, and the pricing.
 */
function defineLayer<Schema extends z.ZodType<object>>(layer: {
  readonly layer: string;
  readonly requires: readonly string[];
  readonly input: Schema;
  readonly stacks: (environment: z.output<Schema> & { readonly name: string }, price: (kind: PriceKind, slug: string) => Price) => readonly StackCost[];
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
      return layer.stacks({ ...parsed.data, name }, (kind, slug) => prices.price(kind, slug));
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
      lines: [costLine("vpc", `VPC ${where.slug}`, price("vpc", "network"), 1)],
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
    const pool = (kind: string, config: z.output<typeof nodePool>) =>
      costLine(`pool:${config.name}`, `${kind} pool ${config.name} (${config.size})`, price("droplet", config.size), config.nodes.minNodes, config.nodes.maxNodes);
    const lines = [
      ...(doks.highAvailability ? [costLine("ha-control-plane", "HA control plane", price("doks", "ha-control-plane"), 1)] : []),
      pool("system", doks.systemPool),
      ...doks.appPools.map((appPool) => pool("app", appPool)),
      ...(registry.owned
        ? [costLine("registry", `container registry ${registry.name} (${registry.subscriptionTier})`, price("registry", registry.subscriptionTier), 1)]
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
      costLine("postgres", `PostgreSQL (${postgres.size}, ${nodes(postgres.nodeCount)})`, price("database", postgres.size), postgres.nodeCount),
      ...Object.entries(postgres.replicas).map(([name, size]) =>
        costLine(`postgres-replica:${name}`, `PostgreSQL replica ${name} (${size})`, price("database", size), 1),
      ),
      costLine("valkey", `Valkey (${valkey.size}, ${nodes(valkey.nodeCount)})`, price("database", valkey.size), valkey.nodeCount),
      costLine("mongodb", `MongoDB (${mongodb.size}, ${nodes(mongodb.nodeCount)})`, price("database", mongodb.size), mongodb.nodeCount),
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
      costLine("ingress-load-balancer", `ingress load balancer (${units === 1 ? "1 node" : `${units} nodes`})`, price("loadBalancer", "regional-node"), units),
      ...(environment.observability?.logs ? [costLine("log-bucket", `log bucket ${environment.primaryRegion.slug}`, price("spaces", "bucket"), 1)] : []),
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
      costLine("cloudflare-plan", `Cloudflare ${plan} plan`, price("cloudflarePlan", plan), 1),
      ...(advancedCertificateManager
        ? [costLine("advanced-certificate-manager", "Advanced Certificate Manager", price("cloudflareAddon", "advanced-certificate-manager"), 1)]
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
        costLine("bucket", `backup bucket ${where.slug}`, price("spaces", "bucket"), 1),
        ...(index === 0 && environment.registry.owned ? [costLine("spaces-subscription", "Spaces subscription (account)", price("spaces", "subscription"), 1)] : []),
      ],
    })),
});

/** Every layer with priced resources, in deploy order. */
export const LAYERS: readonly LayerMapping[] = [network, cluster, data, backup, platform, edge];
