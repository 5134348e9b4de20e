#!/usr/bin/env node
// npm run cost: the monthly cost estimate per environment and stack (cost/cli.ts; usage: npm run cost -- --help).
// Bundles the TypeScript entry with esbuild (types stripped, not checked: npm run typecheck does that) into a
// private file under node_modules/.cache, runs it and removes it. Dependencies stay external.
import { buildSync } from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const cacheDir = join(root, 'node_modules', '.cache', 'cryptopulse-cost');
const bundle = join(cacheDir, `cli.${process.pid}.cjs`);
mkdirSync(cacheDir, { recursive: true });
try {
  buildSync({
    entryPoints: [join(root, 'cost', 'cli.ts')],
    outfile: bundle,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    logLevel: 'error',
  });
  const { runCost } = createRequire(import.meta.url)(bundle);
  process.exitCode = runCost(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    root,
  });
} finally {
  rmSync(bundle, { force: true });
}
