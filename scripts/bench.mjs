#!/usr/bin/env node
// Times the project's synth paths and its unit tests. After one warm-up run of
// each selected subject, every round runs each subject once, in turn (round
// robin), so the subjects are compared over the same moments of the machine's
// load. Reports the median and max wall time, the median CPU time (user +
// system of the whole process tree) and the peak RSS (GNU time's %M: the
// largest process of the tree), then checks the targets of the subjects run.
//
//   npm run bench                        every subject, 5 rounds
//   npm run bench -- --only app,scale    the subjects named (comma-separated)
//   npm run -s bench -- --runs 10 --json 10 rounds; one JSON document on stdout (-s: without npm's banner)
//   npm run bench -- --write-docs        then rewrite the bench region of docs/performance.md with the run
//   npm run bench -- --from-json FILE    no run: rewrite that region from FILE, a saved --json result
//   npm run bench -- --help
//
// Subjects:
//   app     the cdktf.json app alone, every environment (14 stacks)
//   synth   npx cdktf synth
//   tsnode  the app through npx ts-node main.ts (cdktf's template default): the comparison for app
//   tests   the unit tests (the jest project npm test runs)
//   scale   the app with 0, 6, 12 and 18 generated copies of staging (14 to 122 stacks,
//           scripts/bench/scale-app.ts, bundled and cached like the app): CPU time per stack,
//           fitted by least squares
//
// --write-docs (with any of the above; with --json, the JSON still goes to stdout) and --from-json write
// the region between <!-- generated:bench ... --> and <!-- /generated:bench --> of docs/performance.md:
// the date (UTC), the machine (CPU model and count, memory, Node.js, the load average at the start), the
// command as typed, the table, the scaling fit and the targets. --from-json refuses a result whose rows
// are not the ones the bench makes today for the subjects of its command.
//
// What it reports, and the region it writes and reads back: scripts/bench/report.mjs.
//
// Exit status: 0 when every target of the subjects run holds, 1 when one is missed, 2 on a bad
// argument or a missing tool.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import Table from "cli-table3";
import { defineCli, leadingComment } from "./lib/cli.mjs";
import { regionNamed, replaceRegion } from "./lib/generated-regions.mjs";
import {
  BENCH_DOCS,
  benchOptions,
  benchResultSchema,
  checkBenchOptions,
  checkLine,
  COLUMNS,
  commandLine,
  commandsOf,
  renderRegion,
  roundsLine,
  scalingLine,
  staleRows,
  thisMachine,
} from "./bench/report.mjs";

/** What the app must meet: wall and CPU time, speed-up over ts-node, memory; CPU per stack as it grows. */
const TARGETS = { appSeconds: 1, appCpuSeconds: 0.5, ratio: 3, appRssMb: 150, cpuMsPerStack: 15 };
const GNU_TIME = "/usr/bin/time";

const cli = defineCli({ name: "bench", usage: leadingComment(import.meta.url), options: benchOptions, check: checkBenchOptions });
const options = cli.read();
const { runs, selected } = options;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const appCommand = JSON.parse(readFileSync(path.join(root, "cdktf.json"), "utf8")).app;
const docsPage = path.join(root, BENCH_DOCS.page);

/** docs/performance.md's text; a page without exactly one bench region is a usage problem (found before a run). */
function docsText() {
  const text = readFileSync(docsPage, "utf8");
  try {
    regionNamed(BENCH_DOCS.page, text, BENCH_DOCS.region);
  } catch (error) {
    cli.fail(error.message);
  }
  return text;
}

/** Writes the page's bench region from `result` when it changed; says so on stderr (stdout may be the JSON). */
function writeDocs(result) {
  const text = docsText();
  const page = replaceRegion(BENCH_DOCS.page, text, BENCH_DOCS.region, renderRegion(result));
  if (page === text) return console.error(`bench: ${BENCH_DOCS.page}: the ${BENCH_DOCS.region} region is up to date`);
  writeFileSync(docsPage, page);
  console.error(`bench: wrote the ${BENCH_DOCS.region} region of ${BENCH_DOCS.page}`);
}

if (options.fromJson !== undefined) {
  const file = options.fromJson;
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    cli.fail(`--from-json ${file}: ${error.code === "ENOENT" ? "no such file" : error.message.split("\n")[0]}`);
  }
  const checked = benchResultSchema.safeParse(parsed);
  if (!checked.success) {
    const [issue] = checked.error.issues;
    cli.fail(`--from-json ${file}: ${issue.path.join(".") || "the document"}: ${issue.message} (not what npm run bench -- --json prints)`);
  }
  let stale;
  try {
    stale = staleRows(checked.data, appCommand);
  } catch (error) {
    cli.fail(`--from-json ${file}: ${error.message}`);
  }
  if (stale) cli.fail(`--from-json ${file}: ${stale}`);
  writeDocs(checked.data);
  process.exit(0);
}
// Checked before the run, so that a page without its region does not cost one.
if (options.writeDocs) docsText();
if (spawnSync(GNU_TIME, ["-f", "", "true"]).status !== 0) {
  console.error(`bench: ${GNU_TIME} is missing; install GNU time (Debian package "time")`);
  process.exit(2);
}

const scratch = mkdtempSync(path.join(tmpdir(), "cryptopulse-bench-"));

function runOnce({ key, command, countsStacks }) {
  const timeFile = path.join(scratch, "time");
  // Each command's own output folder, kept from run to run (the warm-up fills it): every run writes over the files
  // of the command's previous run, as a repeated synth writes over cdktf.out. Emptied before each run instead, the
  // folder made each run create its files where the last run's had just been removed: on a disk mounted with
  // `discard` that took a 122-stack run 0.74 s of system time instead of 0.20 s, a fifth of its CPU, and more run
  // after run (docs/performance.md).
  const outdir = path.join(scratch, `out-${key}`);
  // cdktf synth writes to ./cdktf.out unless told; the app honours CDKTF_OUTDIR.
  const env = { ...process.env, CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: outdir };
  const started = performance.now();
  const result = spawnSync(GNU_TIME, ["-f", "%U %S %M", "-o", timeFile, "sh", "-c", command], { cwd: root, env, encoding: "utf8" });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    console.error(`bench: "${command}" failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
    rmSync(scratch, { recursive: true, force: true });
    process.exit(1);
  }
  const [user, system, rssKb] = readFileSync(timeFile, "utf8").trim().split("\n").pop().split(" ").map(Number);
  const stacks = countsStacks ? readdirSync(path.join(outdir, "stacks")).length : undefined;
  return { seconds, cpuSeconds: user + system, rssMb: rssKb / 1024, stacks };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Least squares of y on x: slope, intercept and R². */
function fit(points) {
  const n = points.length;
  const mean = (values) => values.reduce((sum, value) => sum + value, 0) / n;
  const [mx, my] = [mean(points.map(([x]) => x)), mean(points.map(([, y]) => y))];
  const sxy = points.reduce((sum, [x, y]) => sum + (x - mx) * (y - my), 0);
  const sxx = points.reduce((sum, [x]) => sum + (x - mx) ** 2, 0);
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const residual = points.reduce((sum, [x, y]) => sum + (y - intercept - slope * x) ** 2, 0);
  const total = points.reduce((sum, [, y]) => sum + (y - my) ** 2, 0);
  return { slope, intercept, r2: total === 0 ? 1 : 1 - residual / total };
}

// The moment and the machine's state before the first run: what the docs show beside the figures.
const started = { date: new Date().toISOString(), command: commandLine(process.argv.slice(2), process.env.npm_lifecycle_event === "bench"), machine: thisMachine() };
const commands = selected.flatMap((subject) => commandsOf(subject, appCommand));
const samples = Object.fromEntries(commands.map(({ key }) => [key, []]));
const progress = (text) => options.json || process.stderr.write(text);
progress(`bench: warm-up of ${commands.length} command(s)`);
// Fills the transform caches and the OS file cache; not counted.
for (const command of commands) runOnce(command);
progress(`\nbench: ${runs} round(s) `);
for (let round = 0; round < runs; round += 1) {
  for (const command of commands) samples[command.key].push(runOnce(command));
  progress(".");
}
progress("\n");
rmSync(scratch, { recursive: true, force: true });

const rows = commands.map(({ key, label }) => {
  const taken = samples[key];
  return {
    key,
    label,
    medianSeconds: median(taken.map((run) => run.seconds)),
    maxSeconds: Math.max(...taken.map((run) => run.seconds)),
    medianCpuSeconds: median(taken.map((run) => run.cpuSeconds)),
    peakRssMb: Math.max(...taken.map((run) => run.rssMb)),
    stacks: taken[0].stacks,
  };
});
const row = (key) => rows.find((candidate) => candidate.key === key);

const checks = [];
if (row("app")) {
  checks.push({ what: `app median <= ${TARGETS.appSeconds} s`, ok: row("app").medianSeconds <= TARGETS.appSeconds });
  checks.push({ what: `app median CPU <= ${TARGETS.appCpuSeconds} s`, ok: row("app").medianCpuSeconds <= TARGETS.appCpuSeconds });
  checks.push({ what: `app peak RSS <= ${TARGETS.appRssMb} MB`, ok: row("app").peakRssMb <= TARGETS.appRssMb });
  if (row("tsnode")) {
    const ratio = row("tsnode").medianSeconds / row("app").medianSeconds;
    checks.push({ what: `app >= ${TARGETS.ratio}x faster than ts-node (${ratio.toFixed(1)}x)`, ok: ratio >= TARGETS.ratio });
  }
}
let scaling;
const scaleRows = rows.filter(({ key }) => key.startsWith("scale-"));
if (scaleRows.length > 1) {
  const cpu = fit(scaleRows.map(({ stacks, medianCpuSeconds }) => [stacks, medianCpuSeconds * 1000]));
  const rss = fit(scaleRows.map(({ stacks, peakRssMb }) => [stacks, peakRssMb]));
  scaling = { cpuMsPerStack: cpu.slope, cpuMsFixed: cpu.intercept, cpuR2: cpu.r2, rssMbPerStack: rss.slope };
  checks.push({ what: `CPU per stack <= ${TARGETS.cpuMsPerStack} ms (${cpu.slope.toFixed(1)} ms, R² ${cpu.r2.toFixed(3)})`, ok: cpu.slope <= TARGETS.cpuMsPerStack });
}
process.exitCode = checks.every(({ ok }) => ok) ? 0 : 1;

const result = { ...started, rounds: runs, rows, ...(scaling ? { scaling } : {}), checks };
if (options.json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  // Colours only on a terminal: piped or redirected, the table is plain text.
  const style = process.stdout.isTTY ? {} : { head: [], border: [] };
  const table = new Table({ head: COLUMNS.map(({ head }) => head), style });
  for (const r of rows) table.push(COLUMNS.map(({ cell }) => cell(r)));
  console.log(roundsLine(runs));
  console.log(table.toString());
  if (scaling) console.log(scalingLine(scaling));
  for (const check of checks) console.log(checkLine(check));
}
if (options.writeDocs) writeDocs(result);
