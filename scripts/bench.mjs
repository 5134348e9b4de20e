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
//   npm run bench -- --runs 10 --json    10 rounds; one JSON document on stdout
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
// Exit status: 0 when every target of the subjects run holds, 1 when one is missed, 2 on a bad
// argument or a missing tool.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import Table from "cli-table3";
import { defineCli, leadingComment, UsageError } from "./lib/cli.mjs";

const SUBJECTS = ["app", "synth", "tsnode", "tests", "scale"];
const SCALE_COPIES = [0, 6, 12, 18];
/** What the app must meet: wall and CPU time, speed-up over ts-node, memory; CPU per stack as it grows. */
const TARGETS = { appSeconds: 1, appCpuSeconds: 0.5, ratio: 3, appRssMb: 150, cpuMsPerStack: 15 };
const GNU_TIME = "/usr/bin/time";

const cli = defineCli({
  name: "bench",
  usage: leadingComment(import.meta.url),
  options: { only: { type: "string" }, runs: { type: "string", default: "5" }, json: { type: "boolean", default: false } },
  check: ({ values }) => {
    const runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1 || runs > 100) throw new UsageError(`--runs ${values.runs}: a whole number from 1 to 100`);
    const selected = values.only === undefined ? SUBJECTS : values.only.split(",").map((name) => name.trim());
    if (selected.length === 0 || selected.some((name) => !SUBJECTS.includes(name))) throw new UsageError(`--only ${values.only}: subjects are ${SUBJECTS.join(", ")}`);
    return { ...values, runs, selected };
  },
});
const options = cli.read();
const { runs, selected } = options;
if (spawnSync(GNU_TIME, ["-f", "", "true"]).status !== 0) {
  console.error(`bench: ${GNU_TIME} is missing; install GNU time (Debian package "time")`);
  process.exit(2);
}

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const appCommand = JSON.parse(readFileSync(path.join(root, "cdktf.json"), "utf8")).app;
const scratch = mkdtempSync(path.join(tmpdir(), "cryptopulse-bench-"));
const outdir = path.join(scratch, "out");
const env = { ...process.env, CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: outdir };

/** Each subject as the commands it times; a command's `key` names its row. */
function commandsOf(subject) {
  switch (subject) {
    case "app":
      return [{ key: "app", label: `app alone: ${appCommand}`, command: appCommand, countsStacks: true }];
    case "synth":
      return [{ key: "synth", label: "npx cdktf synth", command: "npx cdktf synth" }];
    case "tsnode":
      return [{ key: "tsnode", label: "app via npx ts-node main.ts", command: "npx ts-node main.ts" }];
    case "tests":
      return [{ key: "tests", label: "unit tests: npx jest --selectProjects unit", command: "npx jest --selectProjects unit --silent" }];
    case "scale":
      return SCALE_COPIES.map((copies) => ({ key: `scale-${copies}`, label: `app + ${copies} copies of staging`, command: `node scripts/bench/scale.cjs ${copies}`, countsStacks: true }));
  }
}

function runOnce({ command, countsStacks }) {
  const timeFile = path.join(scratch, "time");
  rmSync(outdir, { recursive: true, force: true });
  const started = performance.now();
  // cdktf synth writes to ./cdktf.out unless told; the app honours CDKTF_OUTDIR.
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

const commands = selected.flatMap(commandsOf);
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

if (options.json) {
  console.log(JSON.stringify({ date: new Date().toISOString(), rounds: runs, rows, scaling, checks }, null, 2));
} else {
  // Colours only on a terminal: piped or redirected, the table is plain text.
  const style = process.stdout.isTTY ? {} : { head: [], border: [] };
  const table = new Table({ head: ["what", "stacks", "median s", "max s", "median CPU s", "peak RSS MB"], style });
  for (const r of rows) table.push([r.label, r.stacks ?? "", r.medianSeconds.toFixed(3), r.maxSeconds.toFixed(3), r.medianCpuSeconds.toFixed(3), r.peakRssMb.toFixed(0)]);
  console.log(`${runs} round(s) after one warm-up, subjects interleaved`);
  console.log(table.toString());
  if (scaling) {
    console.log(`scaling: ${scaling.cpuMsPerStack.toFixed(1)} ms CPU per stack + ${scaling.cpuMsFixed.toFixed(0)} ms fixed (R² ${scaling.cpuR2.toFixed(3)}), ${scaling.rssMbPerStack.toFixed(2)} MB per stack`);
  }
  for (const { what, ok } of checks) console.log(`${ok ? "ok  " : "MISS"} ${what}`);
}
