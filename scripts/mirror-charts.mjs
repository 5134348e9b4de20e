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
import { Failure, mirrorCharts, pinnedCharts } from './lib/chart-mirror.mjs';
import { defineCli, leadingComment, UsageError } from './lib/cli.mjs';

const NAME = 'mirror-charts';
const cli = defineCli({
  name: NAME,
  usage: leadingComment(import.meta.url),
  options: { out: { type: 'string', default: 'cdktf.out' } },
  positionals: true,
  check: ({ values, positionals }) => {
    if (positionals.length !== 1) throw new UsageError(`give exactly one target folder (got ${positionals.length})`);
    return { out: values.out, target: positionals[0] };
  },
});

async function main() {
  const { out, target } = cli.read();
  const charts = pinnedCharts(resolve(out));
  if (!charts.length) throw new Failure(`${out}: no helm_release with a repository`);
  await mirrorCharts(charts, resolve(target), { log: (line) => console.log(`${NAME}: ${line}`) });
}

main().catch((error) => {
  console.error(`${NAME}: ${error instanceof Failure ? error.message : error?.stack || error}`);
  process.exit(1);
});
