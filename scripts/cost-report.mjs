#!/usr/bin/env node
// npm run cost:report: month-to-date DigitalOcean spend against the budgets in config/, posted to Slack
// (cost/report.ts; usage: npm run cost:report -- --help). The daily workflow .github/workflows/cost-report.yml runs it.
import { join, resolve } from 'node:path';
import { loadTypeScript } from './lib/typescript.mjs';

const root = resolve(import.meta.dirname, '..');
const { runCostReport } = loadTypeScript(join(root, 'cost', 'report.ts'));
process.exitCode = await runCostReport(process.argv.slice(2), process.env, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
