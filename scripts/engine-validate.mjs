#!/usr/bin/env node
// Engine validation for the synthesized CryptoPulse stacks.
//
// Synthesizes the app (npx cdktf synth, with the Terraform Cloud bootstrap stack unless CRYPTOPULSE_ENVIRONMENTS or
// CRYPTOPULSE_TFC_BOOTSTRAP is set), then for every stack directory in cdktf.out/stacks runs
//   <engine> init -backend=false -input=false
//   <engine> validate -json
// and fails naming the stack, the resource address (and its construct path) and the diagnostic
// summary and detail of every error. Prints one line per stack with its timings and closes with
// "N passed, N failed".
//
// Usage: node scripts/engine-validate.mjs [--no-synth] [--stack NAME]... [--parallel 1|2]
//                                         [--out DIR] [--timeout SECONDS] [--allow-missing-providers]
//   --no-synth                 use the existing cdktf.out (fails when it has no stacks)
//   --stack NAME               validate only this stack (repeatable)
//   --parallel N               stacks validated at once, 1 or 2 (default 2)
//   --out DIR                  cdktf output directory (default cdktf.out)
//   --timeout SECONDS          limit for each engine command (default 600)
//   --allow-missing-providers  a stack whose init cannot find its providers is reported as skipped
//                              instead of failed
//
// Engine: $TERRAFORM_BINARY_NAME if set, else terraform on PATH, else tofu on PATH.
// Providers: with the toolbox environment sourced (TF_CLI_CONFIG_FILE points at its CLI config) init
// installs them from the local mirror; without it init uses the engine's own configuration (the
// registry), sharing one provider download cache (TF_PLUGIN_CACHE_DIR) across the stacks.
// With the mirror, a stack's .terraform.lock.hcl whose checksums are the registry's (which cannot match
// providers built from source) is moved to .terraform.lock.hcl.before-mirror and init is rerun once.
// The closing line gains ", N skipped" only with --allow-missing-providers and stacks skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineCli, leadingComment } from './lib/cli.mjs';
import { ENGINE_OPTIONS, engineLimits, errorLines, MISSING_PROVIDER, mutex, oneLine, run, secs } from './lib/engine.mjs';
import { MISSING_ENGINE, pickEngine } from './lib/toolbox.mjs';

const ROOT = resolve(import.meta.dirname, '..');

const cli = defineCli({
  name: 'engine-validate',
  usage: leadingComment(import.meta.url),
  options: {
    'no-synth': { type: 'boolean', default: false },
    stack: { type: 'string', multiple: true, default: [] },
    ...ENGINE_OPTIONS,
    out: { type: 'string' },
    'allow-missing-providers': { type: 'boolean', default: false },
  },
  check: ({ values }) => {
    const { parallel, timeout } = engineLimits(values);
    return { synth: !values['no-synth'], stacks: values.stack, parallel, out: values.out ?? 'cdktf.out', outGiven: values.out !== undefined, timeout, allowMissing: values['allow-missing-providers'] };
  },
});

// Maps a diagnostic to "address [construct path]" using the stack's cdk.tf.json.
function locate(diag, stackDir, cache) {
  let address = diag.address || '';
  const filename = diag.range?.filename;
  const line = diag.range?.start?.line;
  if (!address && filename && line) {
    const key = join(stackDir, filename);
    if (!cache.has(key)) {
      try {
        cache.set(key, readFileSync(key, 'utf8').split('\n'));
      } catch {
        cache.set(key, null);
      }
    }
    const lines = cache.get(key);
    if (lines) address = addressAtLine(lines, line);
  }
  if (!address && diag.snippet?.context) address = diag.snippet.context;
  let constructPath = '';
  if (address) {
    try {
      const cfg = JSON.parse(readFileSync(join(stackDir, filename || 'cdk.tf.json'), 'utf8'));
      const parts = address.replace(/\[[^\]]*\]/g, '').split('.');
      const isData = parts[0] === 'data';
      const [type, name] = isData ? parts.slice(1) : parts;
      const block = (isData ? cfg.data : cfg.resource)?.[type]?.[name];
      constructPath = block?.['//']?.metadata?.path || '';
    } catch {
      /* no construct path */
    }
  }
  return { address, constructPath };
}

// For cdktf's pretty-printed JSON: "resource" > type > name sit at indents 2, 4 and 6.
function addressAtLine(lines, line) {
  let name = null;
  let type = null;
  for (let i = Math.min(line, lines.length) - 1; i >= 0; i--) {
    const m = /^( *)"([^"]+)"\s*:\s*[{[]/.exec(lines[i]);
    if (!m) continue;
    const indent = m[1].length;
    if (indent === 6 && name === null && type === null) name = m[2];
    else if (indent === 4 && type === null) type = m[2];
    else if (indent === 2) {
      if (m[2] === 'resource' && type && name) return `${type}.${name}`;
      if (m[2] === 'data' && type && name) return `data.${type}.${name}`;
      if (type) return `${m[2]}.${type}`;
      return m[2];
    }
  }
  return '';
}

/**
 * The Terraform Cloud bootstrap stack is synthesized only on request; validation asks for it unless the caller picked
 * environments (the bootstrap refuses a subset), naming a placeholder organization when the caller names none.
 */
function bootstrapSelection(env) {
  if (env.CRYPTOPULSE_ENVIRONMENTS !== undefined || env.CRYPTOPULSE_TFC_BOOTSTRAP !== undefined) return {};
  return { CRYPTOPULSE_TFC_BOOTSTRAP: 'true', CRYPTOPULSE_TFC_ORGANIZATION: env.CRYPTOPULSE_TFC_ORGANIZATION || 'cryptopulse' };
}

const LOCK_MISMATCH = /match any of the\s+checksums previously recorded in the dependency lock file/;

async function validateStack(engine, stack, dir, env, opts, initLock) {
  const t0 = Date.now();
  const errors = [];
  let warnings = 0;
  const release = await initLock();
  let init;
  try {
    const initArgs = ['init', '-backend=false', '-input=false', '-no-color'];
    init = await run(engine, initArgs, { cwd: dir, env, timeoutS: opts.timeout });
    // A lock file written against the registry's packages cannot match providers built from source
    // for the toolbox mirror: set it aside once and let init record the mirror's checksums.
    const lock = join(dir, '.terraform.lock.hcl');
    if (init.code !== 0 && env.TF_CLI_CONFIG_FILE && LOCK_MISMATCH.test(init.stderr) && existsSync(lock)) {
      renameSync(lock, `${lock}.before-mirror`);
      console.log(`note ${stack}: ${lock} does not match the mirror's providers; moved to .terraform.lock.hcl.before-mirror`);
      const retry = await run(engine, initArgs, { cwd: dir, env, timeoutS: opts.timeout });
      init = { ...retry, ms: init.ms + retry.ms };
    }
  } finally {
    release();
  }
  if (init.code !== 0) {
    const text = `${init.stderr}\n${init.stdout}`;
    const skipped = opts.allowMissing && MISSING_PROVIDER.test(text);
    // Diagnostics go to stderr as "Error: <summary>\n\n<detail>"; keep summary and detail.
    const errLines = errorLines(init.stderr);
    errors.push(
      ...(init.timedOut ? [`init timed out after ${opts.timeout}s`] : []),
      ...(errLines.length ? errLines : [oneLine(text.split('\n').slice(-15).join('\n'))]).map((e) => `init: ${e}`),
    );
    return { stack, status: skipped ? 'skipped' : 'failed', errors, warnings, initMs: init.ms, validateMs: 0, ms: Date.now() - t0 };
  }
  const val = await run(engine, ['validate', '-json', '-no-color'], { cwd: dir, env, timeoutS: opts.timeout });
  let report;
  try {
    report = JSON.parse(val.stdout);
  } catch {
    errors.push(`validate: ${val.timedOut ? `timed out after ${opts.timeout}s` : 'no JSON output'} (exit ${val.code}): ${oneLine(val.stderr || val.stdout)}`);
    return { stack, status: 'failed', errors, warnings, initMs: init.ms, validateMs: val.ms, ms: Date.now() - t0 };
  }
  const files = new Map();
  for (const d of report.diagnostics || []) {
    if (d.severity === 'warning') {
      warnings++;
      continue;
    }
    if (d.severity !== 'error') continue;
    const { address, constructPath } = locate(d, dir, files);
    const where = address ? `${address}${constructPath ? ` [${constructPath}]` : ''}` : '(stack)';
    const detail = d.detail ? `: ${oneLine(d.detail)}` : '';
    errors.push(`${where}: ${oneLine(d.summary)}${detail}`);
  }
  if (!report.valid && errors.length === 0) errors.push(`(stack): validate reported invalid (exit ${val.code})`);
  const status = report.valid && errors.length === 0 && val.code === 0 ? 'passed' : 'failed';
  return { stack, status, errors, warnings, initMs: init.ms, validateMs: val.ms, ms: Date.now() - t0 };
}

async function main() {
  const opts = cli.read();
  const outDir = resolve(ROOT, opts.out);
  const stacksDir = join(outDir, 'stacks');
  const env = { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' };

  if (opts.synth) {
    console.log('engine-validate: npx cdktf synth');
    const t0 = Date.now();
    const args = ['cdktf', 'synth', ...(opts.outGiven ? ['--output', opts.out] : [])];
    const r = spawnSync('npx', args, { cwd: ROOT, env: { ...env, ...bootstrapSelection(env) }, stdio: 'inherit' });
    if (r.status !== 0) {
      console.error(`engine-validate: cdktf synth failed (exit ${r.status ?? r.signal})`);
      console.log('0 passed, 1 failed');
      process.exit(1);
    }
    console.log(`engine-validate: synth took ${secs(Date.now() - t0)}`);
  }

  if (!existsSync(stacksDir)) {
    console.error(`engine-validate: ${stacksDir} does not exist${opts.synth ? '' : ' (run without --no-synth to synthesize)'}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  let stacks = readdirSync(stacksDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  if (opts.stacks.length) {
    const unknown = opts.stacks.filter((s) => !stacks.includes(s));
    if (unknown.length) {
      console.error(`engine-validate: no such stack: ${unknown.join(', ')} (have: ${stacks.join(', ')})`);
      console.log(`0 passed, ${unknown.length} failed`);
      process.exit(1);
    }
    stacks = stacks.filter((s) => opts.stacks.includes(s));
  }
  if (stacks.length === 0) {
    console.error(`engine-validate: no stack directories in ${stacksDir}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }

  const engine = pickEngine();
  if (!engine) {
    console.error(`engine-validate: ${MISSING_ENGINE}`);
    console.log(`0 passed, ${stacks.length} failed`);
    process.exit(1);
  }
  const ver = spawnSync(engine, ['version', '-json'], { env, encoding: 'utf8' });
  let engineVersion = 'unknown version';
  try {
    engineVersion = `v${JSON.parse(ver.stdout).terraform_version}`;
  } catch {
    if (ver.error) {
      console.error(`engine-validate: cannot run engine ${engine}: ${ver.error.message}`);
      console.log(`0 passed, ${stacks.length} failed`);
      process.exit(1);
    }
  }

  // Provider source: the toolbox mirror when its CLI config is active, otherwise the engine's own
  // configuration with one shared download cache, in which case init runs one stack at a time.
  let initLock = async () => () => {};
  let providerNote;
  if (env.TF_CLI_CONFIG_FILE) {
    providerNote = `CLI config ${env.TF_CLI_CONFIG_FILE}`;
  } else {
    if (!env.TF_PLUGIN_CACHE_DIR) {
      env.TF_PLUGIN_CACHE_DIR = join(outDir, '.plugin-cache');
      mkdirSync(env.TF_PLUGIN_CACHE_DIR, { recursive: true });
    }
    initLock = mutex();
    providerNote = `default provider installation, plugin cache ${env.TF_PLUGIN_CACHE_DIR}`;
  }
  console.log(`engine-validate: ${engine} (${engineVersion}); providers: ${providerNote}; ${stacks.length} stack(s), parallel ${opts.parallel}`);

  const t0 = Date.now();
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < stacks.length) {
      const stack = stacks[next++];
      const r = await validateStack(engine, stack, join(stacksDir, stack), env, opts, initLock);
      results.push(r);
      const tag = { passed: 'ok  ', failed: 'FAIL', skipped: 'SKIP' }[r.status];
      const warn = r.warnings ? `, ${r.warnings} warning(s)` : '';
      console.log(`${tag} ${stack} (${secs(r.ms)}: init ${secs(r.initMs)}, validate ${secs(r.validateMs)}${warn})`);
      for (const e of r.errors) console.log(`     ${r.status === 'skipped' ? 'skipped' : 'error'}: ${stack}: ${e}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.parallel, stacks.length) }, worker));

  const passed = results.filter((r) => r.status === 'passed').length;
  const failed = results.filter((r) => r.status === 'failed').length;
  const skipped = results.filter((r) => r.status === 'skipped').length;
  console.log(`engine-validate: ${stacks.length} stack(s) in ${secs(Date.now() - t0)}`);
  if (failed) {
    console.log('engine-validate: failed stacks:');
    for (const r of results.filter((x) => x.status === 'failed')) {
      for (const e of r.errors) console.log(`  ${r.stack}: ${e}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(`engine-validate: ${e?.stack || e}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
