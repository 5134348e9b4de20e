#!/usr/bin/env node
// npm run docs:tables: rewrites the tables of the docs that mirror the code (stacks, Terraform Cloud
// workspaces, Terraform variables, guardrail rules, Prometheus and DigitalOcean alerts, the app metrics
// contract) from the code itself (doc-tables/): the app synthesized into a temporary directory (every
// environment and the Terraform Cloud bootstrap stack), its JSON, the rule pack and the metrics contract.
// Each table sits between `<!-- generated:<name> ... -->` and `<!-- /generated:<name> -->` on its page;
// the prose around it is left alone.
//
// Usage: npm run docs:tables [-- --check]
//   --check     write nothing; exit 1 with one line per stale table (page and table), as npm test does
//   -h, --help  print this text
import { resolve } from 'node:path';
import { defineCli, leadingComment } from './lib/cli.mjs';
import { requireTypeScript } from './lib/esbuild-runner.cjs';

const { check } = defineCli({ name: 'docs-tables', usage: leadingComment(import.meta.url), options: { check: { type: 'boolean', default: false } } }).read();

const root = resolve(import.meta.dirname, '..');
const docTables = requireTypeScript(root, 'doc-tables/index.ts', { cache: 'cryptopulse-scripts', dependsOn: ['package-lock.json'] });
if (docTables) {
  process.exitCode = docTables.runDocsTables(
    { root, check },
    (line) => console.log(line),
    (line) => console.error(line),
  );
}
