import { mkdirSync, readdirSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import type { StackReport } from "./evaluate";

const REPORT_FILE = /^guardrails-(.+)\.json$/;

export function reportFileName(stack: string): string {
  return `guardrails-${stack}.json`;
}

/**
 * Writes `cdktf.out/guardrails-<stack>.json` for each report and, given
 * `stacks` (the App's guarded stacks), removes the reports of the stacks not
 * among them, the way cdktf removes the directories of stacks that no longer exist.
 */
export function writeReports(outdir: string, reports: readonly StackReport[], stacks?: ReadonlySet<string>): void {
  mkdirSync(outdir, { recursive: true });
  if (stacks) {
    for (const file of readdirSync(outdir)) {
      const match = REPORT_FILE.exec(file);
      if (match && !stacks.has(match[1])) rmSync(path.join(outdir, file), { force: true });
    }
  }
  for (const report of reports) {
    writeFileSync(path.join(outdir, reportFileName(report.stack)), `${JSON.stringify(report, null, 2)}\n`);
  }
}
