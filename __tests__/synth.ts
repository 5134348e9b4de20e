import { App, Testing, type TerraformStack } from "cdktf";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { defineEnvironment } from "../stacks/environment";
import { synthesizePlatform } from "../stacks/platform-app";
import { environmentNamed, stacksIn, type TerraformJson } from "./helpers";

/**
 * The helpers that build stacks, apart from helpers.ts: they load cdktf, the provider bindings and every stack
 * (a second or more of each test file's time), which a suite that reads the shared outputs or checks the
 * configuration need not pay. helpers.ts loads this module only to write a shared output that is not there yet.
 */

/** Synthesizes `stack` to JSON without writing files (cross-stack references stay unresolved). */
export function synthJson(stack: TerraformStack): TerraformJson {
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/** Runs `app.synth()` into a fresh temporary directory and reads back every stack's JSON. */
export function synthApp(build: (app: App) => void): { outdir: string; stacks: Record<string, TerraformJson> } {
  const outdir = mkdtempSync(path.join(tmpdir(), "cryptopulse-synth-"));
  synthAppInto(outdir, build);
  return { outdir, stacks: stacksIn(outdir) };
}

function synthAppInto(outdir: string, build: (app: App) => void): void {
  const app = new App({ outdir, skipValidation: true });
  build(app);
  app.synth();
}

/** Writes into `dir` every stack of one environment of the shipped configuration, as an app with local state. */
export function writeEnvironment(dir: string, name: string): void {
  synthAppInto(dir, (app) => defineEnvironment(app, environmentNamed(name), { kind: "local" }));
}

/** Writes into `outdir` what synthesizePlatform makes of the shipped configuration and runtime settings `env`. */
export function writePlatformApp(outdir: string, env: NodeJS.ProcessEnv): void {
  synthesizePlatform({ env, outdir });
}

/** Writes into `file` an environment's platform stack synthesized alone. */
export function writePlatformStack(file: string, name: "production" | "staging"): void {
  writeFileSync(file, Testing.synth(platformStackOf(name)));
}

/** An environment's platform stack, built alone in an app of its own. */
export function platformStackOf(name: "production" | "staging") {
  const app = new App({ outdir: "cdktf.out", skipValidation: true });
  return defineEnvironment(app, environmentNamed(name), { kind: "local" }).platform;
}
