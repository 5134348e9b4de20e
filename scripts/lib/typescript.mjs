// Loads a TypeScript module of the project from a plain Node script: esbuild bundles it (types stripped, not
// checked: npm run typecheck does that) into a private CommonJS file, which is required and removed.
// Dependencies stay external and load from node_modules.
import { buildSync } from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');

export function loadTypeScript(entry) {
  const cacheDir = join(root, 'node_modules', '.cache', 'cryptopulse-scripts');
  const bundle = join(cacheDir, `${basename(entry, '.ts')}.${process.pid}.cjs`);
  mkdirSync(cacheDir, { recursive: true });
  try {
    buildSync({ entryPoints: [entry], outfile: bundle, bundle: true, packages: 'external', platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error' });
    return createRequire(import.meta.url)(bundle);
  } finally {
    rmSync(bundle, { force: true });
  }
}
