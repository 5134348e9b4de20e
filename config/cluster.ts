import { z } from "zod";
import { coveredAddresses, IPV4_ADDRESSES, malformedCidrMessage, parseCidr, type Ipv4Cidr } from "./cidr";
import { DOKS_MINORS, DOKS_RELEASES_READ_ON } from "./doks-releases";
import { DROPLET_SIZE_SLUGS, DROPLET_SIZES } from "./droplet-sizes";
import { uniqueList } from "./unique";

/**
 * The `cluster` section of an environment: the DOKS cluster in its primary
 * region. Two kinds of node pool: the cluster's default pool is the small
 * *system* pool (its droplet size can never change without replacing the whole
 * cluster), and the app services run on separate autoscaling *app* pools, which
 * can be replaced one at a time.
 */

/** Label and taint the platform layer's app workloads select and tolerate. */
export const APP_POOL_LABEL = "cryptopulse.com/pool";
export const APP_POOL_TAINT = { key: "cryptopulse.com/dedicated", effect: "NoSchedule" } as const;

/** DOKS minimum: the cluster autoscaler cannot go below one node per pool. */
const MIN_POOL_NODES = 1;
/** DigitalOcean's default droplet limit per account. */
const MAX_POOL_NODES = 25;

const VERSION_PREFIX_PATTERN = /^1\.\d{2}\.$/;

const WEEKDAYS = ["any", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;

const dropletSize = z.string().refine((slug) => Object.hasOwn(DROPLET_SIZES, slug), {
  message: `unknown node size; allowed: ${DROPLET_SIZE_SLUGS.join(", ")}`,
});

const poolName = z.string().regex(/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/, "3-32 lowercase letters, digits or dashes");

const nodeRange = z
  .strictObject({
    minNodes: z.int().min(MIN_POOL_NODES, `at least ${MIN_POOL_NODES} node (DOKS cannot autoscale a pool to zero)`),
    maxNodes: z.int().max(MAX_POOL_NODES, `at most ${MAX_POOL_NODES} nodes (DigitalOcean's default droplet limit)`),
  })
  .superRefine((range, ctx) => {
    if (range.minNodes > range.maxNodes) {
      ctx.addIssue({ code: "custom", path: ["minNodes"], message: `minNodes must not exceed maxNodes (${range.maxNodes})` });
    }
  });

const poolSchema = z.strictObject({
  name: poolName,
  size: dropletSize,
  nodes: nodeRange,
});

const adminCidr = z.string().superRefine((text, ctx) => {
  const cidr = parseCidr(text);
  if (!cidr) ctx.addIssue({ code: "custom", message: malformedCidrMessage(text, "an IPv4 CIDR such as 203.0.113.0/24") });
  else if (cidr.hostBitsSet) ctx.addIssue({ code: "custom", message: "host bits set: the address must be the first of its range" });
});

/**
 * The most of the IPv4 space the admin CIDRs may open the Kubernetes API to,
 * together: 1/256 of it, the size of one /8 (16,777,216 addresses). VPN
 * egress and deploy runners are a handful of small ranges; a union beyond a
 * /8 (0.0.0.0/0, two /1s, a list of /4s, ...) is most of the internet, not
 * the administrators.
 */
export const ADMIN_CIDRS_MAX_ADDRESSES = IPV4_ADDRESSES / 256;

/** `100%`, `50%`, `0.39%`: a share of the IPv4 space for an error line. */
function ipv4Share(addresses: number): string {
  return `${Number(((addresses / IPV4_ADDRESSES) * 100).toPrecision(2))}%`;
}

const ADMIN_CIDRS_RULE = `admin CIDRs may cover at most 1/256 of it together (${ADMIN_CIDRS_MAX_ADDRESSES} addresses, one /8)`;

/**
 * Rejects admin CIDRs that open the API to most of the internet, one at a
 * time or together. Runs on the raw list, so a malformed entry beside them
 * (reported by its own rule) does not hide a wide one.
 */
function checkAdminCidrsReach(entries: readonly unknown[], ctx: z.RefinementCtx): void {
  const cidrs = entries.map((entry) => (typeof entry === "string" ? parseCidr(entry) : undefined));
  let tooWideAlone = false;
  cidrs.forEach((cidr, index) => {
    if (!cidr || coveredAddresses([cidr]) <= ADMIN_CIDRS_MAX_ADDRESSES) return;
    tooWideAlone = true;
    ctx.addIssue({ code: "custom", path: [index], message: `opens the Kubernetes API to ${ipv4Share(coveredAddresses([cidr]))} of the IPv4 internet; ${ADMIN_CIDRS_RULE}` });
  });
  const covered = coveredAddresses(cidrs.filter((cidr): cidr is Ipv4Cidr => cidr !== undefined));
  if (!tooWideAlone && covered > ADMIN_CIDRS_MAX_ADDRESSES) {
    ctx.addIssue({ code: "custom", message: `together open the Kubernetes API to ${ipv4Share(covered)} of the IPv4 internet (${covered} addresses); ${ADMIN_CIDRS_RULE}` });
  }
}

export const clusterSchema = z
  .strictObject({
    /** DOKS minor to track, e.g. "1.35.": the newest patch is looked up at plan time. */
    versionPrefix: z
      .string()
      .regex(VERSION_PREFIX_PATTERN, 'a Kubernetes minor followed by a dot, e.g. "1.35."')
      .refine(
        (prefix) => !VERSION_PREFIX_PATTERN.test(prefix) || DOKS_MINORS.includes(prefix.slice(0, -1)), // else the pattern's line says why
        `a DOKS minor DigitalOcean offers; on offer (read ${DOKS_RELEASES_READ_ON}): ${DOKS_MINORS.map((minor) => `"${minor}."`).join(", ")}`,
      ),
    /** HA control plane: 99.95 % SLA; cannot be turned off once on. */
    highAvailability: z.boolean(),
    /** Weekly window (UTC) for DOKS patch upgrades. */
    maintenance: z.strictObject({
      day: z.enum(WEEKDAYS),
      startTime: z.string().regex(/^([01]\d|2[0-3]):00$/, 'a whole hour in UTC such as "03:00"'),
    }),
    /** Who may reach the Kubernetes API: the administrators' VPN and the deploy runners' egress ranges. */
    adminCidrs: uniqueList(adminCidr, "adminCidrs", "admin CIDR")
      .min(1, "at least one admin CIDR: an empty list would lock everyone out of the API")
      .superRefine((entries, ctx) => checkAdminCidrsReach(entries, ctx), { when: (payload) => Array.isArray(payload.value) }),
    systemPool: poolSchema,
    appPools: z.array(poolSchema).min(1, "at least one app pool: the app services never run on the system pool"),
    /** Requests of the per-node system pods (CNI, CSI, node agents, log and metric collectors). */
    nodeOverhead: z.strictObject({
      cpuMillicores: z.int().min(0),
      memoryMiB: z.int().min(0),
    }),
    /** Cluster autoscaler: scale a node down once it has been unneeded this long. */
    scaleDownUnneededMinutes: z.int().min(1).max(60),
    /** Cluster autoscaler: a node below this share of requested resources counts as unneeded. */
    scaleDownUtilizationThreshold: z.number().gt(0).lt(1),
  })
  .superRefine((cluster, ctx) => {
    const names = new Set<string>();
    [cluster.systemPool, ...cluster.appPools].forEach((pool, index) => {
      if (names.has(pool.name)) {
        const path = index === 0 ? ["systemPool", "name"] : ["appPools", index - 1, "name"];
        ctx.addIssue({ code: "custom", path, message: "duplicate pool name" });
      }
      names.add(pool.name);
    });
  });

export type ClusterConfig = z.output<typeof clusterSchema>;
export type NodePoolConfig = z.output<typeof poolSchema>;

/** One app service's demand at its maximum replica count. */
export interface Workload {
  readonly name: string;
  readonly replicas: number;
  readonly cpuMillicores: number;
  readonly memoryMiB: number;
}

export interface CapacityVerdict {
  readonly fits: boolean;
  /** Human-readable demand and capacity, for error messages. */
  readonly demand: string;
  readonly capacity: string;
  /** Nodes the packing used (when it fits). */
  readonly nodesUsed: number;
}

/**
 * Can `pool` at its maximum size hold every replica of `workloads`? Packs the
 * pods first-fit-decreasing onto nodes of the pool's size, each node offering
 * its allocatable memory and vCPUs minus the per-node system overhead. A pod
 * must fit on one node, so the sum of resources alone is not enough.
 */
export function checkCapacity(pool: NodePoolConfig, workloads: readonly Workload[], overhead: ClusterConfig["nodeOverhead"]): CapacityVerdict {
  const size = DROPLET_SIZES[pool.size];
  const nodeCpu = size.vcpus * 1000 - overhead.cpuMillicores;
  const nodeMemory = size.allocatableMemoryGiB * 1024 - overhead.memoryMiB;
  const pods = workloads
    .flatMap((workload) => Array.from({ length: workload.replicas }, () => workload))
    .sort((a, b) => b.memoryMiB - a.memoryMiB || b.cpuMillicores - a.cpuMillicores);
  const nodes: { cpu: number; memory: number }[] = [];
  let fits = true;
  for (const pod of pods) {
    const node = nodes.find((candidate) => candidate.cpu >= pod.cpuMillicores && candidate.memory >= pod.memoryMiB);
    if (node) {
      node.cpu -= pod.cpuMillicores;
      node.memory -= pod.memoryMiB;
    } else if (nodes.length < pool.nodes.maxNodes && nodeCpu >= pod.cpuMillicores && nodeMemory >= pod.memoryMiB) {
      nodes.push({ cpu: nodeCpu - pod.cpuMillicores, memory: nodeMemory - pod.memoryMiB });
    } else {
      fits = false;
      break;
    }
  }
  const totalCpu = workloads.reduce((sum, w) => sum + w.replicas * w.cpuMillicores, 0);
  const totalMemory = workloads.reduce((sum, w) => sum + w.replicas * w.memoryMiB, 0);
  const parts = workloads.map((w) => `${w.name} ${w.replicas}x${w.cpuMillicores}m/${w.memoryMiB}Mi`).join(", ");
  return {
    fits,
    demand: `${formatCpu(totalCpu)} vCPU / ${formatGiB(totalMemory)} GiB (${parts})`,
    capacity: `${pool.nodes.maxNodes} x ${pool.size} = ${formatCpu(pool.nodes.maxNodes * nodeCpu)} vCPU / ${formatGiB(pool.nodes.maxNodes * nodeMemory)} GiB for pods, at most ${formatCpu(nodeCpu)} vCPU / ${formatGiB(nodeMemory)} GiB per node`,
    nodesUsed: nodes.length,
  };
}

/** The app pool with the most allocatable memory at its maximum size: the one the check is about. */
export function largestPool(pools: readonly NodePoolConfig[]): { pool: NodePoolConfig; index: number } {
  const capacity = (pool: NodePoolConfig) => pool.nodes.maxNodes * DROPLET_SIZES[pool.size].allocatableMemoryGiB;
  let best = 0;
  pools.forEach((pool, index) => {
    if (capacity(pool) > capacity(pools[best])) best = index;
  });
  return { pool: pools[best], index: best };
}

function formatCpu(millicores: number): string {
  return String(Math.round(millicores / 100) / 10);
}

function formatGiB(mebibytes: number): string {
  return String(Math.round((mebibytes / 1024) * 10) / 10);
}
