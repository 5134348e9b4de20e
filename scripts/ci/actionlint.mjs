#!/usr/bin/env node
// Lints every GitHub Actions workflow (.github/workflows/*.yml, *.yaml) with actionlint, the pinned build
// from the toolbox (toolbox/versions.json; `npm run toolbox` builds it): the toolbox cache's
// ($CRYPTOPULSE_TOOLBOX_CACHE/bin, default ~/.cache/cryptopulse-toolbox/bin), else actionlint on PATH.
//
// Usage: node scripts/ci/actionlint.mjs [FILE...]       (npm run lint:workflows)
//   FILE        the workflow files to lint (default every one)
//   -h, --help  this text
//   Without actionlint: a loud warning and exit 0, unless CRYPTOPULSE_REQUIRE_ACTIONLINT=1 (CI): exit 1.
//   Otherwise actionlint's exit status (0 clean, 1 problems found, >1 actionlint itself failed).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineCli, leadingComment } from '../lib/cli.mjs';
import { findTool } from '../lib/toolbox.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const WORKFLOWS = join(ROOT, '.github', 'workflows');

const cli = defineCli({ name: 'actionlint', usage: leadingComment(import.meta.url), positionals: true, check: ({ positionals }) => positionals });
const given = cli.read();
const files = given.length
  ? given
  : readdirSync(WORKFLOWS)
      .filter((name) => /\.ya?ml$/.test(name))
      .sort()
      .map((name) => join(WORKFLOWS, name));
const actionlint = findTool('actionlint');
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
