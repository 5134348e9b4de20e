/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized Terraform JSON is untyped */
import * as path from "path";
import { TerraformOutput, type App } from "cdktf";
import type { StateBackendOptions } from "../config/runtime";
import { LayerStack } from "../stacks/layer-stack";
import { NetworkStack } from "../stacks/network-stack";
import { environmentNamed, sharedEnvironment } from "./helpers";
import { synthApp } from "./synth";

const production = environmentNamed("production");
const PRODUCER = "cryptopulse-production-network-fra1";

/**
 * Stands in for a later layer: consumes the primary VPC id the way the data
 * and cluster stacks will (a plain token passed across stacks).
 */
function buildWithConsumer(state: StateBackendOptions) {
  return (app: App) => {
    // The producer alone: the environment's own wiring is tested below, from the shared synth.
    const producer = new NetworkStack(app, { environment: production, region: production.primaryRegion, state });
    const consumer = new (class ConsumerStack extends LayerStack {})(app, {
      environment: production,
      layer: "network",
      region: "lon1",
      providers: [],
      state,
    });
    consumer.addDependency(producer);
    new TerraformOutput(consumer, "joined_vpc", { value: producer.vpc.id });
  };
}

const CONSUMER = "cryptopulse-production-network-lon1";

describe("cross-stack references (full app synth)", () => {
  it("local backend: the producer exports the VPC id, the consumer reads the producer's state file", () => {
    const { outdir, stacks } = synthApp(buildWithConsumer({ kind: "local" }));
    // The consumer's value reads one output of the producer's state ...
    const reference = /^\$\{data\.terraform_remote_state\.([\w-]+)\.outputs\.([\w-]+)\}$/.exec(stacks[CONSUMER].output.joined_vpc.value);
    expect(reference).not.toBeNull();
    const [, remoteName, outputName] = reference!;
    // ... which the producer exports: its VPC's id.
    expect(stacks[PRODUCER].output[outputName]).toEqual({ value: expect.stringMatching(/^\$\{digitalocean_vpc\.\w+\.id\}$/), sensitive: true });

    const remoteState = stacks[CONSUMER].data.terraform_remote_state[remoteName] as { backend: string; config: { path: string } };
    expect(remoteState.backend).toBe("local");
    // The producer's own (relative) path: the consumer's working directory sits beside the producer's.
    expect(remoteState.config.path).toBe(stacks[PRODUCER].terraform.backend.local.path);
    expect(path.resolve(outdir, "stacks", CONSUMER, remoteState.config.path)).toBe(path.resolve(`terraform.${PRODUCER}.tfstate`));
  });

  it("s3 backend: the consumer reads the producer's key from the same bucket", () => {
    const { stacks } = synthApp(buildWithConsumer({ kind: "s3", bucket: "cryptopulse-state", region: "fra1", keyPrefix: "state" }));
    const [remoteState] = Object.values(stacks[CONSUMER].data.terraform_remote_state) as { backend: string; config: Record<string, unknown> }[];
    expect(remoteState.backend).toBe("s3");
    expect(remoteState.config).toMatchObject({
      bucket: "cryptopulse-state",
      key: `state/${PRODUCER}.tfstate`,
      endpoints: { s3: "https://fra1.digitaloceanspaces.com" },
    });
  });

  it("cloud backend: the consumer reads the producer's named workspace", () => {
    const { stacks } = synthApp(buildWithConsumer({ kind: "cloud", organization: "cryptopulse", hostname: "app.terraform.io" }));
    const [remoteState] = Object.values(stacks[CONSUMER].data.terraform_remote_state) as { backend: string; config: Record<string, unknown> }[];
    expect(remoteState.backend).toBe("remote");
    expect(remoteState.config).toMatchObject({ organization: "cryptopulse", workspaces: { name: PRODUCER } });
  });
});

describe("the environment's own cross-stack wiring (full app synth)", () => {
  const { stacks } = sharedEnvironment("production");
  const data = stacks["cryptopulse-production-data-fra1"];
  const cluster = stacks["cryptopulse-production-cluster-fra1"];

  /** The producer output a `${data.terraform_remote_state.<name>.outputs.<output>}` reference reads. */
  function producerOutput(consumer: Record<string, any>, value: string) {
    const match = /^\$\{data\.terraform_remote_state\.([\w-]+)\.outputs\.([\w-]+)\}$/.exec(value);
    expect(match).not.toBeNull();
    return { remote: consumer.data.terraform_remote_state[match![1]], output: match![2] };
  }

  it("every database firewall admits exactly the environment's DOKS cluster, read from the cluster stack", () => {
    const firewalls = Object.values(data.resource.digitalocean_database_firewall) as { rule: { type: string; value: string }[] }[];
    expect(firewalls).toHaveLength(5); // PostgreSQL, its two replicas, Valkey, MongoDB
    for (const firewall of firewalls) {
      expect(firewall.rule).toHaveLength(1);
      expect(firewall.rule[0].type).toBe("k8s");
      const { remote, output } = producerOutput(data, firewall.rule[0].value);
      expect(remote.config.path).toBe(cluster.terraform.backend.local.path);
      expect(cluster.output[output].value).toMatch(/^\$\{digitalocean_kubernetes_cluster\.\w+\.id\}$/);
    }
  });

  it("the cluster and the databases join the primary VPC of the network stack", () => {
    const network = stacks[PRODUCER];
    const vpcOutput = (consumer: Record<string, any>, value: string) => network.output[producerOutput(consumer, value).output].value;
    const doks = Object.values(cluster.resource.digitalocean_kubernetes_cluster)[0] as { vpc_uuid: string };
    expect(vpcOutput(cluster, doks.vpc_uuid)).toMatch(/^\$\{digitalocean_vpc\.\w+\.id\}$/);
    for (const db of Object.values(data.resource.digitalocean_database_cluster) as { private_network_uuid: string }[]) {
      expect(vpcOutput(data, db.private_network_uuid)).toMatch(/^\$\{digitalocean_vpc\.\w+\.id\}$/);
    }
  });
});
