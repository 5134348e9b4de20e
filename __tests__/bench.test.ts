import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { loadPlatformConfig } from "../config";
import { projectPath } from "../config/paths";
import { BENCH_DOCS, benchOptions, readRegion, renderRegion, SUBJECTS } from "../scripts/bench/report.mjs";
import { regionNamed } from "../scripts/lib/generated-regions.mjs";
import { scaledConfig } from "../scripts/bench/scale-app";

/** `npm run bench`'s command line, and the generated environments its scaling subject synthesizes. */
const bench = (...args: string[]) => spawnSync(process.execPath, [projectPath("scripts/bench.mjs"), ...args], { encoding: "utf8" });
const appCommand = (JSON.parse(readFileSync(projectPath("cdktf.json"), "utf8")) as { app: string }).app;
const docsPage = () => readFileSync(projectPath(BENCH_DOCS.page), "utf8");
const scratch = mkdtempSync(path.join(tmpdir(), "bench-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
/** A file of the scratch directory holding `document` as JSON. */
const saved = (name: string, document: unknown) => {
  const file = path.join(scratch, name);
  writeFileSync(file, JSON.stringify(document));
  return file;
};

describe("npm run bench", () => {
  it("prints its help, naming every subject and option, without running one", () => {
    const { status, stdout, stderr } = bench("--help");
    expect({ status, stderr }).toEqual({ status: 0, stderr: "" });
    for (const subject of SUBJECTS) expect(stdout).toMatch(new RegExp(`^ {2}${subject} `, "m"));
    for (const option of Object.keys(benchOptions)) expect(stdout).toMatch(new RegExp(`(?<=\\s)--${option}\\b`));
  });

  it.each([
    [["--only", "app,bogus"], "bench: --only app,bogus: subjects are app, synth, tsnode, tests, scale (see --help)"],
    [["--runs", "0"], "bench: --runs 0: a whole number from 1 to 100 (see --help)"],
    [["--fast"], "bench: unknown option --fast; the options are --only, --runs, --json, --write-docs, --from-json, -h/--help (see --help)"],
    [["--from-json", "result.json", "--only", "app"], "bench: --from-json result.json renders a saved result without a run: it takes no --only (see --help)"],
    [["--from-json", "/no/such/result.json"], "bench: --from-json /no/such/result.json: no such file (see --help)"],
  ])("refuses %j in one line, exit 2", (args, line) => {
    const { status, stdout, stderr } = bench(...args);
    expect({ status, stdout, stderr }).toEqual({ status: 2, stdout: "", stderr: `${line}\n` });
  });

  it("scales: copies of staging pass validation beside the shipped environments, each its own environment", () => {
    const { environments } = loadPlatformConfig(scaledConfig(18));
    expect(environments.map(({ name }) => name)).toEqual(["staging", "production", ...Array.from({ length: 18 }, (_, i) => `bench${String(i + 1).padStart(3, "0")}`)]);
  });
});

describe("the bench region of docs/performance.md", () => {
  const committed = () => readRegion(BENCH_DOCS.page, docsPage(), appCommand);

  it("is what the bench writes for its date, machine, command and rows: the current subjects and columns", () => {
    const result = committed();
    expect(Number.isNaN(Date.parse(result.date))).toBe(false);
    expect(result.machine.cpuCount).toBeGreaterThan(0);
    expect(result.rows.length).toBeGreaterThan(0);
    // readRegion holds the rows to the ones the bench makes today for the command's subjects, in order;
    // re-rendered, the region is unchanged, so a column or a line in another form is refused too.
    expect(renderRegion(result)).toBe(regionNamed(BENCH_DOCS.page, docsPage(), BENCH_DOCS.region).text);
  });

  it("is refused when hand-edited: a renamed row, a changed column, a line the bench does not write", () => {
    const page = docsPage();
    const read = (text: string) => () => readRegion(BENCH_DOCS.page, text, appCommand);
    expect(read(page.replace("app alone: ", "the app alone: "))).toThrow(/a row that is none of the bench's/);
    expect(read(page.replace("| median CPU s |", "| median CPU |"))).toThrow(/not the bench's table header/);
    expect(read(page.replace(/^Machine: .*$/m, "Machine: a fast one."))).toThrow(/docs\/performance\.md:\d+: not the bench's machine line: "Machine: a fast one\."/);
  });

  it("--from-json renders a saved result into it: the committed region's own result leaves the page as it is", () => {
    const before = docsPage();
    const { status, stdout, stderr } = bench("--from-json", saved("committed.json", committed()));
    expect({ status, stdout, stderr }).toEqual({ status: 0, stdout: "", stderr: `bench: ${BENCH_DOCS.page}: the bench region is up to date\n` });
    expect(docsPage()).toBe(before);
  });

  it.each([
    ["a result that is not the bench's JSON", (result: ReturnType<typeof readRegion>) => ({ ...result, rows: "none" }), (): string => "rows: Invalid input: expected array, received string (not what npm run bench -- --json prints)"],
    ["a row the bench no longer makes", (result: ReturnType<typeof readRegion>) => ({ ...result, rows: result.rows.map((row, index) => (index === 0 ? { ...row, label: "an old name" } : row)) }), (): string => `row 1 is "an old name"; the bench's is "${committed().rows[0].label}": run the bench again`],
  ])("--from-json refuses %s in one line, exit 2, writing nothing", (_what, edit, problemOf) => {
    const before = docsPage();
    const file = saved("edited.json", edit(committed()));
    const { status, stdout, stderr } = bench("--from-json", file);
    expect({ status, stdout, stderr }).toEqual({ status: 2, stdout: "", stderr: `bench: --from-json ${file}: ${problemOf()} (see --help)\n` });
    expect(docsPage()).toBe(before);
  });
});
