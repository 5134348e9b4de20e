import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { DocsTableError, GENERATED_TABLES, staleLines, updatePages } from "../doc-tables";
import { collectFacts } from "../doc-tables/facts";

/**
 * The tables of the docs that mirror the code (stacks, variables, guardrail rules, alert rules, app
 * metrics) are what `npm run docs:tables` makes from it: a committed table that differs fails here,
 * naming its page and table, as `npm run docs:tables -- --check` does in CI. The command itself, run as a
 * process, is docs-tables-script.test.ts's (the integration project).
 */

const ROOT = path.resolve(__dirname, "..");
const facts = collectFacts();

/** A copy of the README and docs/ to edit, so the committed pages stay untouched. */
function copyOfDocs(): string {
  const root = mkdtempSync(path.join(tmpdir(), "cryptopulse-docs-tables-"));
  cpSync(path.join(ROOT, "README.md"), path.join(root, "README.md"));
  cpSync(path.join(ROOT, "docs"), path.join(root, "docs"), { recursive: true });
  return root;
}
const edit = (root: string, page: string, change: (text: string) => string) => {
  const file = path.join(root, page);
  const before = readFileSync(file, "utf8");
  const after = change(before);
  expect(after).not.toBe(before);
  writeFileSync(file, after);
};

describe("the generated tables of the docs", () => {
  it("are what the code makes (npm run docs:tables)", () => {
    expect(staleLines(updatePages(ROOT, facts))).toEqual([]);
  });

  it("cover every rule, alert (Prometheus and DigitalOcean), stack, workspace, variable and metric of the code", () => {
    const page = (name: string) => readFileSync(path.join(ROOT, GENERATED_TABLES.find((table) => table.name === name)!.page), "utf8");
    for (const rule of facts.rules) expect(page("rules")).toContain(`| \`${rule.id}\` |`);
    for (const alert of facts.alerts) expect(page("alerts")).toContain(`| \`${alert.alert}\` | ${alert.priority} | ${alert.for} |`);
    for (const alert of facts.digitaloceanAlerts) expect(page("digitalocean-alerts")).toContain(`| ${alert.layer} | \`${alert.type}\` |`);
    for (const stack of facts.stacks) expect(page("stacks")).toContain(`| \`${stack.name}\` | ${stack.layer} | ${stack.environment} |`);
    for (const workspace of facts.workspaces) expect(page("workspaces")).toContain(`| \`${workspace.name}\` | ${workspace.execution} |`);
    for (const variable of facts.variables) expect(page("variables")).toContain(`| \`TF_VAR_${variable.name}\` |`);
    for (const metric of facts.metrics) expect(page("metrics")).toContain(`| \`${metric.name}\` | ${metric.type} |`);
    expect(facts.alerts.map((alert) => alert.group)).toEqual(expect.arrayContaining(["cryptopulse.security", "cryptopulse.backups"]));
    expect(new Set(facts.digitaloceanAlerts.map((alert) => alert.layer))).toEqual(new Set(["cluster", "data", "platform"]));
  });

  it("are reported stale, one line naming the page and the table, when a row is edited; a rewrite restores them", () => {
    const root = copyOfDocs();
    edit(root, "docs/guardrails.md", (text) => text.replace("| `CP-DO-005` | production |", "| `CP-DO-005` | all |"));
    edit(root, "docs/observability.md", (text) => text.replace(/^(\| `cryptopulse\.services` \| `HighErrorRate` \| )P1( \|)/m, "$1P2$2"));
    const updates = updatePages(root, facts);
    expect(staleLines(updates)).toEqual([
      "docs/guardrails.md: the rules table is stale: run npm run docs:tables",
      "docs/observability.md: the alerts table is stale: run npm run docs:tables",
    ]);
    for (const update of updates) writeFileSync(path.join(root, update.page), update.text);
    expect(staleLines(updatePages(root, facts))).toEqual([]);
    expect(readFileSync(path.join(root, "docs", "guardrails.md"), "utf8")).toBe(readFileSync(path.join(ROOT, "docs", "guardrails.md"), "utf8"));
  });

  it.each([
    ["a region without its closing marker", "docs/guardrails.md", (text: string) => text.replace("<!-- /generated:rules -->", ""), /^docs\/guardrails\.md:\d+: generated:rules has no closing <!-- \/generated:rules -->$/],
    ["a table without its region", "docs/guardrails.md", (text: string) => text.replace(/<!-- generated:rules [\s\S]*<!-- \/generated:rules -->/, ""), /^docs\/guardrails\.md: needs exactly one region <!-- generated:rules -->/],
    ["a region no table is made for", "docs/data.md", (text: string) => `${text}\n<!-- generated:outputs -->\n<!-- /generated:outputs -->\n`, /^docs\/data\.md:\d+: generated:outputs is no table npm run docs:tables makes here/],
  ])("refuse %s in one line", (_case, page, change, message) => {
    const root = copyOfDocs();
    edit(root, page, change);
    expect(() => updatePages(root, facts)).toThrow(DocsTableError);
    expect(() => updatePages(root, facts)).toThrow(message);
  });
});
