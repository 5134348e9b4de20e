#!/usr/bin/env node
// Which stacks a change can affect, from the files it touches: the pull-request workflow plans only those.
// Conservative: when in doubt, every stack.
//
//   config/environments/<env>.ts          every stack of <env>
//   stacks/<layer>-stack.ts,
//   stacks/<layer>-layer-stack.ts         the stacks of <layer> and every stack that depends on them
//                                         (<layer> one of config/naming.mjs's LAYER_NAMES: not
//                                         stacks/layer-stack.ts, the base of every stack)
//   helm-values/, charts/, migrations/    the platform layer's stacks (and dependents): they ship from there
//   documentation, tests, workflows, cost/, scripts/ (except the app launcher), toolbox/, .ci/
//                                         no stack (they never reach the synthesized Terraform)
//   anything else (shared code under config/, constructs/, stacks/, guardrails/; main.ts, package
//   files, cdktf.json, ...)                 every stack
//
// Usage: node scripts/ci/affected-stacks.mjs (--base REF | --files FILE) [--manifest FILE] [--json]
//   --base REF      the files changed between REF and HEAD (git diff --name-only REF...HEAD)
//   --files FILE    the changed files, one per line ("-" reads stdin)
//   --manifest      the synthesized app's manifest (default cdktf.out/manifest.json): its stacks and
//                   their dependencies
//   -h, --help      this text
//   Prints the affected stacks one per line, or with --json:
//   { all, stacks, unaffected, reasons: { <stack>: [file, ...] }, files }
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { LAYER_NAMES, parseStackName } from '../../config/naming.mjs';
import { defineCli, leadingComment, UsageError } from '../lib/cli.mjs';

const NO_STACK = [
  /\.md$/,
  /^LICENSE/,
  /^\.gitignore$/,
  /^__tests__\//,
  /^\.github\//,
  /^\.ci\//,
  /^cost\//,
  /^toolbox\//,
  /^scripts\/(?!app\.cjs$)/,
  /^eslint\.config\.mjs$/,
  /^jest\.config\.js$/,
];
/** Folders only the platform layer reads (all of a chart ships, its README too). */
const PLATFORM_INPUTS = [/^helm-values\//, /^charts\//, /^migrations\//];
/** `stacks/<layer>-stack.ts` or `stacks/<layer>-layer-stack.ts` of a layer's stack class. */
const LAYER_STACK_CODE = new RegExp(`^stacks/(${LAYER_NAMES.join('|')})(?:-layer)?-stack\\.ts$`);

/** What a changed file can affect: "none", "all", { environment } or { layer }. */
export function classify(file, layers) {
  if (PLATFORM_INPUTS.some((pattern) => pattern.test(file))) return layers.has('platform') ? { layer: 'platform' } : 'all';
  if (NO_STACK.some((pattern) => pattern.test(file))) return 'none';
  const environment = /^config\/environments\/([a-z0-9-]+)\.ts$/.exec(file);
  if (environment) return { environment: environment[1] };
  const stack = LAYER_STACK_CODE.exec(file);
  if (stack && layers.has(stack[1])) return { layer: stack[1] };
  return 'all';
}

/** The stacks of `manifest` that `files` can affect, with the files behind each. */
export function affectedStacks(files, manifest) {
  const all = Object.keys(manifest.stacks).sort();
  const parsed = new Map(all.map((name) => [name, parseStackName(name)]));
  const layers = new Set([...parsed.values()].filter(Boolean).map((stack) => stack.layer));
  const dependents = (names) => {
    const result = new Set(names);
    for (let grew = true; grew; ) {
      grew = false;
      for (const name of all) {
        if (!result.has(name) && (manifest.stacks[name].dependencies ?? []).some((dependency) => result.has(dependency))) {
          result.add(name);
          grew = true;
        }
      }
    }
    return result;
  };
  const reasons = new Map();
  const add = (stacks, file) => {
    for (const stack of stacks) reasons.set(stack, [...(reasons.get(stack) ?? []), file]);
  };
  for (const file of files) {
    const scope = classify(file, layers);
    if (scope === 'none') continue;
    let stacks = [];
    if (scope === 'all') stacks = all;
    else if (scope.environment) stacks = all.filter((name) => parsed.get(name)?.environment === scope.environment);
    else stacks = [...dependents(all.filter((name) => parsed.get(name)?.layer === scope.layer))];
    // A file that should affect stacks but matches none (a new environment, an unparsable name): all.
    add(stacks.length > 0 ? stacks : all, file);
  }
  const stacks = all.filter((name) => reasons.has(name));
  return {
    all: stacks.length === all.length && all.length > 0,
    stacks,
    unaffected: all.filter((name) => !reasons.has(name)),
    reasons: Object.fromEntries(stacks.map((name) => [name, reasons.get(name)])),
    files,
  };
}

function changedFiles(base) {
  const result = spawnSync('git', ['diff', '--name-only', '--no-renames', `${base}...HEAD`], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git diff against ${base} failed: ${(result.stderr || '').trim()} (fetch the base first, with full history)`);
  return result.stdout.split('\n').filter(Boolean);
}

const cli = defineCli({
  name: 'affected-stacks',
  usage: leadingComment(import.meta.url),
  options: { base: { type: 'string' }, files: { type: 'string' }, manifest: { type: 'string', default: 'cdktf.out/manifest.json' }, json: { type: 'boolean', default: false } },
  check: ({ values }) => {
    if ((values.base === undefined) === (values.files === undefined)) throw new UsageError('give either --base REF or --files FILE');
    return values;
  },
});

function main(argv) {
  const { args: o, status } = cli.command(argv);
  if (status !== undefined) return status;
  try {
    const files =
      o.base !== undefined
        ? changedFiles(o.base)
        : readFileSync(o.files === '-' ? 0 : o.files, 'utf8')
            .split('\n')
            .map((line) => line.trim())
            .filter(Boolean);
    const result = affectedStacks(files, JSON.parse(readFileSync(o.manifest, 'utf8')));
    process.stdout.write(o.json ? `${JSON.stringify(result, null, 2)}\n` : result.stacks.map((stack) => `${stack}\n`).join(''));
    return 0;
  } catch (error) {
    console.error(`affected-stacks: ${error.message}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
