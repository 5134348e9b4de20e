import { spawnSync } from "child_process";
import * as path from "path";

/**
 * `npm run docs:tables` as users and CI run it: the script, a process that synthesizes the whole app, so in the
 * integration project. What the tables hold is docs-tables.test.ts's, in process.
 */

const ROOT = path.resolve(__dirname, "..");

describe("npm run docs:tables", () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, "scripts", "docs-tables.mjs"), ...args], { cwd: ROOT, encoding: "utf8" });

  it("--check passes on the committed docs and writes nothing", () => {
    const result = run("--check");
    expect([result.status, result.stderr, result.stdout]).toEqual([0, "", ""]);
  });

  it("refuses an unknown argument in one line", () => {
    const result = run("--out", "x");
    expect([result.status, result.stderr.trim().split("\n").length, result.stderr]).toEqual([2, 1, expect.stringMatching(/^docs-tables: .*--out.* \(see --help\)\n$/)]);
  });
});
