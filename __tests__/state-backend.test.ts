import { mkdirSync } from "fs";
import { App } from "cdktf";
import type { StateBackendOptions } from "../config/runtime";
import { LayerStack } from "../stacks/layer-stack";
import { environmentNamed } from "./helpers";
import { synthJson } from "./synth";

const staging = environmentNamed("staging");

/** The smallest concrete stack: the base class alone, with both providers. */
class BareStack extends LayerStack {}

function synthWith(state: StateBackendOptions, outdir = "cdktf.out") {
  const app = new App({ outdir, skipValidation: true });
  const stack = new BareStack(app, {
    environment: staging,
    layer: "network",
    region: "fra1",
    providers: ["digitalocean", "cloudflare"],
    state,
  });
  return synthJson(stack).terraform;
}

describe("state backends", () => {
  it("local: a path relative to the stack's working directory, inside the project", () => {
    expect(synthWith({ kind: "local" }).backend).toEqual({
      local: { path: "../../../terraform.cryptopulse-staging-network-fra1.tfstate" },
    });
  });

  it("local: follows a custom output directory without becoming absolute", () => {
    mkdirSync("cdktf.out", { recursive: true });
    const { path } = synthWith({ kind: "local" }, "cdktf.out/custom").backend.local;
    expect(path).toBe("../../../../terraform.cryptopulse-staging-network-fra1.tfstate");
  });

  it("cloud: one named workspace per stack, organization and project from the options", () => {
    const terraform = synthWith({ kind: "cloud", organization: "cryptopulse", hostname: "app.terraform.io", project: "platform" });
    expect(terraform.backend).toBeUndefined();
    expect(terraform.cloud).toEqual({
      organization: "cryptopulse",
      hostname: "app.terraform.io",
      workspaces: { name: "cryptopulse-staging-network-fra1", project: "platform" },
    });
  });

  it("s3: Spaces endpoint of the region, a key per stack, lock file on, AWS-only checks off", () => {
    expect(synthWith({ kind: "s3", bucket: "cryptopulse-state", region: "ams3", keyPrefix: "cryptopulse" }).backend).toEqual({
      s3: {
        bucket: "cryptopulse-state",
        key: "cryptopulse/cryptopulse-staging-network-fra1.tfstate",
        region: "us-east-1",
        endpoints: { s3: "https://ams3.digitaloceanspaces.com" },
        skip_credentials_validation: true,
        skip_region_validation: true,
        skip_requesting_account_id: true,
        skip_metadata_api_check: true,
        skip_s3_checksum: true,
        use_lockfile: true,
      },
    });
  });
});

describe("providers", () => {
  it("attaches the requested providers, pinned, with no credentials in the JSON", () => {
    const app = new App({ outdir: "cdktf.out", skipValidation: true });
    const json = synthJson(
      new BareStack(app, { environment: staging, layer: "network", providers: ["digitalocean", "cloudflare"], state: { kind: "local" } }),
    );
    expect(json.terraform.required_providers).toEqual({
      digitalocean: { source: "digitalocean/digitalocean", version: "2.71.0" },
      cloudflare: { source: "cloudflare/cloudflare", version: "5.14.0" },
    });
    expect(json.provider).toEqual({ digitalocean: [{}], cloudflare: [{}] });
  });
});
