import { App } from "cdktf";
import { ConfigError, loadPlatformConfig } from "./config";
import { readRuntimeOptions } from "./config/runtime";
import { defineEnvironment } from "./stacks/environment";

/**
 * Entry point of `cdktf synth`: validate the configuration and the runtime
 * settings first, then build every selected environment's stacks. Any problem
 * stops here, before a single file is written.
 */
function main(): void {
  const config = loadPlatformConfig();
  const runtime = readRuntimeOptions(
    process.env,
    config.environments.map((environment) => environment.name),
  );
  const app = new App();
  for (const environment of config.environments) {
    if (runtime.environments && !runtime.environments.includes(environment.name)) continue;
    defineEnvironment(app, environment, runtime.state);
  }
  app.synth();
}

try {
  main();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
