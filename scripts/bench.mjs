#!/usr/bin/env node
// Times the synth paths and the unit tests: after one warm-up run, RUNS runs of
// each, reporting median and max wall time and peak RSS (GNU time's %M, which
// covers the whole process tree's largest member).
//
//   npm run bench                 # 5 runs each
//   BENCH_RUNS=10 npm run bench
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import Table from "cli-table3";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const GNU_TIME = "/usr/bin/time";
const TARGETS = { appSeconds: 1, ratio: 3, appRssMb: 200 };

if (!existsSync(GNU_TIME)) {
  console.error(`bench: ${GNU_TIME} is missing; install GNU time (Debian package "time").`);
  process.exit(2);
}

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const appCommand = JSON.parse(readFileSync(path.join(root, "cdktf.json"), "utf8")).app;
const scratch = mkdtempSync(path.join(tmpdir(), "cryptopulse-bench-"));
const env = { ...process.env, CHECKPOINT_DISABLE: "1", CDKTF_OUTDIR: path.join(scratch, "out") };

const subjects = [
  { key: "app", label: `(a) app alone: ${appCommand}`, command: appCommand },
  { key: "synth", label: "(b) npx cdktf synth", command: "npx cdktf synth" },
  { key: "test", label: "(c) unit tests: npx jest", command: "npx jest --silent" },
  { key: "tsnode", label: "(a') app via npx ts-node main.ts", command: "npx ts-node main.ts" },
];

function runOnce(command) {
  const rssFile = path.join(scratch, "rss");
  const started = performance.now();
  // cdktf synth writes to ./cdktf.out; the app honours CDKTF_OUTDIR.
  const result = spawnSync(GNU_TIME, ["-f", "%M", "-o", rssFile, "sh", "-c", command], { cwd: root, env, encoding: "utf8" });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    console.error(`bench: "${command}" failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
    process.exit(1);
  }
  const rssKb = Number(readFileSync(rssFile, "utf8").trim().split("\n").pop());
  return { seconds, rssMb: rssKb / 1024 };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const results = {};
for (const subject of subjects) {
  process.stderr.write(`bench: ${subject.label} `);
  runOnce(subject.command); // warm-up: fills the transform cache and the OS file cache
  const runs = [];
  for (let i = 0; i < RUNS; i += 1) {
    runs.push(runOnce(subject.command));
    process.stderr.write(".");
  }
  process.stderr.write("\n");
  results[subject.key] = {
    median: median(runs.map((run) => run.seconds)),
    max: Math.max(...runs.map((run) => run.seconds)),
    rss: Math.max(...runs.map((run) => run.rssMb)),
  };
}
rmSync(scratch, { recursive: true, force: true });

const table = new Table({ head: ["what", "median s", "max s", "peak RSS MB"] });
for (const subject of subjects) {
  const r = results[subject.key];
  table.push([subject.label, r.median.toFixed(3), r.max.toFixed(3), r.rss.toFixed(0)]);
}
console.log(`${RUNS} runs each after one warm-up`);
console.log(table.toString());

const ratio = results.tsnode.median / results.app.median;
const checks = [
  [`(a) median <= ${TARGETS.appSeconds} s`, results.app.median <= TARGETS.appSeconds],
  [`(a) >= ${TARGETS.ratio}x faster than ts-node (${ratio.toFixed(1)}x)`, ratio >= TARGETS.ratio],
  [`(a) peak RSS <= ${TARGETS.appRssMb} MB`, results.app.rss <= TARGETS.appRssMb],
];
for (const [what, ok] of checks) console.log(`${ok ? "ok  " : "MISS"} ${what}`);
process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
