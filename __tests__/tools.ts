import { spawnSync } from "child_process";
import { existsSync, mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { missingTool, toolCandidates } from "../scripts/lib/toolbox.mjs";

/**
 * Suites that run real tools (helm, promtool, PostgreSQL, the engine, …) find
 * them here and are skipped when they are missing, with one line the run
 * prints at its end (__tests__/skip-reporter.cjs):
 *
 *   SKIPPED <suite>: <what is missing and how to get it> (set CRYPTOPULSE_REQUIRE_<TOOL>=1 to make this a failure)
 *
 * With CRYPTOPULSE_REQUIRE_<TOOL>=1 (CI) a missing tool fails the suite instead.
 */

/** The tool that was found, or what is missing and how to get it. */
export type Lookup<T> = { readonly found: T } | { readonly missing: string };
export const found = <T>(tool: T): Lookup<T> => ({ found: tool });
export const missing = (reason: string): Lookup<never> => ({ missing: reason });

export interface ToolRequirement<T> {
  /** The suite's name in its skip line, e.g. "helm chart tests". */
  readonly suite: string;
  /** Set to 1, a missing tool fails the suite instead of skipping it. */
  readonly requireVariable: `CRYPTOPULSE_REQUIRE_${string}`;
  readonly lookup: () => Lookup<T>;
}

export interface RequiredTool<T> {
  /** The tool, when it was found. */
  readonly tool: T | undefined;
  /** `describe(title, body)` with the tool; a failing test when it is missing but required; else skipped with its line. */
  describe(title: string, body: (tool: T) => void): void;
}

/** Where the reporter collects the skip lines of every worker: under the run's scratch directory (jest-tmpdir.cjs). */
export const SKIP_RECORDS = "skipped-suites";

/** One skipped group: the reporter prints `line`, and knows the pending tests of `group` in `testPath` by it. */
export interface SkipRecord {
  readonly testPath: string;
  readonly group: string;
  readonly line: string;
}

/** One file per record, so workers never write to the same file. */
export function writeSkipRecord(dir: string, record: SkipRecord): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`), JSON.stringify(record));
}

/** Looks the tool up once, when the test file loads, and decides how its suite runs. */
export function requireTool<T>(requirement: ToolRequirement<T>): RequiredTool<T> {
  const lookup = requirement.lookup();
  const required = process.env[requirement.requireVariable] === "1";
  if ("found" in lookup) return { tool: lookup.found, describe: (title, body) => describe(title, () => body(lookup.found)) };
  return {
    tool: undefined,
    describe(title) {
      if (required) {
        describe(title, () => {
          it(`has its tools (${requirement.requireVariable}=1)`, () => {
            throw new Error(`${requirement.requireVariable}=1 but ${lookup.missing}`);
          });
        });
        return;
      }
      recordSkip(title, `SKIPPED ${requirement.suite}: ${lookup.missing} (set ${requirement.requireVariable}=1 to make this a failure)`);
      describe.skip(title, () => {
        it(lookup.missing, () => undefined);
      });
    },
  };
}

/** Hands the line to the reporter, which prints it at the end of the run; without the run's scratch directory, prints it now. */
function recordSkip(group: string, line: string): void {
  const scratch = process.env.CRYPTOPULSE_TEST_TMPDIR;
  if (!scratch) {
    console.warn(line);
    return;
  }
  writeSkipRecord(path.join(scratch, SKIP_RECORDS), { testPath: expect.getState().testPath ?? "", group, line });
}

/** PATH and the toolbox's pinned builds, looked up as the scripts do (scripts/lib/toolbox.mjs). */
export { onPath, pickEngine, MISSING_ENGINE } from "../scripts/lib/toolbox.mjs";

/** The first of `candidates` (paths) that exists and runs with `versionArgs`: a binary that is there but broken counts as missing. */
export function firstRunning(candidates: readonly (string | undefined)[], versionArgs: readonly string[]): string | undefined {
  return candidates.find((candidate): candidate is string => !!candidate && existsSync(candidate) && spawnSync(candidate, versionArgs).status === 0);
}

/**
 * The toolbox's pinned build of `name`, else `name` on PATH, as the scripts pick it; with `versionArgs`, the first of
 * them that runs with those arguments (a program that only reads its input has none to give).
 */
export function toolboxOrPath(name: string, versionArgs?: readonly string[]): Lookup<string> {
  const candidates = toolCandidates(name);
  const tool = versionArgs ? firstRunning(candidates, versionArgs) : candidates[0];
  return tool ? found(tool) : missing(missingTool(name, { what: versionArgs ? `working ${name}` : name }));
}
