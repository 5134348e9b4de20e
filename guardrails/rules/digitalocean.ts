import { ALLOCATION_TAG_KEYS, DIGITALOCEAN_TAG_PATTERN, tagValue } from "../../config/allocation";
import { cidrContains, parseCidr, PRIVATE_RANGES } from "../../config/cidr";
import { blocks, first, isLiteral, refersTo, type Json, type JsonObject } from "../json";
import { defineRule, resourcesOf } from "../rule";

const DATABASES = ["digitalocean_database_cluster", "digitalocean_database_replica"] as const;
const DOKS = "digitalocean_kubernetes_cluster";

/** Trusted-source types that name DigitalOcean resources inside the account, never an address range. */
const INTERNAL_SOURCES = ["k8s", "droplet", "tag", "app"];

/** `${data.digitalocean_kubernetes_versions.<name>.latest_version}`: the newest patch of a configured minor. */
const VERSION_FROM_DATA_SOURCE = /^\$\{data\.digitalocean_kubernetes_versions\.[^.}]+\.latest_version\}$/;

/**
 * DigitalOcean resources whose tags label the resource itself, with where the
 * tag lists sit (a nested block's by `block.attribute`). Left out on purpose:
 * `digitalocean_database_replica` (its tags are ForceNew in provider 2.71.0:
 * tagging a running replica would replace it), `digitalocean_firewall` and
 * `digitalocean_monitor_alert` (their tags select the droplets they act on),
 * and the load balancers DOKS creates (not Terraform resources; the cloud
 * controller resets their tags to `k8s:<cluster id>`).
 */
export const ALLOCATION_TAGGED = {
  digitalocean_kubernetes_cluster: ["tags", "node_pool.tags"],
  digitalocean_kubernetes_node_pool: ["tags"],
  digitalocean_database_cluster: ["tags"],
  digitalocean_droplet: ["tags"],
  digitalocean_droplet_autoscale: ["droplet_template.tags"],
  digitalocean_volume: ["tags"],
  digitalocean_volume_snapshot: ["tags"],
  digitalocean_custom_image: ["tags"],
  digitalocean_nfs: ["tags"],
} as const satisfies Record<string, readonly string[]>;

/**
 * What is wrong with one tag list: exactly one literal `key:value` per allocation key, each value valid, and
 * every literal tag one DigitalOcean accepts (found at synth, not when the apply is half done).
 */
function allocationTagProblem(where: string, tags: Json | undefined): string | undefined {
  const list = Array.isArray(tags) ? tags : [];
  const malformed = list
    .filter((tag): tag is string => isLiteral(tag) && !DIGITALOCEAN_TAG_PATTERN.test(tag))
    .map((tag) => `${JSON.stringify(tag)} is not a DigitalOcean tag (letters, digits, colons, dashes, underscores; at most 255)`);
  const missing = ALLOCATION_TAG_KEYS.flatMap((key) => {
    const values = list.filter((tag): tag is string => typeof tag === "string" && tag.startsWith(`${key}:`)).map((tag) => tag.slice(key.length + 1));
    if (values.length === 0) return [`no ${key}: tag`];
    if (values.length > 1) return [`${values.length} ${key}: tags (${values.join(", ")}), so its cost would count twice`];
    return isLiteral(values[0]) && tagValue.safeParse(values[0]).success ? [] : [`${key}:${values[0]} is not a valid tag value`];
  });
  const problems = [...malformed, ...missing];
  return problems.length > 0 ? `${where}: ${problems.join(", ")}` : undefined;
}

/** What is wrong with one trusted-source rule of a database firewall. */
function firewallRuleProblem(rule: JsonObject, index: number): string | undefined {
  const { type, value } = rule;
  if (typeof type === "string" && INTERNAL_SOURCES.includes(type)) return undefined;
  if (type !== "ip_addr") return `rule[${index}] has source type ${JSON.stringify(type)}`;
  if (!isLiteral(value)) return `rule[${index}] admits an ip_addr known only at plan time`;
  const cidr = parseCidr(value.includes("/") ? value : `${value}/32`);
  if (!cidr) return `rule[${index}] admits ${JSON.stringify(value)}, not an IPv4 address or range`;
  return PRIVATE_RANGES.some((range) => cidrContains(range, cidr)) ? undefined : `rule[${index}] admits ${value}, a public source`;
}

export const digitaloceanRules = [
  defineRule({
    id: "CP-DO-001",
    reason: "a database outside the VPC is reached over the public internet",
    fix: "set privateNetworkUuid to the region's VPC id",
    scope: "database clusters and replicas",
    appliesTo: resourcesOf(...DATABASES),
    check: (block) => {
      const vpc = block.config.private_network_uuid;
      return typeof vpc === "string" && vpc !== "" ? undefined : "private_network_uuid is not set";
    },
  }),
  defineRule({
    id: "CP-DO-002",
    reason: "a database without a firewall accepts connections from anywhere, and two firewalls overwrite each other's rules",
    fix: "give every database cluster and replica exactly one digitalocean_database_firewall, in the same stack",
    scope: "database clusters and replicas, and the `digitalocean_database_firewall`s that refer to them",
    appliesTo: resourcesOf(...DATABASES),
    check: (block, context) => {
      const firewalls = context.blocks.filter(
        (other) => other.kind === "resource" && other.type === "digitalocean_database_firewall" && refersTo(other.config.cluster_id, block.address),
      );
      if (firewalls.length === 1) return undefined;
      return firewalls.length === 0 ? "no digitalocean_database_firewall refers to it" : `${firewalls.length} firewalls refer to it: ${firewalls.map((f) => f.path).join(", ")}`;
    },
  }),
  defineRule({
    id: "CP-DO-003",
    reason: "a database firewall rule that admits a public source exposes the database to the internet",
    fix: "trust only k8s, droplet, tag or app sources, or private (RFC 1918) addresses",
    scope: "the rules of database firewalls",
    appliesTo: resourcesOf("digitalocean_database_firewall"),
    check: (block) => {
      const rules = blocks(block.config, "rule");
      if (rules.length === 0) return "has no rule (DigitalOcean then trusts every source)";
      const problems = rules.map(firewallRuleProblem).filter((problem) => problem !== undefined);
      return problems.length > 0 ? problems.join("; ") : undefined;
    },
  }),
  defineRule({
    id: "CP-DO-004",
    reason: "a pinned DOKS version slug goes stale, and auto-upgrade then makes the next plan a downgrade that replaces the cluster",
    fix: "take version from a digitalocean_kubernetes_versions data source's latest_version (versionPrefix = the minor)",
    scope: "DOKS clusters",
    appliesTo: resourcesOf(DOKS),
    check: (block) => {
      const version = block.config.version;
      if (typeof version === "string" && VERSION_FROM_DATA_SOURCE.test(version)) return undefined;
      return `version is ${JSON.stringify(version)}`;
    },
  }),
  defineRule({
    id: "CP-DO-005",
    reason: "a single control plane is an outage window at every failure and upgrade",
    fix: "set ha: true (highAvailability in the cluster config)",
    scope: "DOKS clusters",
    tiers: ["production"],
    appliesTo: resourcesOf(DOKS),
    check: (block) => (block.config.ha === true ? undefined : `ha is ${JSON.stringify(block.config.ha ?? false)}`),
  }),
  defineRule({
    id: "CP-DO-006",
    reason: "without automatic surge upgrades the cluster falls behind on security patches, or loses capacity while it upgrades",
    fix: "set autoUpgrade: true and leave surgeUpgrade on",
    scope: "DOKS clusters",
    tiers: ["production"],
    appliesTo: resourcesOf(DOKS),
    check: (block) => {
      const problems = [
        block.config.auto_upgrade === true ? undefined : `auto_upgrade is ${JSON.stringify(block.config.auto_upgrade ?? false)}`,
        block.config.surge_upgrade === false ? "surge_upgrade is false" : undefined,
      ].filter((problem) => problem !== undefined);
      return problems.length > 0 ? problems.join("; ") : undefined;
    },
  }),
  defineRule({
    id: "CP-DO-007",
    reason: "a Kubernetes API open to the internet is one leaked credential away from the whole cluster",
    fix: "enable controlPlaneFirewall with the admin CIDRs only",
    scope: "DOKS clusters: their control-plane firewall, which must admit no `/0`",
    appliesTo: resourcesOf(DOKS),
    check: (block) => {
      const firewall = first(block.config, "control_plane_firewall");
      if (firewall?.enabled !== true) return "control_plane_firewall is not enabled";
      const addresses = Array.isArray(firewall.allowed_addresses) ? firewall.allowed_addresses : [];
      const open = addresses.filter((address) => typeof address === "string" && /\/0$/.test(address));
      return open.length > 0 ? `allowed_addresses contains ${open.join(", ")}` : undefined;
    },
  }),
  defineRule({
    id: "CP-DO-008",
    reason: "a bucket readable by anyone publishes every backup and file in it",
    fix: "leave acl unset or \"private\"; serve public files through a CDN origin instead",
    scope: "Spaces buckets",
    appliesTo: resourcesOf("digitalocean_spaces_bucket"),
    check: (block) => (block.config.acl === undefined || block.config.acl === "private" ? undefined : `acl is ${JSON.stringify(block.config.acl)}`),
  }),
  defineRule({
    id: "CP-DO-009",
    reason: "without versioning an overwrite or delete of an object loses it for good",
    fix: "set versioning: { enabled: true }",
    scope: "Spaces buckets",
    appliesTo: resourcesOf("digitalocean_spaces_bucket"),
    check: (block) => (first(block.config, "versioning")?.enabled === true ? undefined : "versioning is not enabled"),
  }),
  defineRule({
    id: "CP-DO-010",
    reason: "a resource without allocation tags cannot be charged to a service or team",
    fix: "tag it with allocationTags(service) of its stack: environment, layer, service and team, one of each",
    scope: "DOKS clusters and their default pool, node pools, database clusters (not replicas: their tags are ForceNew), droplets, volumes, …",
    appliesTo: (block) => block.kind === "resource" && Object.hasOwn(ALLOCATION_TAGGED, block.type),
    check: (block) => {
      const locations: readonly string[] = ALLOCATION_TAGGED[block.type as keyof typeof ALLOCATION_TAGGED];
      const problems = locations.flatMap((location) => {
        const [parent, attribute] = location.includes(".") ? location.split(".") : [undefined, location];
        const holders = parent === undefined ? [block.config] : blocks(block.config, parent);
        return holders.map((holder) => allocationTagProblem(location, holder[attribute])).filter((problem) => problem !== undefined);
      });
      return problems.length > 0 ? problems.join("; ") : undefined;
    },
  }),
] as const;
