import { accessSync, constants, statSync, type Stats } from "fs";
import * as path from "path";
import { App } from "cdktf";
import { ConfigError, loadPlatformConfig } from "../config";
import { readRuntimeOptions } from "../config/runtime";
import { useServiceEndpoints } from "../constructs/core/service-endpoints";
import { defineEnvironment } from "./environment";
import { LayerStack } from "./layer-stack";
import { stackGraph } from "./stack-graph";
import { TerraformCloudBootstrapStack } from "./terraform-cloud-stack";
import { withFastResolve } from "./fast-resolve";
import { withElementsRenderedOnce } from "./render-once";
import { withoutTokenTraces } from "./token-traces";

export interface SynthesizeOptions {
  /** The platform configuration to validate: the shipped PLATFORM_CONFIG when absent. */
  readonly config?: unknown;
  /** Where the runtime settings (CRYPTOPULSE_*) are read from: process.env when absent. */
  readonly env?: NodeJS.ProcessEnv;
  /** The output directory: cdktf's default (CDKTF_OUTDIR, else cdktf.out) when absent. */
  readonly outdir?: string;
}

/**
 * Everything `cdktf synth` does, in the order that keeps a bad input from
 * writing anything: validate the configuration and the runtime settings
 * (ConfigError), build every selected environment's stacks (and, when
 * selected, the Terraform Cloud bootstrap stack), then synthesize,
 * which runs the guardrails over every stack before the first file is written
 * (GuardrailError). main.ts calls this; tests call it with other inputs.
 */
export function synthesizePlatform(options: SynthesizeOptions = {}): App {
  const config = loadPlatformConfig(options.config);
  const runtime = readRuntimeOptions(
    options.env ?? process.env,
    config.environments.map((environment) => environment.name),
  );
  // cdktf's own choice (App): the option, else CDKTF_OUTDIR, else cdktf.out. The App creates it at once.
  checkOutputDirectory(options.outdir ?? process.env.CDKTF_OUTDIR ?? "cdktf.out");
  // Construct metadata without stack traces; the tokens' own traces are skipped by withoutTokenTraces.
  const app = new App({ stackTraces: false, ...(options.outdir === undefined ? {} : { outdir: options.outdir }) });
  useServiceEndpoints(app, runtime.endpoints);
  withoutTokenTraces(() => {
    for (const environment of config.environments) {
      if (runtime.environments && !runtime.environments.includes(environment.name)) continue;
      defineEnvironment(app, environment, runtime.state);
    }
    if (runtime.terraformCloudBootstrap) {
      // Only on request (CRYPTOPULSE_TFC_BOOTSTRAP=true), so no per-environment flow meets it.
      const stacks = app.node.children.filter((child): child is LayerStack => child instanceof LayerStack);
      new TerraformCloudBootstrapStack(app, { options: runtime.terraformCloudBootstrap, state: runtime.state, stacks: stackGraph(stacks) });
    }
    withFastResolve(() => withElementsRenderedOnce(app, () => app.synth()));
  }, runtime.tokenTraces);
  return app;
}

/**
 * cdktf creates the output directory (not its parents) and its `stacks`
 * folder with plain mkdir calls, which fail with a stack trace on a path that
 * is a file or lies in a missing or read-only directory. The same conditions,
 * checked first, give one line instead.
 */
function checkOutputDirectory(outdir: string): void {
  const problem = outputDirectoryProblem(path.resolve(outdir));
  if (problem) {
    throw new ConfigError("invalid output directory", [`CDKTF_OUTDIR = ${JSON.stringify(outdir)}: ${problem}; the synthesized stacks are written there (cdktf synth --output <dir>)`]);
  }
}

function outputDirectoryProblem(outdir: string): string | undefined {
  const stat = statOrUndefined(outdir);
  if (stat) {
    const stacks = path.join(outdir, "stacks");
    return directoryProblem(outdir, stat) ?? (statOrUndefined(stacks)?.isDirectory() === false ? `${stacks} is not a directory` : undefined);
  }
  const parent = path.dirname(outdir);
  const parentStat = statOrUndefined(parent);
  return parentStat ? directoryProblem(parent, parentStat) : `${parent} does not exist (cdktf creates the output directory, not its parents)`;
}

function directoryProblem(directory: string, stat: Stats): string | undefined {
  if (!stat.isDirectory()) return `${directory} is not a directory`;
  try {
    accessSync(directory, constants.W_OK);
    return undefined;
  } catch {
    return `${directory} is not writable`;
  }
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}
