import { z } from "zod";
import { environmentPrefix, LAYER_NAMES } from "./naming.mjs";

/**
 * Cost allocation (the guide's Cost Monitoring → "Track costs by service/team"):
 * every taggable DigitalOcean resource carries `environment:`, `layer:`,
 * `service:` and `team:` tags, and `npm run cost -- --group-by` sums the
 * estimate by the same keys. The services are a closed list, so a team named
 * for a service that does not exist is a configuration error, not a silent no-op.
 */

export { LAYER_NAMES };
export type Layer = (typeof LAYER_NAMES)[number];

/** What a priced or tagged resource is for: the unit costs are allocated to. */
export const ALLOCATION_SERVICES = {
  network: "the VPCs and the environment's project",
  kubernetes: "the DOKS control plane and its system node pool",
  workloads: "the app node pools that run frontend, backend and functions",
  registry: "the account's container registry",
  postgres: "PostgreSQL, its standbys and read-only replicas",
  valkey: "Valkey",
  mongodb: "MongoDB",
  ingress: "the ingress controller's load balancer",
  logging: "the log bucket of the centralized logs",
  backup: "the backup buckets and the Spaces subscription",
  edge: "the Cloudflare plan and its add-ons",
} as const;
export type AllocationService = keyof typeof ALLOCATION_SERVICES;
export const ALLOCATION_SERVICE_NAMES = Object.keys(ALLOCATION_SERVICES) as AllocationService[];

/** The tag keys every taggable resource carries, in the order they are written. */
export const ALLOCATION_TAG_KEYS = ["environment", "layer", "service", "team"] as const;
export type AllocationTagKey = (typeof ALLOCATION_TAG_KEYS)[number];

/**
 * DigitalOcean's tag rule (API reference, tags: `^[a-zA-Z0-9_\-\:]+$`, at most
 * 255 characters; provider 2.71.0 `tag.ValidateTag` checks the same).
 */
export const DIGITALOCEAN_TAG_PATTERN = /^[a-zA-Z0-9_\-:]{1,255}$/;

/**
 * A tag value: lowercase (DigitalOcean keeps the first spelling of a tag as
 * canonical, so `Team:Data` and `team:data` would be one tag shown two ways),
 * no colon (it separates key and value), short enough for any key.
 */
const TAG_VALUE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const TAG_VALUE_RULE = "1-63 lowercase letters, digits, dashes or underscores, starting with a letter or digit (no colon: it separates key and value)";

export const tagValue = z.string().regex(TAG_VALUE_PATTERN, TAG_VALUE_RULE);

/** A team per key of `names`; an unknown key is refused with the list of known ones. */
function teamsBy<const Name extends string>(names: readonly Name[], what: string) {
  const key = z.string().refine((name) => (names as readonly string[]).includes(name), `not a ${what}; allowed: ${names.join(", ")}`);
  return z.record(key, tagValue).default({}) as unknown as z.ZodDefault<z.ZodType<Partial<Record<Name, string>>>>;
}

export const costAllocationSchema = z.strictObject({
  /** The team charged for every resource that no entry below assigns. */
  defaultTeam: tagValue,
  /** A team per layer, over defaultTeam. */
  layerTeams: teamsBy(LAYER_NAMES, "layer"),
  /** A team per service, over its layer's. */
  serviceTeams: teamsBy(ALLOCATION_SERVICE_NAMES, "service"),
});

export type CostAllocationConfig = z.output<typeof costAllocationSchema>;
export type CostAllocationInput = z.input<typeof costAllocationSchema>;

/** The team a resource of `service` in `layer` is charged to: the service's, else the layer's, else the default. */
export function teamOf(allocation: CostAllocationConfig, layer: Layer, service: AllocationService): string {
  return allocation.serviceTeams[service] ?? allocation.layerTeams[layer] ?? allocation.defaultTeam;
}

/** The allocation of one resource: its value for every tag key. */
export type Allocation = Readonly<Record<AllocationTagKey, string>>;

export function allocationOf(environment: string, allocation: CostAllocationConfig, layer: Layer, service: AllocationService): Allocation {
  return { environment, layer, service, team: teamOf(allocation, layer, service) };
}

/** `["environment:production", "layer:data", "service:postgres", "team:devops"]` (CP-DO-010 checks every one at synth). */
export function allocationTags(allocation: Allocation): string[] {
  return ALLOCATION_TAG_KEYS.map((key) => `${key}:${allocation[key]}`);
}

/**
 * The DigitalOcean project of an environment (stacks/network-stack.ts creates it). DigitalOcean's invoice names
 * each item's project, so the project is how the actual spend splits by environment (scripts/cost-report.mjs).
 */
export function environmentProjectName(environment: string): string {
  return environmentPrefix(environment);
}
