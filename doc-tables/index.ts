import { readdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { collectFacts, DocsTableError, isReportedError, type Facts } from "./facts";
import { BENCH_DOCS } from "../scripts/bench/report.mjs";
import { closingMarker, openingMarker, regionNamed, regionsOf, replaceRegion } from "../scripts/lib/generated-regions.mjs";
import { GENERATED_TABLES, type GeneratedTable } from "./tables";

/**
 * npm run docs:tables (scripts/docs-tables.mjs): the tables of the README and docs/ that mirror the
 * code are generated from it. Each sits in a marked region of its page,
 *
 *     <!-- generated:<name> ... -->
 *     (the table)
 *     <!-- /generated:<name> -->
 *
 * which this rewrites, markers included; the prose around it stays the author's.
 */
export { DocsTableError, GENERATED_TABLES };

/** The regions another command writes, which this leaves alone: the bench's (npm run bench -- --write-docs). */
const WRITTEN_ELSEWHERE = [BENCH_DOCS];

/** The region of `table` as the code has it, markers included. */
function renderRegion(table: GeneratedTable, facts: Facts): string {
  const open = openingMarker(table.name, `by npm run docs:tables from ${table.source}: change the code, not this table`);
  return [open, "", table.render(facts, table.page), "", closingMarker(table.name)].join("\n");
}

/** README.md and every markdown page under docs/, relative to `root`. */
function markdownPages(root: string): string[] {
  const pages = readdirSync(path.join(root, "docs"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".md"))
    .map((file) => path.posix.join("docs", file.split(path.sep).join("/")))
    .sort();
  return ["README.md", ...pages];
}

export interface PageUpdate {
  readonly page: string;
  /** The tables of the page whose committed region differs from the code. */
  readonly stale: readonly string[];
  readonly text: string;
}

/**
 * Every page holding a generated table, with its text as the code has it and the tables that are
 * stale. A registered table without its region, or a region no table is registered for, is an error.
 */
export function updatePages(root: string, facts: Facts, tables: readonly GeneratedTable[] = GENERATED_TABLES): PageUpdate[] {
  const updates: PageUpdate[] = [];
  for (const page of markdownPages(root)) {
    const lines = readFileSync(path.join(root, page), "utf8").split("\n");
    const regions = regionsOf(page, lines, DocsTableError).filter((region) => !WRITTEN_ELSEWHERE.some((other) => other.page === page && other.region === region.name));
    const own = tables.filter((table) => table.page === page);
    for (const region of regions) {
      if (!own.some((table) => table.name === region.name)) {
        const known = tables.map((table) => `${table.page} ${table.name}`).join(", ");
        throw new DocsTableError(`${page}:${region.start + 1}: generated:${region.name} is no table npm run docs:tables makes here (it makes ${known})`);
      }
    }
    if (own.length === 0) continue;
    const stale: string[] = [];
    let text = lines.join("\n");
    // In the page's order (a table without its region first: regionNamed refuses it).
    const position = (table: GeneratedTable) => regions.findIndex((region) => region.name === table.name);
    for (const table of [...own].sort((a, b) => position(a) - position(b))) {
      const wanted = renderRegion(table, facts);
      if (regionNamed(page, text, table.name, DocsTableError).text !== wanted) stale.push(table.name);
      text = replaceRegion(page, text, table.name, wanted, DocsTableError);
    }
    updates.push({ page, stale, text });
  }
  const missing = tables.filter((table) => !updates.some((update) => update.page === table.page));
  if (missing.length > 0) throw new DocsTableError(`${missing[0].page}: no such page for the ${missing[0].name} table`);
  return updates;
}

/** One line per stale table, as --check prints them. */
export function staleLines(updates: readonly PageUpdate[]): string[] {
  return updates.flatMap((update) => update.stale.map((name) => `${update.page}: the ${name} table is stale: run npm run docs:tables`));
}

export interface RunOptions {
  readonly root: string;
  /** Write nothing; report the stale tables. */
  readonly check: boolean;
}

/** The command: returns its exit code; messages go to `out` (stdout) and `err` (stderr), one line each. */
export function runDocsTables(options: RunOptions, out: (line: string) => void, err: (line: string) => void): number {
  try {
    const updates = updatePages(options.root, collectFacts());
    if (options.check) {
      const stale = staleLines(updates);
      for (const line of stale) err(`docs-tables: ${line}`);
      return stale.length > 0 ? 1 : 0;
    }
    for (const update of updates.filter((candidate) => candidate.stale.length > 0)) {
      writeFileSync(path.join(options.root, update.page), update.text);
      out(`wrote ${update.page} (${update.stale.join(", ")})`);
    }
    if (updates.every((update) => update.stale.length === 0)) out("every generated table is up to date");
    return 0;
  } catch (error) {
    if (!isReportedError(error)) throw error;
    err(error instanceof DocsTableError ? `docs-tables: ${error.message}` : error.message);
    return 1;
  }
}
