#!/usr/bin/env node
// Runs checkov on the synthesized stacks (cdktf.out/stacks/*/cdk.tf.json, checkov's terraform_json
// framework: its terraform framework does not read .tf.json) and fails on any failed check that
// guardrails/checkov-skips.yaml does not skip with a reason. An entry of that file that skips
// nothing fails too, so the file always lists exactly the checks skipped today.
//
// Usage: node scripts/checkov.mjs [--out DIR] [--skips FILE]
//   --out DIR      cdktf output directory (default cdktf.out); synthesize first (npx cdktf synth)
//   --skips FILE   skip list (default guardrails/checkov-skips.yaml)
//   -h, --help     this text
//
// checkov: $CHECKOV if set, else the toolbox's pinned build, else checkov on PATH (bash toolbox/install.sh).
// Runs offline (--skip-download). Failed checks are named by stack and construct path, taken from
// the stack's cdk.tf.json. Prints "N passed, N failed" last (skipped checks count as neither).
// Exit: 0 no unskipped failure, 1 failures or checkov errors, 2 usage.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { defineCli, leadingComment } from './lib/cli.mjs';
import { findTool, missingTool } from './lib/toolbox.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const MIN_REASON_LENGTH = 10;

function fail(message) {
  console.error(`checkov: ${message}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const cli = defineCli({
  name: 'checkov',
  usage: leadingComment(import.meta.url),
  options: { out: { type: 'string', default: 'cdktf.out' }, skips: { type: 'string', default: path.join('guardrails', 'checkov-skips.yaml') } },
  check: ({ values }) => ({ out: path.resolve(ROOT, values.out), skips: path.resolve(ROOT, values.skips) }),
});

/** `*` within a path segment, `**` across segments. */
function globToRegExp(glob) {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\u0000/g, '.*');
  return new RegExp(`^${escaped}$`);
}

function readSkips(file) {
  if (!existsSync(file)) fail(`${file} does not exist`);
  const document = parse(readFileSync(file, 'utf8')) ?? {};
  if (!Array.isArray(document.skips)) fail(`${file}: expected a list under "skips"`);
  return document.skips.map((entry, index) => {
    const where = `${path.relative(ROOT, file)} skips[${index}]`;
    if (typeof entry?.check !== 'string' || !/^CKV2?_[A-Z0-9]+_\d+$/.test(entry.check)) fail(`${where}: "check" must be a checkov id such as CKV_DIO_1`);
    if (typeof entry.reason !== 'string' || entry.reason.trim().length < MIN_REASON_LENGTH) {
      fail(`${where} (${entry.check}): "reason" must say, in at least ${MIN_REASON_LENGTH} characters, why the check does not apply`);
    }
    if (entry.paths !== undefined && (!Array.isArray(entry.paths) || entry.paths.some((glob) => typeof glob !== 'string'))) {
      fail(`${where} (${entry.check}): "paths" must be a list of construct-path globs`);
    }
    return { ...entry, where, patterns: entry.paths?.map(globToRegExp), used: 0 };
  });
}

/** The construct path of a checkov resource (`resource.<logical id>`) from the stack's cdk.tf.json. */
function constructPath(file, resource) {
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const name = resource.replace(/^(resource|data)\./, '');
  for (const kind of ['resource', 'data']) {
    for (const blocks of Object.values(json[kind] ?? {})) {
      if (blocks[name]) return blocks[name]['//']?.metadata?.path ?? `${path.basename(path.dirname(file))}/${name}`;
    }
  }
  return `${path.basename(path.dirname(file))}/${name}`;
}

function runCheckov(stacksDir) {
  const binary = findTool('checkov', { variable: 'CHECKOV' });
  if (!binary) fail(`${missingTool('checkov')} (bash toolbox/install.sh)`);
  const run = spawnSync(binary, ['-d', stacksDir, '--framework', 'terraform_json', '--output', 'json', '--skip-download', '--soft-fail'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, LOG_LEVEL: 'WARNING' },
  });
  if (run.error) fail(`cannot run ${binary}: ${run.error.message}`);
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    fail(`no JSON from ${binary} (exit ${run.status}):\n${run.stderr.split('\n').slice(-15).join('\n')}`);
  }
  const reports = Array.isArray(report) ? report : [report];
  const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return { reports, version };
}

function main() {
  const options = cli.read();
  const stacksDir = path.join(options.out, 'stacks');
  if (!existsSync(stacksDir) || readdirSync(stacksDir).length === 0) fail(`${stacksDir} has no stacks (synthesize first: npx cdktf synth)`);
  const skips = readSkips(options.skips);
  const { reports, version } = runCheckov(stacksDir);

  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let parsingErrors = 0;
  for (const report of reports) {
    parsingErrors += report.summary?.parsing_errors ?? report.parsing_errors ?? 0;
    const results = report.results ?? {};
    passed += (results.passed_checks ?? []).length;
    for (const check of results.failed_checks ?? []) {
      const where = constructPath(check.file_abs_path, check.resource);
      const skip = skips.find((entry) => entry.check === check.check_id && (!entry.patterns || entry.patterns.some((pattern) => pattern.test(where))));
      if (skip) {
        skip.used++;
        skipped++;
        console.log(`SKIP ${check.check_id} ${where} — ${check.check_name} — ${skip.reason.trim()}`);
      } else {
        failed++;
        console.log(`FAIL ${check.check_id} ${where} — ${check.check_name} — ${check.guideline ?? 'fix it, or skip it with a reason in guardrails/checkov-skips.yaml'}`);
      }
    }
    for (const error of results.parsing_errors ?? []) console.log(`FAIL parsing ${error}`);
  }
  for (const entry of skips.filter((skip) => skip.used === 0)) {
    failed++;
    console.log(`FAIL ${entry.where} (${entry.check}) skips no failed check: remove it`);
  }
  failed += parsingErrors;
  console.log(`checkov: ${version} (terraform_json) on ${readdirSync(stacksDir).length} stack(s): ${passed} passed, ${failed} failed, ${skipped} skipped`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main();
