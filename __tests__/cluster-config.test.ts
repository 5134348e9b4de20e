import { loadPlatformConfig } from "../config";
import { checkCapacity, type NodePoolConfig } from "../config/cluster";
import { DOKS_MINORS, DOKS_RELEASE_SLUGS, DOKS_RELEASES_READ_ON } from "../config/doks-releases";
import { KUBERNETES_VERSIONS } from "../scripts/rehearsal/fixtures.mjs";
import { environmentNamed, problemsOf, shippedConfig } from "./helpers";

/* eslint-disable @typescript-eslint/no-explicit-any -- invalid inputs are deliberately off-type */
type Mutation = (config: any) => void;

const P = "environments.production.cluster";
const GUIDE_WORKLOADS = [
  { name: "frontend", replicas: 10, cpuMillicores: 1000, memoryMiB: 2048 },
  { name: "backend", replicas: 10, cpuMillicores: 2000, memoryMiB: 4096 },
  { name: "functions", replicas: 10, cpuMillicores: 500, memoryMiB: 512 },
];
const OVERHEAD = { cpuMillicores: 300, memoryMiB: 512 };
const pool = (size: string, maxNodes: number): NodePoolConfig => ({ name: "apps", size, nodes: { minNodes: 2, maxNodes } });

describe("app pool capacity", () => {
  it("accepts a pool that holds every service at max replicas, and says how many nodes it packs into", () => {
    const verdict = checkCapacity(pool("s-8vcpu-16gb", 10), GUIDE_WORKLOADS, OVERHEAD);
    expect(verdict.fits).toBe(true);
    // 10 backends at 4 GiB fill 3 per 12.5-GiB node; the rest pack around them.
    expect(verdict.nodesUsed).toBe(6);
  });

  it("rejects a pool whose total is too small", () => {
    expect(checkCapacity(pool("s-8vcpu-16gb", 5), GUIDE_WORKLOADS, OVERHEAD).fits).toBe(false);
  });

  it("rejects a pool whose sum fits but whose nodes cannot hold one pod", () => {
    // 25 x 2.5 GiB nodes add up to plenty, but a 4-GiB backend pod fits on none of them.
    const verdict = checkCapacity(pool("s-2vcpu-4gb", 25), [{ name: "backend", replicas: 1, cpuMillicores: 2000, memoryMiB: 4096 }], OVERHEAD);
    expect(verdict.fits).toBe(false);
  });

  it("counts the per-node overhead: the same pool fits without it and not with it", () => {
    // 3 x 4300 MiB = 12900 MiB: under a 13-GiB node, over it once 512 MiB go to system pods.
    const workloads = [{ name: "backend", replicas: 3, cpuMillicores: 2000, memoryMiB: 4300 }];
    expect(checkCapacity(pool("s-8vcpu-16gb", 1), workloads, { cpuMillicores: 0, memoryMiB: 0 }).fits).toBe(true);
    expect(checkCapacity(pool("s-8vcpu-16gb", 1), workloads, OVERHEAD).fits).toBe(false);
  });
});

describe("cluster configuration validation", () => {
  const cases: [string, Mutation, string][] = [
    [
      "an app pool too small for the services at max replicas",
      (c) => (c.environments.production.cluster.appPools[0].nodes = { minNodes: 2, maxNodes: 5 }),
      `${P}.appPools[0] = {name, size, nodes}: pool "apps" cannot hold the app services at max replicas: demand 35 vCPU / 65 GiB (frontend 10x1000m/2048Mi, backend 10x2000m/4096Mi, functions 10x500m/512Mi); capacity 5 x s-8vcpu-16gb = 38.5 vCPU / 62.5 GiB for pods, at most 7.7 vCPU / 12.5 GiB per node`,
    ],
    [
      "a pool with min > max nodes",
      (c) => (c.environments.production.cluster.appPools[0].nodes = { minNodes: 12, maxNodes: 10 }),
      `${P}.appPools[0].nodes.minNodes = 12: minNodes must not exceed maxNodes (10)`,
    ],
    [
      "a pool that would scale to zero",
      (c) => (c.environments.production.cluster.systemPool.nodes.minNodes = 0),
      `${P}.systemPool.nodes.minNodes = 0: at least 1 node (DOKS cannot autoscale a pool to zero)`,
    ],
    [
      "a pool beyond the droplet limit",
      (c) => (c.environments.production.cluster.appPools[0].nodes.maxNodes = 40),
      `${P}.appPools[0].nodes.maxNodes = 40: at most 25 nodes (DigitalOcean's default droplet limit)`,
    ],
    [
      "an unknown node size",
      (c) => (c.environments.production.cluster.appPools[0].size = "s-64vcpu-1tb"),
      `${P}.appPools[0].size = "s-64vcpu-1tb": unknown node size; allowed: s-2vcpu-4gb, s-4vcpu-8gb, s-8vcpu-16gb, c-4, c-8, c-16, g-4vcpu-16gb, g-8vcpu-32gb, g-16vcpu-64gb`,
    ],
    [
      "a node size that is a name every JavaScript object has",
      (c) => (c.environments.production.cluster.systemPool.size = "constructor"),
      `${P}.systemPool.size = "constructor": unknown node size; allowed: s-2vcpu-4gb, s-4vcpu-8gb, s-8vcpu-16gb, c-4, c-8, c-16, g-4vcpu-16gb, g-8vcpu-32gb, g-16vcpu-64gb`,
    ],
    [
      "an app pool named like the system pool",
      (c) => (c.environments.production.cluster.appPools[0].name = "system"),
      `${P}.appPools[0].name = "system": duplicate pool name`,
    ],
    [
      "no admin CIDR",
      (c) => (c.environments.production.cluster.adminCidrs = []),
      `${P}.adminCidrs = [0 items]: at least one admin CIDR: an empty list would lock everyone out of the API`,
    ],
    [
      "a malformed admin CIDR",
      (c) => (c.environments.production.cluster.adminCidrs = ["vpn.cryptopulse.com"]),
      `${P}.adminCidrs[0] = "vpn.cryptopulse.com": an IPv4 CIDR such as 203.0.113.0/24`,
    ],
    [
      "an admin CIDR that opens the API to the whole internet",
      (c) => (c.environments.production.cluster.adminCidrs = ["198.51.100.0/28", "0.0.0.0/0"]),
      `${P}.adminCidrs[1] = "0.0.0.0/0": opens the Kubernetes API to 100% of the IPv4 internet; admin CIDRs may cover at most 1/256 of it together (16777216 addresses, one /8)`,
    ],
    [
      "admin CIDRs that open most of the internet only together",
      (c) => (c.environments.production.cluster.adminCidrs = ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2"]),
      `${P}.adminCidrs[0] = "0.0.0.0/2": opens the Kubernetes API to 25% of the IPv4 internet; admin CIDRs may cover at most 1/256 of it together (16777216 addresses, one /8)`,
    ],
    [
      "admin CIDRs each within the limit but wider than it together",
      (c) => (c.environments.production.cluster.adminCidrs = ["11.0.0.0/8", "12.0.0.0/9", "12.128.0.0/9"]),
      `${P}.adminCidrs = [3 items]: together open the Kubernetes API to 0.78% of the IPv4 internet (33554432 addresses); admin CIDRs may cover at most 1/256 of it together (16777216 addresses, one /8)`,
    ],
    [
      "an admin CIDR with host bits set",
      (c) => (c.environments.production.cluster.adminCidrs = ["203.0.113.7/24"]),
      `${P}.adminCidrs[0] = "203.0.113.7/24": host bits set: the address must be the first of its range`,
    ],
    [
      "an admin CIDR written with leading zeros",
      (c) => (c.environments.production.cluster.adminCidrs = ["203.0.113.010/32"]),
      `${P}.adminCidrs[0] = "203.0.113.010/32": leading zeros: write 203.0.113.10/32 (some tools read a number with a leading zero as octal)`,
    ],
    [
      "a pinned version slug instead of a minor prefix",
      (c) => (c.environments.production.cluster.versionPrefix = "1.35.1-do.0"),
      `${P}.versionPrefix = "1.35.1-do.0": a Kubernetes minor followed by a dot, e.g. "1.35."`,
    ],
    [
      "a Kubernetes minor DigitalOcean has retired",
      (c) => (c.environments.production.cluster.versionPrefix = "1.31."),
      `${P}.versionPrefix = "1.31.": a DOKS minor DigitalOcean offers; on offer (read ${DOKS_RELEASES_READ_ON}): "1.35.", "1.34.", "1.33."`,
    ],
    [
      "a maintenance window off the hour",
      (c) => (c.environments.production.cluster.maintenance.startTime = "3:30"),
      `${P}.maintenance.startTime = "3:30": a whole hour in UTC such as "03:00"`,
    ],
    [
      "no app pool",
      (c) => (c.environments.production.cluster.appPools = []),
      `${P}.appPools = [0 items]: at least one app pool: the app services never run on the system pool`,
    ],
    [
      "a registry owned by an unknown environment",
      (c) => (c.registry.ownerEnvironment = "prod"),
      `registry.ownerEnvironment = "prod": unknown environment; allowed: staging, production`,
    ],
    [
      "a registry region without the registry service",
      (c) => (c.registry.region = "tor1"),
      `registry.region = "tor1": Invalid option: expected one of "nyc3"|"sfo3"|"ams3"|"sgp1"|"fra1"|"blr1"|"syd1"`,
    ],
  ];

  it.each(cases)("rejects %s", (_name, mutate, expected) => {
    const input = shippedConfig();
    mutate(input);
    expect(problemsOf(() => loadPlatformConfig(input))).toContain(expected);
  });

  it("accepts admin CIDRs up to one /8 together, overlaps counted once", () => {
    const input: any = shippedConfig();
    input.environments.production.cluster.adminCidrs = ["11.0.0.0/8", "11.128.0.0/9", "11.0.0.0/24"];
    expect(() => loadPlatformConfig(input)).not.toThrow();
  });

  it("re-checks capacity when replicas grow, naming the pool", () => {
    const input: any = shippedConfig();
    input.environments.staging.services.backend.replicas = { min: 1, max: 8 };
    const problems = problemsOf(() => loadPlatformConfig(input));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^environments\.staging\.cluster\.appPools\[0\] = .*: pool "apps" cannot hold the app services at max replicas: demand .*backend 8x2000m\/4096Mi/);
  });

  it("accepts the shipped configuration, whose pools hold the guide's maximums", () => {
    expect(() => loadPlatformConfig()).not.toThrow();
  });
});

describe("the DOKS releases on offer", () => {
  it("are one list, which the plan rehearsal's stand-in API serves too", () => {
    expect(KUBERNETES_VERSIONS).toEqual(DOKS_RELEASE_SLUGS);
  });

  it("give each minor once, newest first, from the release slugs", () => {
    expect(DOKS_MINORS).toEqual(["1.35", "1.34", "1.33"]);
  });

  it("say when they were read", () => {
    expect(DOKS_RELEASES_READ_ON).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it.each(["production", "staging"])("hold a release for %s's version prefix", (name) => {
    const { versionPrefix } = environmentNamed(name).cluster;
    expect(DOKS_RELEASE_SLUGS.filter((slug) => slug.startsWith(versionPrefix))).not.toEqual([]);
  });
});
