// Copies the upstream charts the synthesized stacks pin into a chart repository folder (scripts/mirror-charts.mjs).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

export class Failure extends Error {}

/** The upstream charts the synthesized stacks pin: [{ repository, chart, version }], one each. */
export function pinnedCharts(outdir) {
  const manifestFile = join(outdir, 'manifest.json');
  if (!existsSync(manifestFile)) throw new Failure(`--out: no ${manifestFile} (run npx cdktf synth first)`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  const charts = new Map();
  for (const stack of Object.values(manifest.stacks)) {
    const json = JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), 'utf8'));
    for (const release of Object.values(json.resource?.helm_release ?? {})) {
      if (!release.repository) continue;
      charts.set(`${release.repository} ${release.chart} ${release.version}`, { repository: release.repository, chart: release.chart, version: release.version });
    }
  }
  return [...charts.values()].sort((a, b) => a.chart.localeCompare(b.chart));
}

async function download(url, fetchImpl) {
  const response = await fetchImpl(url);
  if (!response.ok) throw new Failure(`GET ${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/**
 * Downloads `charts` and, once every one has arrived and matched its digest, writes them into `dir` with its
 * index.yaml: a failure leaves `dir` as it was. Resolves to the entries written.
 */
export async function mirrorCharts(charts, dir, { fetchImpl = fetch, log = () => {} } = {}) {
  const indexes = new Map();
  const files = [];
  const entries = {};
  for (const { repository, chart, version } of charts) {
    const base = repository.endsWith('/') ? repository : `${repository}/`;
    if (!indexes.has(base)) indexes.set(base, parseYaml((await download(new URL('index.yaml', base), fetchImpl)).toString('utf8')));
    const entry = indexes.get(base)?.entries?.[chart]?.find((e) => e.version === version);
    if (!entry) throw new Failure(`${chart} ${version}: not in ${base}index.yaml`);
    const data = await download(new URL(entry.urls[0], base), fetchImpl);
    const digest = createHash('sha256').update(data).digest('hex');
    if (entry.digest && entry.digest !== digest) throw new Failure(`${chart} ${version}: digest ${digest} is not the index's ${entry.digest}`);
    const file = `${chart}-${version}.tgz`;
    files.push([file, data]);
    (entries[chart] ??= []).push({ ...entry, digest, urls: [file] });
    log(`${chart} ${version} from ${base} (${data.length} bytes)`);
  }
  mkdirSync(dir, { recursive: true });
  files.push(['index.yaml', stringifyYaml({ apiVersion: 'v1', entries, generated: new Date().toISOString() })]);
  for (const [file, data] of files) {
    writeFileSync(join(dir, `${file}.partial`), data);
    renameSync(join(dir, `${file}.partial`), join(dir, file));
  }
  return entries;
}

/**
 * Why `dir` (a `--charts` option, else CRYPTOPULSE_REHEARSAL_CHARTS) cannot serve as the chart repository folder,
 * or undefined when it can: the plan rehearsal and the manifest gate read the same kind of folder.
 */
export function chartRepositoryProblem(dir) {
  if (!dir) return '--charts: no chart repository folder given (or set CRYPTOPULSE_REHEARSAL_CHARTS)';
  if (!existsSync(join(dir, 'index.yaml'))) return `--charts: "${dir}" is not a chart repository folder (no index.yaml)`;
  return undefined;
}
