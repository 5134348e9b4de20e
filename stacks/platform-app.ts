import { App } from "cdktf";
import { loadPlatformConfig } from "../config";
import { readRuntimeOptions } from "../config/runtime";
import { useServiceEndpoints } from "../constructs/service-endpoints";
import { defineEnvironment } from "./environment";

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
 * (ConfigError), build every selected environment's stacks, then synthesize,
 * which runs the guardrails over every stack before the first file is written
 * (GuardrailError). main.ts calls this; tests call it with other inputs.
 */
export function synthesizePlatform(options: SynthesizeOptions = {}): App {
  const config = loadPlatformConfig(options.config);
  const runtime = readRuntimeOptions(
    options.env ?? process.env,
    config.environments.map((environment) => environment.name),
  );
  // Creation stack traces of every token are only for debugging cdktf itself; they cost a third of the synth.
  const app = new App({ stackTraces: false, ...(options.outdir === undefined ? {} : { outdir: options.outdir }) });
  useServiceEndpoints(app, runtime.endpoints);
  for (const environment of config.environments) {
    if (runtime.environments && !runtime.environments.includes(environment.name)) continue;
    defineEnvironment(app, environment, runtime.state);
  }
  app.synth();
  return app;
}
