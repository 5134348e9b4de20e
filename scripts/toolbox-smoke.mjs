#!/usr/bin/env node
// Smoke test of the CryptoPulse toolbox (toolbox/install.sh): runs each tool once and prints one
// line per tool, then "N passed, N failed". Exits non-zero when any tool is missing or broken.
//
//   engine      <engine> version (TERRAFORM_BINARY_NAME, else terraform, else tofu on PATH), >= the
//               minimum in toolbox/versions.json
//   providers   each pinned provider of toolbox/versions.json is an executable plugin binary in the
//               mirror, under registry.terraform.io and registry.opentofu.org
//   helm        helm version (pinned version expected)
//   actionlint  actionlint -version (pinned version expected)
//   promtool    promtool --version (pinned version expected)
//   amtool      amtool --version (pinned version expected)
//   checkov     checkov --version (pinned version expected)
//   kubeconform kubeconform -v (pinned version expected)
//
// Usage: node scripts/toolbox-smoke.mjs [--only engine,providers,helm,actionlint,promtool,amtool,checkov,kubeconform]
//   -h, --help  this text
// Pins: $CRYPTOPULSE_TOOLBOX_VERSIONS (default toolbox/versions.json).
// Each tool is the toolbox's pinned build ($CRYPTOPULSE_TOOLBOX_CACHE/bin, default ~/.cache/cryptopulse-toolbox/bin),
// else the one on PATH; the mirror is $CRYPTOPULSE_TOOLBOX_CACHE/mirror. Source the toolbox's env.sh first so that
// TERRAFORM_BINARY_NAME names its engine.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineCli, leadingComment, UsageError } from './lib/cli.mjs';
import { findTool, MISSING_ENGINE, missingTool, pickEngine, toolboxCache } from './lib/toolbox.mjs';

const COMPONENTS = ['engine', 'providers', 'helm', 'actionlint', 'promtool', 'amtool', 'checkov', 'kubeconform'];
const cli = defineCli({
  name: 'toolbox-smoke',
  usage: leadingComment(import.meta.url),
  options: { only: { type: 'string' } },
  check: ({ values }) => {
    const only = values.only?.split(',');
    const unknown = only?.filter((name) => !COMPONENTS.includes(name)) ?? [];
    if (unknown.length || only?.length === 0) throw new UsageError(`--only ${values.only}: the parts are ${COMPONENTS.join(', ')}`);
    return only && new Set(only);
  },
});
const only = cli.read();
const want = (k) => !only || only.has(k);

const ROOT = resolve(import.meta.dirname, '..');
const versionsFile = process.env.CRYPTOPULSE_TOOLBOX_VERSIONS || join(ROOT, 'toolbox', 'versions.json');
const versions = JSON.parse(readFileSync(versionsFile, 'utf8'));
const mirror = join(toolboxCache(), 'mirror');
const env = { ...process.env, CHECKPOINT_DISABLE: '1' };

function exec(cmd, argv, timeout = 60_000) {
  const t0 = Date.now();
  const r = spawnSync(cmd, argv, { env, encoding: 'utf8', timeout });
  return { ...r, out: `${r.stdout || ''}${r.stderr || ''}`.trim(), ms: Date.now() - t0 };
}

const versionGe = (a, b) => {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] || 0) !== (pb[i] || 0)) return (pa[i] || 0) > (pb[i] || 0);
  return true;
};

const results = [];
function report(name, ok, text) {
  results.push(ok);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${text}`);
}

if (want('engine')) {
  const engine = pickEngine();
  if (!engine) report('engine', false, MISSING_ENGINE);
  else {
    const r = exec(engine, ['version', '-json']);
    let v = null;
    try {
      v = JSON.parse(r.stdout).terraform_version;
    } catch {
      /* handled below */
    }
    const min = versions.engine.minVersion;
    if (r.error || r.status !== 0 || !v) report('engine', false, `${engine} version failed: ${r.error?.message || r.out.split('\n')[0]}`);
    else if (!versionGe(v, min)) report('engine', false, `${engine} is ${v}, need >= ${min}`);
    else report('engine', true, `${exec(engine, ['version']).out.split('\n')[0]} (${engine})`);
  }
}

if (want('providers')) {
  const platform = `${process.platform}_${{ x64: 'amd64', arm64: 'arm64' }[process.arch] || process.arch}`;
  for (const p of versions.providers) {
    const [ns, type] = p.source.split('/');
    const name = `provider ${p.source} ${p.version}`;
    const problems = [];
    let size = 0;
    for (const host of ['registry.terraform.io', 'registry.opentofu.org']) {
      const file = join(mirror, host, ns, type, p.version, platform, `terraform-provider-${type}_v${p.version}`);
      try {
        accessSync(file, constants.X_OK);
        size = statSync(file).size;
      } catch {
        problems.push(`missing or not executable: ${file}`);
        continue;
      }
      if (host === 'registry.terraform.io') {
        // Run directly, a plugin binary explains that it must be started by the engine.
        const r = exec(file, [], 30_000);
        if (r.error || !/plugin/i.test(r.out)) problems.push(`does not run as a plugin: ${r.error?.message || r.out.split('\n')[0]}`);
      }
    }
    if (problems.length) report(name, false, problems.join('; '));
    else report(name, true, `${(size / 1048576).toFixed(0)} MiB in ${mirror}`);
  }
}

function versionedTool(name, cmd, argv, expect) {
  const bin = findTool(cmd);
  if (!bin) return report(name, false, missingTool(cmd));
  const r = exec(bin, argv);
  const lines = r.out.split('\n').filter(Boolean);
  const first = lines.find((l) => l.includes(expect)) || lines.pop() || '';
  if (r.error || r.status !== 0) return report(name, false, `${cmd} ${argv.join(' ')} failed: ${r.error?.message || first}`);
  if (!r.out.includes(expect)) return report(name, false, `${cmd} reports '${first}', expected ${expect} (${bin})`);
  report(name, true, `${first} (${bin})`);
}

if (want('helm') && versions.helm) versionedTool('helm', 'helm', ['version', '--short'], `v${versions.helm.version}`);
if (want('actionlint') && versions.actionlint) versionedTool('actionlint', 'actionlint', ['-version'], versions.actionlint.version);
if (want('promtool') && versions.promtool) versionedTool('promtool', 'promtool', ['--version'], versions.promtool.version);
if (want('amtool') && versions.amtool) versionedTool('amtool', 'amtool', ['--version'], versions.amtool.version);
if (want('checkov') && versions.checkov) versionedTool('checkov', 'checkov', ['--version'], versions.checkov.version);
if (want('kubeconform') && versions.kubeconform) versionedTool('kubeconform', 'kubeconform', ['-v'], `v${versions.kubeconform.version}`);

const passed = results.filter(Boolean).length;
const failed = results.length - passed;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed || results.length === 0 ? 1 : 0);
