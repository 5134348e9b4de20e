#!/usr/bin/env node
// Deploy order: the stacks of an environment in waves from the dependency graph of the synthesized app
// (cdktf.out/manifest.json). A wave holds the stacks whose dependencies are all in earlier waves; within
// a wave at most --parallel stacks run at once. With --run, runs a command per stack, wave by wave, and
// stops before the next wave when a stack failed.
//
// Usage: node scripts/ci/deploy-order.mjs [--manifest FILE] (--environment NAME | --stack NAME...)
//                                         [--parallel N] [--json] [--run -- COMMAND... ]
//   --environment NAME   every stack cryptopulse-NAME-*
//   --stack NAME         this stack (repeatable)
//   --parallel N         stacks at once within a wave (default 2)
//   --run -- COMMAND     e.g. --run -- npx cdktf deploy {stack} --auto-approve --skip-synth
//                        ({stack} is replaced by the stack's name; each stack's output is prefixed)
//   -h, --help           this text
//   Without --run prints the waves, one per line (stacks separated by spaces), or JSON with --json.
//   Exit status: 0; 1 when a stack's command failed (later waves are not started); 2 on a usage error
//   or a graph problem (a dependency cycle, no stack selected).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { environmentPrefix } from '../../config/naming.mjs';
import { defineCli, leadingComment, UsageError } from '../lib/cli.mjs';

export class GraphError extends Error {}

/**
 * Waves of `selected` stacks in dependency order. Dependencies outside the selection (deployed by
 * another run) are listed in `external` and do not hold anything back.
 */
export function planWaves(manifest, selected) {
  const chosen = new Set(selected);
  for (const stack of chosen) if (!manifest.stacks[stack]) throw new GraphError(`no stack ${stack} in the manifest`);
  const dependencies = new Map([...chosen].map((stack) => [stack, manifest.stacks[stack].dependencies ?? []]));
  const external = {};
  for (const [stack, deps] of dependencies) {
    const outside = deps.filter((dependency) => !chosen.has(dependency));
    if (outside.length) external[stack] = outside;
  }
  const waves = [];
  const done = new Set();
  while (done.size < chosen.size) {
    const wave = [...chosen].filter((stack) => !done.has(stack) && dependencies.get(stack).every((dependency) => done.has(dependency) || !chosen.has(dependency))).sort();
    if (wave.length === 0) {
      const stuck = [...chosen].filter((stack) => !done.has(stack)).sort();
      throw new GraphError(`dependency cycle among ${stuck.join(', ')}`);
    }
    wave.forEach((stack) => done.add(stack));
    waves.push(wave);
  }
  return { waves, external };
}

export function stacksOf(manifest, environment) {
  return Object.keys(manifest.stacks)
    .filter((name) => name.startsWith(`${environmentPrefix(environment)}-`))
    .sort();
}

/** Runs `run(stack)` (a promise of success) for every stack, wave by wave, at most `parallel` at once. */
export async function runWaves(waves, parallel, run) {
  const results = [];
  for (const [index, wave] of waves.entries()) {
    const queue = [...wave];
    const worker = async () => {
      for (let stack = queue.shift(); stack !== undefined; stack = queue.shift()) results.push({ stack, wave: index + 1, ok: await run(stack) });
    };
    await Promise.all(Array.from({ length: Math.min(parallel, wave.length) }, worker));
    if (results.some((result) => !result.ok)) return { ok: false, results, skipped: waves.slice(index + 1).flat() };
  }
  return { ok: true, results, skipped: [] };
}

/** Spawns `command` with {stack} filled in, prefixing each output line with the stack's name. */
function spawnFor(command) {
  return (stack) =>
    new Promise((resolve) => {
      const [file, ...args] = command.map((part) => part.replaceAll('{stack}', stack));
      console.log(`[${stack}] $ ${[file, ...args].join(' ')}`);
      const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      for (const stream of [child.stdout, child.stderr]) {
        let rest = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk) => {
          const lines = (rest + chunk).split('\n');
          rest = lines.pop();
          for (const line of lines) console.log(`[${stack}] ${line}`);
        });
        stream.on('end', () => rest && console.log(`[${stack}] ${rest}`));
      }
      child.on('error', (error) => {
        console.log(`[${stack}] cannot start ${file}: ${error.message}`);
        resolve(false);
      });
      child.on('close', (status) => {
        console.log(`[${stack}] exit status ${status}`);
        resolve(status === 0);
      });
    });
}

const cli = defineCli({
  name: 'deploy-order',
  usage: leadingComment(import.meta.url),
  options: {
    manifest: { type: 'string', default: 'cdktf.out/manifest.json' },
    environment: { type: 'string' },
    stack: { type: 'string', multiple: true, default: [] },
    parallel: { type: 'string', default: '2' },
    json: { type: 'boolean', default: false },
    run: { type: 'boolean', default: false },
  },
  positionals: true,
  check: ({ values, positionals }) => {
    const parallel = Number(values.parallel);
    if (!(Number.isInteger(parallel) && parallel >= 1)) throw new UsageError(`--parallel ${values.parallel}: a whole number of at least 1`);
    if ((values.environment === undefined) === (values.stack.length === 0)) throw new UsageError('give --environment NAME or --stack NAME');
    if (values.run && positionals.length === 0) throw new UsageError('--run needs a command after --');
    if (!values.run && positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}: a command goes after --run --`);
    return { manifest: values.manifest, environment: values.environment, stacks: values.stack, parallel, json: values.json, command: values.run ? positionals : undefined };
  },
});

async function main(argv) {
  const { args: o, status } = cli.command(argv);
  if (status !== undefined) return status;
  const { command } = o;
  try {
    const manifest = JSON.parse(readFileSync(o.manifest, 'utf8'));
    const selected = o.environment !== undefined ? stacksOf(manifest, o.environment) : o.stacks;
    if (selected.length === 0) throw new GraphError(`no stacks for environment ${o.environment} in ${o.manifest}`);
    const plan = planWaves(manifest, selected);
    if (!command) {
      process.stdout.write(o.json ? `${JSON.stringify({ parallel: o.parallel, ...plan }, null, 2)}\n` : plan.waves.map((wave) => `${wave.join(' ')}\n`).join(''));
      return 0;
    }
    plan.waves.forEach((wave, index) => console.log(`wave ${index + 1}: ${wave.join(', ')}`));
    for (const [stack, deps] of Object.entries(plan.external)) console.log(`note: ${stack} depends on ${deps.join(', ')}, not deployed by this run`);
    const outcome = await runWaves(plan.waves, o.parallel, spawnFor(command));
    for (const result of outcome.results) console.log(`${result.ok ? 'ok  ' : 'FAIL'} ${result.stack} (wave ${result.wave})`);
    for (const stack of outcome.skipped) console.log(`skip ${stack} (an earlier wave failed)`);
    return outcome.ok ? 0 : 1;
  } catch (error) {
    console.error(`deploy-order: ${error.message}`);
    return error instanceof GraphError || error instanceof SyntaxError || error.code === 'ENOENT' ? 2 : 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main(process.argv.slice(2));
