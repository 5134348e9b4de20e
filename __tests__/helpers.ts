import { createHash } from "crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import type { IngressControllerProps } from "../constructs/platform/ingress-controller";
import { ConfigError, loadPlatformConfig, PLATFORM_CONFIG, type EnvironmentConfig, type PlatformConfig, type PlatformConfigInput } from "../config";

/**
 * The tests' helpers that need no cdktf: the configuration, the synthesized JSON, and the outputs shared by the
 * run. The helpers that build stacks are in synth.ts.
 */

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

let shipped: PlatformConfig | undefined;

/** An environment of the shipped configuration by name: validated once per test file, a fresh copy each call. */
export function environmentNamed(name: string): EnvironmentConfig {
  shipped ??= loadPlatformConfig();
  const environment = shipped.environments.find((candidate) => candidate.name === name);
  if (!environment) throw new Error(`no environment ${name}`);
  return structuredClone(environment);
}

/** Every stack's JSON under `outdir`/stacks. */
export function stacksIn(outdir: string): Record<string, TerraformJson> {
  const stacksDir = path.join(outdir, "stacks");
  return Object.fromEntries(
    readdirSync(stacksDir).map((name) => [name, JSON.parse(readFileSync(path.join(stacksDir, name, "cdk.tf.json"), "utf8")) as TerraformJson]),
  );
}

/** synth.ts, loaded only by the first suite of a run that needs a shared output written. */
function synthesis(): typeof import("./synth") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand: readers of a written output never load cdktf
  return require("./synth") as typeof import("./synth");
}

/**
 * What many test files synthesize alike is made once per run and shared by every file and worker: the
 * first to ask writes it into the run's scratch directory (CRYPTOPULSE_TEST_TMPDIR, jest-tmpdir.cjs,
 * removed at the end of the run), the others read it back, so they pay for reading JSON instead of
 * building and synthesizing the stacks again. Each output is written elsewhere and renamed into place,
 * so a reader never sees half of it. The outputs are read-only: a test that changes one copies it first.
 * Outside a jest run (no scratch directory) each call synthesizes afresh.
 */
function sharedOutput(key: string, write: (dir: string) => void): string {
  const scratch = process.env.CRYPTOPULSE_TEST_TMPDIR;
  if (!scratch) {
    const dir = mkdtempSync(path.join(tmpdir(), "cryptopulse-synth-"));
    write(dir);
    return dir;
  }
  // At the depth of a mkdtemp(tmpdir()) directory: the local backend's state paths are relative to the outdir.
  const dir = path.join(scratch, `cryptopulse-shared-${key}`);
  if (existsSync(dir)) return dir;
  const partial = mkdtempSync(`${dir}-partial-`);
  write(partial);
  try {
    renameSync(partial, dir);
  } catch (error) {
    // Another worker got there first with the same output.
    if (!["EEXIST", "ENOTEMPTY"].includes((error as NodeJS.ErrnoException).code ?? "")) throw error;
    rmSync(partial, { recursive: true, force: true });
  }
  return dir;
}

/** Every stack of one environment of the shipped configuration, synthesized as an app with local state (synthApp), once per run. Read-only. */
export function sharedEnvironment(name: string): { outdir: string; stacks: Record<string, TerraformJson> } {
  const outdir = sharedOutput(`environment-${name}`, (dir) => synthesis().writeEnvironment(dir, name));
  return { outdir, stacks: stacksIn(outdir) };
}

/** The output directory of synthesizePlatform with the shipped configuration and runtime settings `env`, once per run. Read-only: copy it to change it. */
export function sharedPlatformSynth(env: NodeJS.ProcessEnv = {}): string {
  const key = createHash("sha256").update(JSON.stringify(Object.entries(env).sort())).digest("hex").slice(0, 16);
  return sharedOutput(`app-${key}`, (outdir) => synthesis().writePlatformApp(outdir, env));
}

/**
 * An environment's platform stack, synthesized alone (cross-stack references stay unresolved): the
 * synthesized JSON once per run; the stack itself is built only when a test asks for it.
 */
export function synthesizedPlatform(name: "production" | "staging") {
  const file = path.join(
    sharedOutput(`platform-${name}`, (dir) => synthesis().writePlatformStack(path.join(dir, "platform.tf.json"), name)),
    "platform.tf.json",
  );
  const synthesized = readFileSync(file, "utf8");
  let stack: ReturnType<typeof import("./synth").platformStackOf> | undefined;
  return {
    get stack() {
      return (stack ??= synthesis().platformStackOf(name));
    },
    synthesized,
    json: JSON.parse(synthesized) as TerraformJson,
  };
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
