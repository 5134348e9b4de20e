import { App } from "cdktf";
import { defineEnvironment } from "../stacks/environment";
import { NetworkStack } from "../stacks/network-stack";
import { environmentNamed } from "./helpers";
import { synthJson } from "./synth";

const production = environmentNamed("production");
const local = { kind: "local" } as const;

function networkJson(regionIndex: number) {
  const app = new App({ outdir: "cdktf.out", skipValidation: true });
  const stack = new NetworkStack(app, { environment: production, region: production.regions[regionIndex], state: local });
  return { stack, json: synthJson(stack) };
}

describe("NetworkStack", () => {
  it("is named cryptopulse-<env>-network-<region>", () => {
    expect(networkJson(0).stack.stackName).toBe("cryptopulse-production-network-fra1");
    expect(networkJson(1).stack.stackName).toBe("cryptopulse-production-network-ams3");
  });

  it("creates the region's VPC with the configured range", () => {
    const vpcs = Object.values(networkJson(1).json.resource.digitalocean_vpc);
    expect(vpcs).toEqual([
      expect.objectContaining({ name: "cryptopulse-production-ams3", region: "ams3", ip_range: "10.21.0.0/16" }),
    ]);
  });

  it("creates the environment's project in the primary region only", () => {
    expect(Object.values(networkJson(0).json.resource.digitalocean_project)).toEqual([
      expect.objectContaining({ name: "cryptopulse-production", environment: "Production", is_default: false }),
    ]);
    expect(networkJson(1).json.resource.digitalocean_project).toBeUndefined();
    expect(networkJson(1).json.output.project_id).toBeUndefined();
  });

  it("exports the VPC id and URN under stable output names", () => {
    const { output } = networkJson(0).json;
    expect(output.vpc_id.value).toMatch(/^\$\{digitalocean_vpc\.\w+\.id\}$/);
    expect(output.vpc_urn.value).toMatch(/^\$\{digitalocean_vpc\.\w+\.urn\}$/);
    expect(output.project_id.value).toMatch(/^\$\{digitalocean_project\.\w+\.id\}$/);
  });

  it("pins the DigitalOcean provider and configures it without credentials", () => {
    const { json } = networkJson(0);
    expect(json.terraform.required_providers.digitalocean).toEqual({ source: "digitalocean/digitalocean", version: "2.71.0" });
    expect(json.provider.digitalocean).toEqual([{}]);
  });
});

describe("defineEnvironment", () => {
  it("builds a network stack per region, the cluster and the databases in the primary region", () => {
    const app = new App({ outdir: "cdktf.out", skipValidation: true });
    const stacks = defineEnvironment(app, production, local);
    expect([...stacks.network.keys()]).toEqual(["fra1", "ams3"]);
    expect(stacks.cluster.stackName).toBe("cryptopulse-production-cluster-fra1");
    expect(stacks.data.stackName).toBe("cryptopulse-production-data-fra1");
    expect(app.node.children.map((child) => child.node.id).sort()).toEqual([
      "cryptopulse-production-backup-ams3",
      "cryptopulse-production-backup-fra1",
      "cryptopulse-production-cluster-fra1",
      "cryptopulse-production-data-fra1",
      "cryptopulse-production-edge",
      "cryptopulse-production-network-ams3",
      "cryptopulse-production-network-fra1",
      "cryptopulse-production-platform-fra1",
    ]);
  });
});
