#!/usr/bin/env node
// Lints every GitHub Actions workflow (.github/workflows/*.yml, *.yaml) with actionlint, the pinned build
// from the toolbox (toolbox/versions.json; `npm run toolbox` builds it). Looks for actionlint on PATH,
// then in the toolbox cache ($CRYPTOPULSE_TOOLBOX_CACHE/bin, default ~/.cache/cryptopulse-toolbox/bin).
//
// Usage: node scripts/ci/actionlint.mjs [FILE...]       (npm run lint:workflows)
//   Without actionlint: a loud warning and exit 0, unless CRYPTOPULSE_REQUIRE_ACTIONLINT=1 (CI): exit 1.
//   Otherwise actionlint's exit status (0 clean, 1 problems found, >1 actionlint itself failed).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const WORKFLOWS = join(ROOT, '.github', 'workflows');

function findActionlint() {
  const cache = process.env.CRYPTOPULSE_TOOLBOX_CACHE || join(homedir(), '.cache', 'cryptopulse-toolbox');
  const candidates = [...(process.env.PATH || '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'actionlint')), join(cache, 'bin', 'actionlint')];
  return candidates.find((file) => existsSync(file) && statSync(file).isFile());
}

const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(WORKFLOWS)
      .filter((name) => /\.ya?ml$/.test(name))
      .sort()
      .map((name) => join(WORKFLOWS, name));
const actionlint = findActionlint();
if (!actionlint) {
  const required = process.env.CRYPTOPULSE_REQUIRE_ACTIONLINT === '1';
  console.error(
    [
      '',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      `!! ${required ? 'ERROR' : 'WARNING'}: actionlint is not installed, so the workflows were NOT linted.`,
      '!! Build the pinned version with `npm run toolbox` (toolbox/versions.json).',
      required ? '!! CRYPTOPULSE_REQUIRE_ACTIONLINT=1 makes this a failure.' : '!! Set CRYPTOPULSE_REQUIRE_ACTIONLINT=1 to make this a failure (CI does).',
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      '',
    ].join('\n'),
  );
  process.exit(required ? 1 : 0);
}
const version = spawnSync(actionlint, ['-version'], { encoding: 'utf8' }).stdout.split('\n')[0];
console.log(`actionlint ${version} (${actionlint}): ${files.length} workflow file(s)`);
const result = spawnSync(actionlint, ['-no-color', ...files], { cwd: ROOT, stdio: 'inherit' });
if (result.error) {
  console.error(`actionlint: ${result.error.message}`);
  process.exit(2);
}
if (result.status === 0) console.log('actionlint: no problems');
process.exit(result.status ?? 2);
