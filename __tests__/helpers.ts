import { mkdtempSync, readdirSync, readFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { App, Testing, type TerraformStack } from "cdktf";
import type { IngressControllerProps } from "../constructs/platform/ingress-controller";
import { defineEnvironment } from "../stacks/environment";
import { ConfigError, loadPlatformConfig, PLATFORM_CONFIG, type EnvironmentConfig, type PlatformConfigInput } from "../config";

/** A deep copy of the shipped configuration, safe to mutate in a test. */
export function shippedConfig(): PlatformConfigInput {
  return structuredClone(PLATFORM_CONFIG) as PlatformConfigInput;
}

/** Runs `fn`, expecting a ConfigError, and returns its problem lines. */
export function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected a ConfigError, but nothing was thrown");
}

/** The synthesized Terraform JSON of one stack, parsed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Terraform JSON is untyped
export type TerraformJson = Record<string, any>;

/** Synthesizes `stack` to JSON without writing files (cross-stack references stay unresolved). */
export function synthJson(stack: TerraformStack): TerraformJson {
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/** An environment of the shipped configuration by name. */
export function environmentNamed(name: string): EnvironmentConfig {
  const environment = loadPlatformConfig().environments.find((candidate) => candidate.name === name);
  if (!environment) throw new Error(`no environment ${name}`);
  return environment;
}

/** Runs `app.synth()` into a fresh temporary directory and reads back every stack's JSON. */
export function synthApp(build: (app: App) => void): { outdir: string; stacks: Record<string, TerraformJson> } {
  const outdir = mkdtempSync(path.join(tmpdir(), "cryptopulse-synth-"));
  const app = new App({ outdir, skipValidation: true });
  build(app);
  app.synth();
  const stacksDir = path.join(outdir, "stacks");
  const stacks = Object.fromEntries(
    readdirSync(stacksDir).map((name) => [name, JSON.parse(readFileSync(path.join(stacksDir, name, "cdk.tf.json"), "utf8")) as TerraformJson]),
  );
  return { outdir, stacks };
}

/** An environment's platform stack, synthesized alone (cross-stack references stay unresolved). */
export function synthesizedPlatform(name: "production" | "staging") {
  const app = new App({ outdir: "cdktf.out", skipValidation: true });
  const { platform } = defineEnvironment(app, environmentNamed(name), { kind: "local" });
  return { stack: platform, synthesized: Testing.synth(platform), json: synthJson(platform) };
}

/** Every resource of `type` in synthesized JSON. */
export function resourcesOf(json: TerraformJson, type: string): TerraformJson[] {
  return Object.values(json.resource?.[type] ?? {}) as TerraformJson[];
}

/** The Helm release named `name`. */
export function releaseNamed(json: TerraformJson, name: string): TerraformJson {
  const release = resourcesOf(json, "helm_release").find((candidate) => candidate.name === name);
  if (!release) throw new Error(`no helm_release named ${name}`);
  return release;
}

/** The ingress controller's props as the platform stack builds them from `environment`, with a stand-in load balancer name. */
export function ingressPropsOf(environment: EnvironmentConfig, vpcCidr: string): IngressControllerProps {
  const { ingress } = environment.platform;
  return {
    loadBalancerName: "lb",
    loadBalancerSizeUnit: ingress.loadBalancerSizeUnit,
    minReplicas: ingress.minReplicas,
    maxReplicas: ingress.maxReplicas,
    autoscaling: environment.autoscaling,
    apex: environment.domain.apex,
    vpcCidr,
  };
}
