#!/usr/bin/env node
// Secret scan of the synthesized output. Fails when any value in the scanned files matches a
// secret pattern (guardrails/secret-patterns.json, shared with guardrail CP-SEC-001) or contains the
// value of a credential environment variable (as is, URL-encoded or base64-encoded).
//
// Usage: node scripts/secret-scan.mjs [--canaries] [DIR...]
//   DIR          directories to scan (default: cdktf.out); JSON files are read value by value, other
//                files line by line; .terraform/ and .plugin-cache/ (provider binaries) are skipped
//   --canaries   first run the app (the command in cdktf.json) into a fresh directory with a fake,
//                well-formed credential in every credential variable, and scan that directory too,
//                for the fakes as well as the patterns
//   -h, --help   this text
//
// Credential variables: DIGITALOCEAN_TOKEN, DIGITALOCEAN_ACCESS_TOKEN, SPACES_ACCESS_KEY_ID,
// SPACES_SECRET_ACCESS_KEY, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, CLOUDFLARE_API_TOKEN,
// CLOUDFLARE_API_KEY, and every TF_VAR_* and TF_TOKEN_* (values of 8 characters or more).
// A finding names the file, the JSON path and the pattern or variable, never the value.
// Prints "N passed, N failed" (files) last. Exit: 0 clean, 1 findings or app failure, 2 usage.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineCli, leadingComment, UsageError } from './lib/cli.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const SKIPPED_DIRS = new Set(['.terraform', '.plugin-cache']);
const CREDENTIAL_VARIABLES = [
  'DIGITALOCEAN_TOKEN',
  'DIGITALOCEAN_ACCESS_TOKEN',
  'SPACES_ACCESS_KEY_ID',
  'SPACES_SECRET_ACCESS_KEY',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'CLOUDFLARE_API_TOKEN',
  'CLOUDFLARE_API_KEY',
];
const MIN_SECRET_LENGTH = 8;

const patterns = JSON.parse(readFileSync(path.join(ROOT, 'guardrails', 'secret-patterns.json'), 'utf8')).patterns.map((p) => ({
  id: p.id,
  regex: new RegExp(p.regex, p.flags ?? ''),
}));

const cli = defineCli({
  name: 'secret-scan',
  usage: leadingComment(import.meta.url),
  options: { canaries: { type: 'boolean', default: false } },
  positionals: true,
  check: ({ values, positionals }) => {
    const dirs = positionals.length ? positionals.map((dir) => path.resolve(dir)) : [path.join(ROOT, 'cdktf.out')];
    for (const dir of dirs) if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${dir} is not a directory: synthesize first with npx cdktf synth, or name another`);
    return { dirs, withCanaries: values.canaries };
  },
});

/** Fake credentials shaped like the real ones, so the patterns would catch them too. */
function canaries() {
  const fake = (label, alphabet, length) => {
    let out = '';
    for (let round = 0; out.length < length; round++) {
      for (const byte of createHash('sha256').update(`cryptopulse-canary-${label}-${round}`).digest()) out += alphabet[byte % alphabet.length];
    }
    return out.slice(0, length);
  };
  const HEX = '0123456789abcdef';
  const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const TOKEN = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-';
  return {
    DIGITALOCEAN_TOKEN: `dop_v1_${fake('do', HEX, 64)}`,
    DIGITALOCEAN_ACCESS_TOKEN: `dop_v1_${fake('do-access', HEX, 64)}`,
    SPACES_ACCESS_KEY_ID: `DO00${fake('spaces-id', UPPER, 16)}`,
    SPACES_SECRET_ACCESS_KEY: fake('spaces-secret', B64, 43),
    AWS_ACCESS_KEY_ID: `DO00${fake('aws-id', UPPER, 16)}`,
    AWS_SECRET_ACCESS_KEY: fake('aws-secret', B64, 43),
    CLOUDFLARE_API_TOKEN: fake('cloudflare', TOKEN, 40),
    TF_VAR_alerts_slack_webhook_url: `https://hooks.slack.com/services/T${fake('slack-t', UPPER, 8)}/B${fake('slack-b', UPPER, 10)}/${fake('slack', TOKEN, 24)}`,
    TF_VAR_alerts_staging_slack_webhook_url: `https://hooks.slack.com/services/T${fake('slack-staging-t', UPPER, 8)}/B${fake('slack-staging-b', UPPER, 10)}/${fake('slack-staging', TOKEN, 24)}`,
    TF_TOKEN_app_terraform_io: `${fake('tfc-a', UPPER, 14)}.atlasv1.${fake('tfc', TOKEN, 67)}`,
  };
}

/** Credential values to look for, by variable name, from `env`. */
function secretValues(env) {
  const names = Object.keys(env).filter((name) => CREDENTIAL_VARIABLES.includes(name) || /^TF_(VAR|TOKEN)_/.test(name));
  return names
    .filter((name) => (env[name] ?? '').length >= MIN_SECRET_LENGTH)
    .flatMap((name) => {
      const value = env[name];
      return [...new Set([value, encodeURIComponent(value), Buffer.from(value).toString('base64')])].map((form) => ({ name, form }));
    });
}

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) yield* files(full);
    } else if (entry.isFile()) {
      yield full;
    }
  }
}

/**
 * Every string of a JSON value with its path. A string under a key is scanned
 * as `key: value`, so that patterns needing the name (`"password": "..."`) see
 * it; except inside cdktf's `//` metadata, whose keys are construct paths and
 * attribute names (`...cluster.password`) mapped to output names, not values.
 */
function* jsonStrings(value, where = '', key = '', metadata = false) {
  if (typeof value === 'string') {
    yield [where || '(root)', key && !metadata ? `${key}: ${value}` : value];
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* jsonStrings(item, `${where}[${index}]`, key, metadata);
  } else if (value && typeof value === 'object') {
    for (const [name, item] of Object.entries(value)) {
      const next = where ? `${where}.${name}` : name;
      yield [`${next} (key)`, name];
      yield* jsonStrings(item, next, name, metadata || name === '//');
    }
  }
}

function* textStrings(text) {
  for (const [index, line] of text.split('\n').entries()) yield [`line ${index + 1}`, line];
}

function scanFile(file, secrets) {
  const buffer = readFileSync(file);
  if (buffer.includes(0)) return []; // binary
  const text = buffer.toString('utf8');
  let values;
  try {
    values = file.endsWith('.json') ? jsonStrings(JSON.parse(text)) : textStrings(text);
  } catch {
    values = textStrings(text);
  }
  const findings = [];
  for (const [where, value] of values) {
    const pattern = patterns.find((candidate) => candidate.regex.test(value));
    if (pattern) findings.push(`${where}: matches secret pattern ${pattern.id}`);
    for (const secret of secrets) if (value.includes(secret.form)) findings.push(`${where}: contains the value of $${secret.name}`);
  }
  return findings;
}

function synthesizeWithCanaries(fakes) {
  const app = JSON.parse(readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8')).app;
  const outdir = path.join(mkdtempSync(path.join(tmpdir(), 'cryptopulse-secret-scan-')), 'out');
  const run = spawnSync(app, { shell: true, cwd: ROOT, env: { ...process.env, ...fakes, CDKTF_OUTDIR: outdir }, encoding: 'utf8' });
  if (run.status !== 0) {
    console.error(`secret-scan: the app failed with canary credentials (exit ${run.status}):\n${run.stderr}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  return outdir;
}

function main() {
  const { dirs, withCanaries } = cli.read();

  const targets = dirs.map((dir) => ({ dir, secrets: secretValues(process.env) }));
  let scratch;
  if (withCanaries) {
    const fakes = canaries();
    scratch = synthesizeWithCanaries(fakes);
    targets.push({ dir: scratch, secrets: secretValues({ ...process.env, ...fakes }) });
  }

  let passed = 0;
  let failed = 0;
  for (const { dir, secrets } of targets) {
    for (const file of files(dir)) {
      const findings = scanFile(file, secrets);
      const shown = path.relative(ROOT, file).startsWith('..') ? file : path.relative(ROOT, file);
      if (findings.length === 0) passed++;
      else failed++;
      for (const finding of findings) console.log(`FAIL ${shown}: ${finding}`);
    }
  }
  if (scratch) rmSync(path.dirname(scratch), { recursive: true, force: true });
  const variables = [...new Set(targets.flatMap((target) => target.secrets.map((secret) => secret.name)))];
  console.log(`secret-scan: ${patterns.length} patterns, ${variables.length} credential variable(s)${withCanaries ? ' (with canaries)' : ''}: ${variables.join(', ') || 'none set'}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main();
