// Where the project's scripts and tests find the tools they run: the toolbox's cache (toolbox/install.sh,
// `npm run toolbox`), its pinned builds in bin/, PATH, and the Terraform engine. One rule for every tool.
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The toolbox's cache folder: $CRYPTOPULSE_TOOLBOX_CACHE, else ~/.cache/cryptopulse-toolbox (as install.sh has it). */
export function toolboxCache(env = process.env) {
  return env.CRYPTOPULSE_TOOLBOX_CACHE || join(homedir(), '.cache', 'cryptopulse-toolbox');
}

/** The folder of the toolbox's pinned builds (helm, actionlint, promtool, amtool, checkov, kubeconform, pod-security, tofu). */
export const toolboxBin = (env = process.env) => join(toolboxCache(env), 'bin');

const isExecutableFile = (file) => {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
};

/** The first of `dirs`, then of PATH, that holds an executable file `name`; undefined when none does. */
export function onPath(name, dirs = [], env = process.env) {
  return [...dirs, ...(env.PATH ?? '').split(delimiter)]
    .filter(Boolean)
    .map((dir) => join(dir, name))
    .find(isExecutableFile);
}

/**
 * Every place `name` is, best first: $`variable` when it is set (a path or a command name), the toolbox's pinned build,
 * then PATH. Scripts take the first; tests take the first that runs.
 */
export function toolCandidates(name, { variable, env = process.env } = {}) {
  const chosen = variable && env[variable];
  if (chosen) return [chosen.includes('/') ? chosen : (onPath(chosen, [], env) ?? chosen)];
  return [...new Set([join(toolboxBin(env), name), onPath(name, [], env)])].filter((file) => file && isExecutableFile(file));
}

/** Where `name` is (see toolCandidates), or undefined. */
export const findTool = (name, options) => toolCandidates(name, options)[0];

/** What to say when `name` is found nowhere; `what` names it in the sentence ("working helm"). */
export function missingTool(name, { what = name, env = process.env } = {}) {
  return `no ${what} in the toolbox (${join(toolboxBin(env), name)}; \`npm run toolbox\` builds it) or on PATH`;
}

/** The Terraform engine: $TERRAFORM_BINARY_NAME if set (the toolbox's env.sh sets it), else terraform, else tofu on PATH. */
export function pickEngine(env = process.env) {
  return env.TERRAFORM_BINARY_NAME || onPath('terraform', [], env) || onPath('tofu', [], env);
}

/** What to say when there is no engine. */
export const MISSING_ENGINE = 'no engine: TERRAFORM_BINARY_NAME is unset and neither terraform nor tofu is on PATH (bash toolbox/install.sh provides one)';
