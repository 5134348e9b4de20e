// First: the modules imported after it load without cdktf's token traces.
import { restoreTokenTraces } from "./stacks/load-without-token-traces";
import { ConfigError } from "./config";
import { GuardrailError } from "./guardrails";
import { synthesizePlatform } from "./stacks/platform-app";

restoreTokenTraces();

/**
 * Entry point of `cdktf synth`. A bad configuration or runtime setting
 * (ConfigError) or a guardrail finding (GuardrailError) prints one line per
 * problem and exits non-zero, before a single stack file is written.
 */
try {
  synthesizePlatform();
} catch (error) {
  if (!(error instanceof ConfigError || error instanceof GuardrailError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
