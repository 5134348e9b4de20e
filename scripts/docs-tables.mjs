#!/usr/bin/env node
// npm run docs:tables: rewrites the tables of the docs that mirror the code (stacks, Terraform Cloud
// workspaces, Terraform variables, guardrail rules, Prometheus and DigitalOcean alerts, the app metrics
// contract) from the code itself (doc-tables/): the app synthesized into a temporary directory (every
// environment and the Terraform Cloud bootstrap stack), its JSON, the rule pack and the metrics contract.
// Each table sits between `<!-- generated:<name> ... -->` and `<!-- /generated:<name> -->` on its page;
// the prose around it is left alone.
//
// Usage: npm run docs:tables [-- --check]
//   --check   write nothing; exit 1 with one line per stale table (page and table), as npm test does
//   --help    print this text
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { usage as cliUsage } from './lib/cli.mjs';
import { loadTypeScript } from './lib/typescript.mjs';

const root = resolve(import.meta.dirname, '..');
const usage = (error) => cliUsage('docs-tables', import.meta.url, error);

let options;
try {
  options = parseArgs({ options: { check: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } }).values;
} catch (error) {
  usage(error.message);
}
if (options.help) usage();

const { runDocsTables } = loadTypeScript(resolve(root, 'doc-tables', 'index.ts'));
process.exitCode = runDocsTables(
  { root, check: options.check },
  (line) => console.log(line),
  (line) => console.error(line),
);
