#!/usr/bin/env node
// npm run test:cdktn: proves that the app migrated to CDK Terrain (cdktn, the community continuation of cdktf)
// synthesizes what it synthesizes today, the toolchain's version string aside (docs/cdk-terrain.md).
//
// Never touches the project's package.json, package-lock.json or node_modules. In a cache folder it
//   1. installs Node from npm (the pinned node-<platform>-<arch> package: cdktn-cli needs Node >= 22.19);
//   2. copies the checkout's files (git ls-files: tracked and untracked, not ignored) into a scratch app and runs
//      there, with that Node first on PATH, the migration commands of docs/cdk-terrain.md: cdktf becomes the alias
//      npm:cdktn@<pin> (for the providers too, through an override), constructs the version cdktn needs, and
//      cdktf-cli gives way to cdktn-cli;
//   3. synthesizes both environments with the project's cdktf CLI into the checkout's cdktf.out (as
//      `npx cdktf synth` does) and with cdktn-cli into the scratch app's cdktf.out. CRYPTOPULSE_ENVIRONMENTS is
//      cleared for both; every other setting reaches both alike;
//   4. compares the two outputs file by file: JSON by value and key order, any other file byte by byte. The one
//      difference allowed is the version each toolchain writes into manifest.json ($.version) and into each
//      stack's cdk.tf.json ($["//"].metadata.version). Any other fails, naming the stack, the file and the JSON path.
// Steps 1 and 2 run once per pin and per content of package.json (its scripts aside) and package-lock.json; later
// runs refresh the scratch app's sources and synthesize. Closes with "N passed, N failed", counting the files compared.
//
// Usage: node scripts/cdktn-compat.mjs [--cache DIR] [--no-synth]
//   --cache DIR  where Node, the scratch app (DIR/app) and the logs (DIR/logs) go, outside the checkout
//                (default ~/.cache/cryptopulse-cdktn); one run at a time per folder
//   --no-synth   compare with the checkout's cdktf.out as it is (synthesized before with every environment)
//   -h, --help   this text
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve, sep } from 'node:path';
import { compareOutputs, Failure, formatDifference, migrationCommands, nodeRuntimePackage, PINS, satisfiesMinimum, shellLine } from './lib/cdktn-compat.mjs';
import { defineCli, leadingComment, UsageError } from './lib/cli.mjs';

const NAME = 'cdktn-compat';
const ROOT = resolve(import.meta.dirname, '..');
/** What the scratch app keeps from one run to the next; everything else is the checkout's, copied afresh. */
const INSTALLED = ['node_modules', 'package.json', 'package-lock.json', '.install-key'];
const STEP_TIMEOUT_MS = 10 * 60 * 1000;

const log = (line) => console.log(`${NAME}: ${line}`);
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)}s`;
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/** Runs one command with its output in logs/<name>.log; a non-zero exit is a Failure quoting the log's last lines. */
function run(logs, name, command, args, { cwd, env }) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: STEP_TIMEOUT_MS, maxBuffer: 256 * 1024 * 1024 });
  const logFile = join(logs, `${name}.log`);
  writeFileSync(logFile, `$ ${shellLine([command, ...args])}\n(in ${cwd})\n${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? `${result.error.message}\n` : ''}`);
  if (result.status !== 0) {
    const tail = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
    throw new Failure(`${name}: \`${shellLine([command, ...args])}\` failed (${result.error?.message ?? `exit ${result.status}`}); the end of ${logFile}:\n${tail}`);
  }
  return result.stdout;
}

/** The pinned Node from npm under cache/node: { bin: the folder holding its `node`, version }. */
function nodeRuntime(cache, logs, env) {
  const pkg = nodeRuntimePackage();
  const prefix = join(cache, 'node', `${pkg}-${PINS.node}`);
  const bin = join(prefix, 'node_modules', pkg, 'bin');
  const started = Date.now();
  const cached = existsSync(join(prefix, '.complete'));
  if (!cached) {
    rmSync(prefix, { recursive: true, force: true });
    mkdirSync(prefix, { recursive: true });
    run(logs, 'node-install', 'npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', `${pkg}@${PINS.node}`], { cwd: prefix, env });
    writeFileSync(join(prefix, '.complete'), '');
  }
  const version = run(logs, 'node-version', join(bin, 'node'), ['--version'], { cwd: prefix, env }).trim();
  if (version !== `v${PINS.node}`) throw new Failure(`${join(bin, 'node')} is ${version}, not the pinned v${PINS.node}`);
  log(`Node ${version} (${pkg} from npm) ${cached ? 'cached' : `installed in ${seconds(started)}`}`);
  return { bin, version };
}

/** The files the checkout would synthesize from: tracked and untracked, not ignored, still present. */
function checkoutFiles() {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  if (listed.status !== 0) throw new Failure(`${ROOT} must be a git checkout: git ls-files failed (${(listed.stderr || listed.error?.message || '').trim()})`);
  return [...new Set(listed.stdout.split('\0').filter(Boolean))].filter((file) => existsSync(join(ROOT, file)));
}

/** Copies the checkout's files into `app`, all but `except`. */
function copyCheckout(app, except) {
  for (const file of checkoutFiles()) {
    if (except.includes(file)) continue;
    mkdirSync(dirname(join(app, file)), { recursive: true });
    cpSync(join(ROOT, file), join(app, file), { verbatimSymlinks: true });
  }
}

/** The scratch app under cache/app, migrated and installed once per pin and lock file, its sources refreshed. */
function scratchApp(cache, logs, env) {
  const app = join(cache, 'app');
  // What the install depends on: the commands (and so the pins), package.json but its scripts, the lock file.
  const manifest = readJson(join(ROOT, 'package.json'));
  delete manifest.scripts;
  const key = createHash('sha256')
    .update(JSON.stringify(migrationCommands()))
    .update(JSON.stringify(manifest))
    .update(readFileSync(join(ROOT, 'package-lock.json')))
    .digest('hex');
  const keyFile = join(app, '.install-key');
  const cached = existsSync(keyFile) && readFileSync(keyFile, 'utf8') === key;
  const started = Date.now();
  if (cached) {
    for (const entry of readdirSync(app)) if (!INSTALLED.includes(entry)) rmSync(join(app, entry), { recursive: true, force: true });
    copyCheckout(app, ['package.json', 'package-lock.json']);
  } else {
    rmSync(app, { recursive: true, force: true });
    mkdirSync(app, { recursive: true });
    copyCheckout(app, []);
    migrationCommands().forEach((words, index) => run(logs, `migrate-${index + 1}`, words[0], words.slice(1), { cwd: app, env }));
    writeFileSync(keyFile, key);
  }
  log(`scratch app ${app} migrated to cdktn ${PINS.cdktn} ${cached ? '(installed before; sources refreshed)' : `and installed in ${seconds(started)}`}`);
  return app;
}

/** Fails unless the scratch app really runs cdktn through the cdktf name, with one copy of it, on a Node cdktn-cli accepts. */
function checkMigration(app, nodeVersion) {
  const packages = readJson(join(app, 'package-lock.json')).packages;
  for (const [where, entry] of Object.entries(packages)) {
    if (!/(^|\/)node_modules\/cdktf$/.test(where)) continue;
    if (entry.name !== 'cdktn' || entry.version !== PINS.cdktn) throw new Failure(`${app}: ${where} is ${entry.name ?? 'cdktf'}@${entry.version}, not the alias of cdktn@${PINS.cdktn}`);
    if (where !== 'node_modules/cdktf') throw new Failure(`${app}: a second copy of cdktf at ${where}`);
  }
  const installed = readJson(join(app, 'node_modules', 'cdktf', 'package.json'));
  if (installed.name !== 'cdktn' || installed.version !== PINS.cdktn) throw new Failure(`${app}: node_modules/cdktf is ${installed.name}@${installed.version}, not cdktn@${PINS.cdktn}`);
  const engines = readJson(join(app, 'node_modules', 'cdktn-cli', 'package.json')).engines?.node;
  if (engines && !satisfiesMinimum(nodeVersion, engines)) throw new Failure(`cdktn-cli ${PINS.cdktnCli} needs Node ${engines}; the pinned Node is ${nodeVersion}`);
}

/** Synthesizes with `cli` in `cwd` into cwd/cdktf.out (output in logs/<logName>.log): the output folder. */
function synth(logs, { logName, title, cli, cwd, env }) {
  const out = join(cwd, 'cdktf.out');
  rmSync(out, { recursive: true, force: true });
  const started = Date.now();
  run(logs, logName, cli, ['synth'], { cwd, env });
  log(`${title}: ${stackCount(out)} stacks in ${seconds(started)} (${out})`);
  return out;
}

/** The number of stacks an output's manifest lists; a Failure when it has no manifest or no stack. */
function stackCount(out) {
  const manifest = join(out, 'manifest.json');
  if (!existsSync(manifest)) throw new Failure(`no ${manifest}: synthesize first (npx cdktf synth), or leave out --no-synth`);
  const stacks = Object.keys(readJson(manifest).stacks ?? {});
  if (stacks.length === 0) throw new Failure(`${manifest} lists no stack`);
  return stacks.length;
}

const cli = defineCli({
  name: NAME,
  usage: leadingComment(import.meta.url),
  options: { cache: { type: 'string' }, 'no-synth': { type: 'boolean', default: false } },
  check: ({ values }) => {
    if (values.cache === '') throw new UsageError('--cache needs a folder');
    const cache = resolve(values.cache ?? join(homedir(), '.cache', 'cryptopulse-cdktn'));
    // Inside the checkout, the scratch app would be copied into itself (git ls-files lists untracked files).
    if (cache === ROOT || cache.startsWith(`${ROOT}${sep}`)) throw new UsageError(`--cache ${cache} is inside the checkout ${ROOT}; give a folder outside it`);
    return { cache, noSynth: values['no-synth'] };
  },
});

function main() {
  const { cache, noSynth } = cli.read();
  const logs = join(cache, 'logs');
  try {
    mkdirSync(logs, { recursive: true });
  } catch (error) {
    cli.fail(`--cache ${cache}: cannot create ${logs} (${error.code ?? error.message})`);
  }
  const started = Date.now();
  const ownCdktf = join(ROOT, 'node_modules', 'cdktf', 'package.json');
  if (!existsSync(ownCdktf)) throw new Failure(`no ${ownCdktf}: run npm ci first`);
  const reference = { name: 'cdktf', version: readJson(ownCdktf).version };
  const candidate = { name: 'cdktn', version: PINS.cdktn };

  // Both synths see the same settings, and both environments.
  const env = { ...process.env, CHECKPOINT_DISABLE: '1', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  delete env.CRYPTOPULSE_ENVIRONMENTS;
  const node = nodeRuntime(cache, logs, env);
  const terrainEnv = { ...env, PATH: `${node.bin}${delimiter}${env.PATH ?? ''}` };
  const app = scratchApp(cache, logs, terrainEnv);
  checkMigration(app, node.version);

  const cdktfTitle = `cdktf ${reference.version} on Node ${process.version}`;
  let referenceOut = join(ROOT, 'cdktf.out');
  if (noSynth) log(`${cdktfTitle}: ${stackCount(referenceOut)} stacks in ${referenceOut}, as synthesized before`);
  else referenceOut = synth(logs, { logName: 'synth-cdktf', title: cdktfTitle, cli: join(ROOT, 'node_modules', '.bin', 'cdktf'), cwd: ROOT, env });
  const candidateOut = synth(logs, { logName: 'synth-cdktn', title: `cdktn ${candidate.version} on Node ${node.version}`, cli: join(app, 'node_modules', '.bin', 'cdktn'), cwd: app, env: terrainEnv });

  const { files, differences } = compareOutputs(referenceOut, candidateOut, { reference, candidate });
  for (const difference of differences) console.log(`FAIL ${formatDifference(difference)}`);
  const failed = new Set(differences.map((difference) => difference.outputFile)).size;
  if (failed === 0) log(`${files.length} files equal to cdktf ${reference.version}'s, the version string aside (${seconds(started)} in all)`);
  else log(`${failed} of ${files.length} files differ from cdktf ${reference.version}'s beyond the version string (${differences.length} differences)`);
  console.log(`${files.length - failed} passed, ${failed} failed`);
  process.exitCode = differences.length ? 1 : 0;
}

try {
  main();
} catch (error) {
  console.error(`${NAME}: ${error instanceof Failure ? error.message : error?.stack || error}`);
  process.exitCode = 1;
}
