#!/usr/bin/env node
// npm run mirror:charts -- DIR: a chart repository folder holding exactly the upstream charts the stacks pin.
//
// Reads every helm_release with a `repository` from the synthesized stacks (cdktf.out by default; synthesize without
// CRYPTOPULSE_CHART_REPOSITORY), downloads each chart at its pinned version from its repository's index.yaml, checks
// the digest the index gives, and writes DIR/<chart>-<version>.tgz plus DIR/index.yaml. Serve DIR as the internal
// chart mirror (CRYPTOPULSE_CHART_REPOSITORY) or hand it to the plan rehearsal (npm run test:plan -- --charts DIR).
//
// Usage: npm run mirror:charts -- DIR [--out CDKTF_OUT]
//   --out DIR   the synthesized output to read (default cdktf.out)
//   -h, --help  this text
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Failure, mirrorCharts, pinnedCharts } from './lib/chart-mirror.mjs';
import { usage } from './lib/cli.mjs';

const NAME = 'mirror-charts';

async function main() {
  let parsed;
  try {
    parsed = parseArgs({ options: { out: { type: 'string', default: 'cdktf.out' }, help: { type: 'boolean', short: 'h', default: false } }, allowPositionals: true });
  } catch (error) {
    usage(NAME, import.meta.url, error.message);
  }
  if (parsed.values.help) usage(NAME, import.meta.url);
  if (parsed.positionals.length !== 1) usage(NAME, import.meta.url, 'give exactly one target folder');
  const charts = pinnedCharts(resolve(parsed.values.out));
  if (!charts.length) throw new Failure(`${parsed.values.out}: no helm_release with a repository`);
  await mirrorCharts(charts, resolve(parsed.positionals[0]), { log: (line) => console.log(`${NAME}: ${line}`) });
}

main().catch((error) => {
  console.error(`${NAME}: ${error instanceof Failure ? error.message : error?.stack || error}`);
  process.exit(1);
});
