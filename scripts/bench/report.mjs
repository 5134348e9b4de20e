// What `npm run bench` (scripts/bench.mjs) measures and how it reports it, without running anything: its
// subjects and their rows, its command line, the table it prints, and the region of docs/performance.md it
// writes with --write-docs or --from-json (and reads back: __tests__/bench.test.ts holds the committed
// region to the bench's current subjects and columns).
import { cpus, loadavg, totalmem } from 'node:os';
import { z } from 'zod';
import { defineCli, UsageError } from '../lib/cli.mjs';
import { openingMarker, regionNamed } from '../lib/generated-regions.mjs';

export const SUBJECTS = ['app', 'synth', 'tsnode', 'tests', 'scale'];
const SCALE_COPIES = [0, 6, 12, 18];
/** The page and the region the bench writes. */
export const BENCH_DOCS = { page: 'docs/performance.md', region: 'bench' };
const DEFAULT_RUNS = 5;

/** Each subject as the commands it times; a command's `key` names its row, its `label` is the row's first cell. */
export function commandsOf(subject, appCommand) {
  switch (subject) {
    case 'app':
      return [{ key: 'app', label: `app alone: ${appCommand}`, command: appCommand, countsStacks: true }];
    case 'synth':
      return [{ key: 'synth', label: 'npx cdktf synth', command: 'npx cdktf synth' }];
    case 'tsnode':
      return [{ key: 'tsnode', label: 'app via npx ts-node main.ts', command: 'npx ts-node main.ts' }];
    case 'tests':
      return [{ key: 'tests', label: 'unit tests: npx jest --selectProjects unit', command: 'npx jest --selectProjects unit --silent' }];
    case 'scale':
      return SCALE_COPIES.map((copies) => ({ key: `scale-${copies}`, label: `app + ${copies} copies of staging`, command: scaleCommand(appCommand, copies), countsStacks: true }));
  }
  throw new Error(`no bench subject ${subject}`);
}

/** The scaling subject's command: the app's (its node options included), with scripts/bench/scale.cjs for the launcher. */
function scaleCommand(appCommand, copies) {
  const launcher = / scripts\/app\.cjs$/;
  if (!launcher.test(appCommand)) throw new Error(`the cdktf.json app "${appCommand}" does not end in scripts/app.cjs: the scaling subject cannot run as the app does`);
  return appCommand.replace(launcher, ` scripts/bench/scale.cjs ${copies}`);
}

/** The bench's options (parseArgs) and their check: what scripts/bench.mjs and a recorded command line are read with. */
export const benchOptions = {
  only: { type: 'string' },
  runs: { type: 'string' },
  json: { type: 'boolean', default: false },
  'write-docs': { type: 'boolean', default: false },
  'from-json': { type: 'string' },
};

/** The checked options: { selected, runs, json, writeDocs, fromJson }. */
export function checkBenchOptions({ values }) {
  const fromJson = values['from-json'];
  if (fromJson !== undefined) {
    const others = ['only', 'runs', 'json', 'write-docs'].filter((option) => values[option] !== undefined && values[option] !== false);
    if (others.length > 0) throw new UsageError(`--from-json ${fromJson} renders a saved result without a run: it takes no ${others.map((option) => `--${option}`).join(', ')}`);
    return { fromJson, selected: [], runs: 0, json: false, writeDocs: true };
  }
  const runs = values.runs === undefined ? DEFAULT_RUNS : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 100) throw new UsageError(`--runs ${values.runs}: a whole number from 1 to 100`);
  const selected = values.only === undefined ? SUBJECTS : values.only.split(',').map((name) => name.trim());
  if (selected.length === 0 || selected.some((name) => !SUBJECTS.includes(name))) throw new UsageError(`--only ${values.only}: subjects are ${SUBJECTS.join(', ')}`);
  return { fromJson: undefined, selected, runs, json: values.json, writeDocs: values['write-docs'] };
}

/** A command line as typed, for the record: arguments with shell-special characters in single quotes. */
export function commandLine(argv, viaNpm) {
  const quoted = argv.map((arg) => (/^[\w.,=/:@%+-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`));
  if (viaNpm) return ['npm run bench', ...(quoted.length > 0 ? ['--', ...quoted] : [])].join(' ');
  return ['node scripts/bench.mjs', ...quoted].join(' ');
}

/** The arguments of a recorded command line (commandLine's output without quoted arguments). */
function argumentsOf(command) {
  const words = command.split(' ');
  if (command.startsWith('npm run bench')) return words.slice(words[3] === '--' ? 4 : 3);
  if (command.startsWith('node scripts/bench.mjs')) return words.slice(2);
  throw new Error(`the command ${JSON.stringify(command)} is neither npm run bench nor node scripts/bench.mjs`);
}

/** The subjects a recorded command line ran, read with the bench's own parser. */
function subjectsOf(command) {
  const parsed = defineCli({ name: 'bench', usage: '', options: benchOptions, check: checkBenchOptions }).parse(argumentsOf(command));
  if (typeof parsed === 'string' || parsed.fromJson !== undefined) throw new Error(`the command ${JSON.stringify(command)} runs no subject`);
  return parsed.selected;
}

/** This machine as the bench records it, with the load average of the moment (1, 5 and 15 minutes). */
export function thisMachine() {
  const processors = cpus();
  return {
    cpuModel: [...new Set(processors.map(({ model }) => model.trim()))].join(' + '),
    cpuCount: processors.length,
    memoryBytes: totalmem(),
    node: process.version,
    loadAverage: loadavg(),
  };
}

/** The table's columns, in the terminal and in the docs alike. */
export const COLUMNS = [
  { head: 'what', cell: (row) => row.label },
  { head: 'stacks', cell: (row) => (row.stacks === undefined ? '' : String(row.stacks)) },
  { head: 'median s', cell: (row) => row.medianSeconds.toFixed(3) },
  { head: 'max s', cell: (row) => row.maxSeconds.toFixed(3) },
  { head: 'median CPU s', cell: (row) => row.medianCpuSeconds.toFixed(3) },
  { head: 'peak RSS MB', cell: (row) => row.peakRssMb.toFixed(0) },
];

/** The scaling fit as one line. */
export const scalingLine = (scaling) =>
  `scaling: ${scaling.cpuMsPerStack.toFixed(1)} ms CPU per stack + ${scaling.cpuMsFixed.toFixed(0)} ms fixed (R² ${scaling.cpuR2.toFixed(3)}), ${scaling.rssMbPerStack.toFixed(2)} MB per stack`;

export const roundsLine = (rounds) => `${rounds} round(s) after one warm-up, subjects interleaved`;
export const checkLine = ({ what, ok }) => `${ok ? 'ok  ' : 'MISS'} ${what}`;

const finite = z.number();
const rowSchema = z.object({
  key: z.string(),
  label: z.string(),
  medianSeconds: finite,
  maxSeconds: finite,
  medianCpuSeconds: finite,
  peakRssMb: finite,
  stacks: z.number().int().nonnegative().optional(),
});
/** What `npm run bench -- --json` prints. */
export const benchResultSchema = z.object({
  date: z.iso.datetime(),
  command: z.string(),
  machine: z.object({ cpuModel: z.string(), cpuCount: z.number().int().positive(), memoryBytes: z.number().positive(), node: z.string(), loadAverage: z.array(finite).length(3) }),
  rounds: z.number().int().positive(),
  rows: z.array(rowSchema).min(1),
  scaling: z.object({ cpuMsPerStack: finite, cpuMsFixed: finite, cpuR2: finite, rssMbPerStack: finite }).optional(),
  checks: z.array(z.object({ what: z.string(), ok: z.boolean() })),
});

/** @typedef {z.infer<typeof benchResultSchema>} BenchResult */

/**
 * A result's rows are the rows the bench makes today for the subjects of its command: one line naming the first
 * that is not, or undefined.
 */
/** @param {BenchResult} result @param {string} appCommand @returns {string | undefined} */
export function staleRows(result, appCommand) {
  const wanted = subjectsOf(result.command).flatMap((subject) => commandsOf(subject, appCommand)).map(({ label }) => label);
  const found = result.rows.map(({ label }) => label);
  const differs = wanted.findIndex((label, index) => label !== found[index]);
  if (differs !== -1) return `row ${differs + 1} is ${JSON.stringify(found[differs] ?? 'missing')}; the bench's is ${JSON.stringify(wanted[differs])}: run the bench again`;
  if (found.length > wanted.length) return `row ${wanted.length + 1} (${JSON.stringify(found[wanted.length])}) is no row of the bench: run the bench again`;
  return undefined;
}

const GIB = 1024 ** 3;
const markdownRow = (cells) => `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
const utcMinute = (iso) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** The region of docs/performance.md for a result, markers included. @param {BenchResult} result */
export function renderRegion(result) {
  const { machine } = result;
  return [
    openingMarker(BENCH_DOCS.region, 'by npm run bench -- --write-docs (or --from-json FILE): run the bench again, do not edit'),
    '',
    `Run on ${utcMinute(result.date)}: \`${result.command}\`, ${roundsLine(result.rounds)}.`,
    '',
    `Machine: ${machine.cpuCount} x ${machine.cpuModel}, ${(machine.memoryBytes / GIB).toFixed(1)} GiB memory, Node.js ${machine.node}, load average ${machine.loadAverage.map((load) => load.toFixed(2)).join(' ')} at the start.`,
    '',
    markdownRow(COLUMNS.map(({ head }) => head)),
    markdownRow(COLUMNS.map(() => '---')),
    ...result.rows.map((row) => markdownRow(COLUMNS.map(({ cell }) => cell(row)))),
    '',
    ...(result.scaling ? [`${scalingLine(result.scaling).replace(/^s/, 'S')}.`, ''] : []),
    ...result.checks.map((check) => `- \`${checkLine(check)}\``),
    ...(result.checks.length > 0 ? [''] : []),
    `<!-- /generated:${BENCH_DOCS.region} -->`,
  ].join('\n');
}

const number = String.raw`-?\d+(?:\.\d+)?`;
const READ = {
  run: /^Run on (\d{4}-\d\d-\d\d) (\d\d:\d\d) UTC: `([^`]+)`, (\d+) round\(s\) after one warm-up, subjects interleaved\.$/,
  machine: new RegExp(String.raw`^Machine: (\d+) x (.+), (${number}) GiB memory, Node\.js (v[\d.]+), load average (${number}) (${number}) (${number}) at the start\.$`),
  scaling: new RegExp(String.raw`^Scaling: (${number}) ms CPU per stack \+ (${number}) ms fixed \(R² (${number})\), (${number}) MB per stack\.$`),
  check: /^- `(ok {2}|MISS) (.+)`$/,
};

/**
 * The result a page's bench region shows, read back: its date, machine, command, rows (each given the key of the
 * bench's row it stands for) and scaling line. Throws, naming the line, on a line the bench does not write.
 *
 * @param {string} page @param {string} text @param {string} appCommand
 * @returns {BenchResult}
 */
export function readRegion(page, text, appCommand) {
  const region = regionNamed(page, text, BENCH_DOCS.region);
  const lines = region.text
    .split('\n')
    .map((line, index) => ({ line, number: region.start + 1 + index }))
    .slice(1, -1)
    .filter(({ line }) => line !== '');
  const fail = ({ line, number }, what) => {
    throw new Error(`${page}:${number}: ${what}: ${JSON.stringify(line)}`);
  };
  const next = () => lines.shift() ?? { line: '', number: region.start + region.text.split('\n').length };
  const take = (pattern, what) => {
    const entry = next();
    return pattern.exec(entry.line) ?? fail(entry, `not the bench's ${what} line`);
  };
  const [, day, minute, command, rounds] = take(READ.run, 'run');
  const [, cpuCount, cpuModel, memoryGib, node, ...loads] = take(READ.machine, 'machine');
  const cellsOf = (line) => line.replace(/^\| | \|$/g, '').split(/(?<!\\) \| /).map((cell) => cell.replaceAll('\\|', '|'));
  const header = next();
  if (header.line !== markdownRow(COLUMNS.map(({ head }) => head))) fail(header, `not the bench's table header (${COLUMNS.map(({ head }) => head).join(', ')})`);
  next();
  const wanted = subjectsOf(command).flatMap((subject) => commandsOf(subject, appCommand));
  const rows = [];
  while (lines[0]?.line.startsWith('| ')) {
    const entry = next();
    const [label, stacks, medianSeconds, maxSeconds, medianCpuSeconds, peakRssMb] = cellsOf(entry.line);
    const key = wanted.find((command) => command.label === label)?.key ?? fail(entry, `a row that is none of the bench's (${wanted.map(({ label: known }) => known).join('; ')})`);
    rows.push({ key, label, medianSeconds: Number(medianSeconds), maxSeconds: Number(maxSeconds), medianCpuSeconds: Number(medianCpuSeconds), peakRssMb: Number(peakRssMb), ...(stacks === '' ? {} : { stacks: Number(stacks) }) });
  }
  let scaling;
  if (lines[0]?.line.startsWith('Scaling: ')) {
    const [, cpuMsPerStack, cpuMsFixed, cpuR2, rssMbPerStack] = take(READ.scaling, 'scaling').map(Number);
    scaling = { cpuMsPerStack, cpuMsFixed, cpuR2, rssMbPerStack };
  }
  const checks = lines.map((entry) => {
    const [, status, what] = READ.check.exec(entry.line) ?? fail(entry, "not one of the bench's check lines");
    return { what, ok: status !== 'MISS' };
  });
  const result = {
    date: `${day}T${minute}:00.000Z`,
    command,
    machine: { cpuModel, cpuCount: Number(cpuCount), memoryBytes: Number(memoryGib) * GIB, node, loadAverage: loads.map(Number) },
    rounds: Number(rounds),
    rows,
    ...(scaling ? { scaling } : {}),
    checks,
  };
  const stale = staleRows(result, appCommand);
  if (stale) throw new Error(`${page}: the bench region's ${stale}`);
  return result;
}
