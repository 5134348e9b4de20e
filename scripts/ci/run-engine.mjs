#!/usr/bin/env node
// Where the workflows run Terraform, chosen by the repository variable CRYPTOPULSE_RUN_ENGINE
// (docs/terraform-cloud.md, "The two workflow modes"):
//   runner           (the default, also when unset or empty) plans and applies run on the GitHub runner with the
//                    credentials of its secrets; Terraform Cloud keeps state and locks. Sets TF_FORCE_LOCAL_BACKEND=1,
//                    which makes the cloud backend run operations locally whatever the workspace's execution mode.
//   terraform-cloud  every `cdktf diff` is a speculative run and every `cdktf deploy` a run in Terraform Cloud, on its
//                    workers or the environment's agents, with the workspaces' variable sets; needs the cloud backend.
// Appends the settings for the later steps of the job to $GITHUB_ENV and prints the choice in one line. An unknown
// mode, or terraform-cloud with another state backend, fails in one line (exit 2) before anything runs.
//
// Usage: node scripts/ci/run-engine.mjs     (reads CRYPTOPULSE_RUN_ENGINE, CRYPTOPULSE_STATE_BACKEND, GITHUB_ENV)
//   -h, --help  this text
import { appendFileSync } from 'node:fs';
import { defineCli, leadingComment } from '../lib/cli.mjs';

const RUN_ENGINES = ['runner', 'terraform-cloud'];

/** The environment the later steps get for `mode`, or a one-line problem. */
function runEngineSettings(env) {
  const mode = env.CRYPTOPULSE_RUN_ENGINE?.trim() || 'runner';
  const backend = env.CRYPTOPULSE_STATE_BACKEND?.trim() || 'local';
  if (!RUN_ENGINES.includes(mode)) return { problem: `CRYPTOPULSE_RUN_ENGINE = "${mode}": allowed are ${RUN_ENGINES.join(', ')}` };
  if (mode === 'terraform-cloud' && backend !== 'cloud') {
    return { problem: `CRYPTOPULSE_RUN_ENGINE = "terraform-cloud" needs CRYPTOPULSE_STATE_BACKEND=cloud (it is "${backend}")` };
  }
  return { mode, settings: mode === 'runner' ? { TF_FORCE_LOCAL_BACKEND: '1' } : {} };
}

function main() {
  const { status } = defineCli({ name: 'run-engine', usage: leadingComment(import.meta.url) }).command(process.argv.slice(2));
  if (status !== undefined) return status;
  const { problem, mode, settings } = runEngineSettings(process.env);
  if (problem) {
    console.error(`run-engine: ${problem}`);
    return 2;
  }
  const lines = Object.entries(settings).map(([name, value]) => `${name}=${value}\n`);
  if (lines.length) {
    if (!process.env.GITHUB_ENV) {
      console.error('run-engine: GITHUB_ENV is not set (this runs as a workflow step)');
      return 2;
    }
    appendFileSync(process.env.GITHUB_ENV, lines.join(''));
  }
  console.log(`run engine: ${mode}${lines.length ? ` (${lines.map((line) => line.trim()).join(', ')})` : ''}`);
  return 0;
}

process.exitCode = main();
