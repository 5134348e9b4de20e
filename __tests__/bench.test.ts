import { spawnSync } from "child_process";
import { loadPlatformConfig } from "../config";
import { projectPath } from "../config/paths";
import { scaledConfig } from "../scripts/bench/scale-app";

/** `npm run bench`'s command line, and the generated environments its scaling subject synthesizes. */
const bench = (...args: string[]) => spawnSync(process.execPath, [projectPath("scripts/bench.mjs"), ...args], { encoding: "utf8" });

describe("npm run bench", () => {
  it("prints its help, naming every subject, without running one", () => {
    const { status, stdout, stderr } = bench("--help");
    expect({ status, stderr }).toEqual({ status: 0, stderr: "" });
    for (const subject of ["app", "synth", "tsnode", "tests", "scale"]) expect(stdout).toMatch(new RegExp(`^ {2}${subject} `, "m"));
  });

  it.each([
    [["--only", "app,bogus"], "bench: --only app,bogus: subjects are app, synth, tsnode, tests, scale (see --help)"],
    [["--runs", "0"], "bench: --runs 0: a whole number from 1 to 100 (see --help)"],
    [["--fast"], "bench: unknown option --fast; the options are --only, --runs, --json, -h/--help (see --help)"],
  ])("refuses %j in one line, exit 2", (args, line) => {
    const { status, stdout, stderr } = bench(...args);
    expect({ status, stdout, stderr }).toEqual({ status: 2, stdout: "", stderr: `${line}\n` });
  });

  it("scales: copies of staging pass validation beside the shipped environments, each its own environment", () => {
    const { environments } = loadPlatformConfig(scaledConfig(18));
    expect(environments.map(({ name }) => name)).toEqual(["staging", "production", ...Array.from({ length: 18 }, (_, i) => `bench${String(i + 1).padStart(3, "0")}`)]);
  });
});
