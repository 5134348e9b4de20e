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
// Pins: $CRYPTOPULSE_TOOLBOX_VERSIONS (default toolbox/versions.json).
// The mirror is $CRYPTOPULSE_TOOLBOX_CACHE/mirror (default ~/.cache/cryptopulse-toolbox/mirror);
// source the toolbox's env.sh first so that PATH and TERRAFORM_BINARY_NAME point at its tools.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const versionsFile = process.env.CRYPTOPULSE_TOOLBOX_VERSIONS || join(ROOT, 'toolbox', 'versions.json');
const versions = JSON.parse(readFileSync(versionsFile, 'utf8'));
const cache = process.env.CRYPTOPULSE_TOOLBOX_CACHE || join(homedir(), '.cache', 'cryptopulse-toolbox');
const mirror = join(cache, 'mirror');
const env = { ...process.env, CHECKPOINT_DISABLE: '1' };

const args = process.argv.slice(2);
let only = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--only' && args[i + 1]) only = new Set(args[++i].split(','));
  else if (args[i].startsWith('--only=')) only = new Set(args[i].slice(7).split(','));
  else if (args[i] === '-h' || args[i] === '--help') {
    console.log(
      readFileSync(new URL(import.meta.url), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('//'))
        .map((l) => l.replace(/^\/\/ ?/, ''))
        .join('\n'),
    );
    process.exit(0);
  } else {
    console.error(`toolbox-smoke: unknown argument ${args[i]}`);
    process.exit(2);
  }
}
const want = (k) => !only || only.has(k);

function onPath(cmd) {
  for (const dir of (process.env.PATH || '').split(delimiter)) {
    if (!dir) continue;
    try {
      if (statSync(join(dir, cmd)).isFile()) return join(dir, cmd);
    } catch {
      /* not here */
    }
  }
  return null;
}

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
  const engine = process.env.TERRAFORM_BINARY_NAME || onPath('terraform') || onPath('tofu');
  if (!engine) report('engine', false, 'none: TERRAFORM_BINARY_NAME is unset and neither terraform nor tofu is on PATH');
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
  const bin = onPath(cmd);
  if (!bin) return report(name, false, `${cmd} is not on PATH (source the toolbox env.sh)`);
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
