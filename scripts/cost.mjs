#!/usr/bin/env node
// npm run cost: the monthly cost estimate per environment and stack (cost/cli.ts; usage: npm run cost -- --help),
// run through the project's esbuild runner (scripts/lib/esbuild-runner.cjs).
import { resolve } from 'node:path';
import { requireTypeScript } from './lib/esbuild-runner.cjs';

const root = resolve(import.meta.dirname, '..');
const cost = requireTypeScript(root, 'cost/cli.ts', { cache: 'cryptopulse-cost', dependsOn: ['package-lock.json'] });
if (cost) {
  process.exitCode = cost.runCost(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    root,
  });
}
