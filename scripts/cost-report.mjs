#!/usr/bin/env node
// npm run cost:report: month-to-date DigitalOcean spend against the budgets in config/, posted to Slack
// (cost/report.ts; usage: npm run cost:report -- --help). The daily workflow .github/workflows/cost-report.yml runs it.
import { resolve } from 'node:path';
import { requireTypeScript } from './lib/esbuild-runner.cjs';

const root = resolve(import.meta.dirname, '..');
const report = requireTypeScript(root, 'cost/report.ts', { cache: 'cryptopulse-cost', dependsOn: ['package-lock.json'] });
if (report) {
  process.exitCode = await report.runCostReport(process.argv.slice(2), process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}
