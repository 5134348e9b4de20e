#!/usr/bin/env node
// npm run chart:schema: writes charts/app-service/values.schema.json, which Helm validates the app chart's
// values against, from the values schema in config/app-service-values.ts. Run it after changing that schema.
//
// The file is rewritten only when what it says differs from the schema (compared as JSON data, so its key
// order and line breaks are free): the chart's bytes are hashed into every app release, and a layout-only
// rewrite would show as an update of each release in the next plan.
//
// Usage: node scripts/chart-schema.mjs [--check]
//   --check     write nothing; exit 1 with one line when the committed file is stale (npm test checks this too)
//   -h, --help  this text
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineCli, leadingComment } from './lib/cli.mjs';
import { requireTypeScript } from './lib/esbuild-runner.cjs';

const NAME = 'chart-schema';
const { check } = defineCli({ name: NAME, usage: leadingComment(import.meta.url), options: { check: { type: 'boolean', default: false } } }).read();

const root = resolve(import.meta.dirname, '..');
const values = requireTypeScript(root, 'config/app-service-values.ts', { cache: 'cryptopulse-scripts', dependsOn: ['package-lock.json'] });
if (!values) process.exit(1);
const { VALUES_SCHEMA_FILE, renderValuesSchema, valuesSchemaIsCurrent } = values;
const file = join(root, VALUES_SCHEMA_FILE);
let committed = '';
try {
  committed = readFileSync(file, 'utf8');
} catch {
  // A missing file is stale too.
}
if (valuesSchemaIsCurrent(committed)) {
  console.log(`${VALUES_SCHEMA_FILE} is current`);
} else if (check) {
  console.error(`${NAME}: ${VALUES_SCHEMA_FILE} is stale: run npm run chart:schema`);
  process.exitCode = 1;
} else {
  writeFileSync(file, renderValuesSchema());
  console.log(`wrote ${VALUES_SCHEMA_FILE}`);
}
