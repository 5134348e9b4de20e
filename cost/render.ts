import Table from "cli-table3";
import { delta, environmentChanged, type EnvironmentDiff, type LineChange } from "./diff";
import { formatDelta, formatRange, formatUsd, type BudgetVerdict, type EnvironmentEstimate, type Range } from "./estimate";
import type { GroupedEstimate, GroupKey } from "./group";
import type { CostLine } from "./layers";
import type { Price } from "./prices";

/**
 * Renders estimates and diffs: text tables for people (`npm run cost`),
 * Markdown for the pull-request comment, JSON for machines. Every amount is
 * printed from whole cents, so what is shown is what was summed.
 */

const SCALE_NOTE = "min: autoscaling node pools at minNodes; max: at maxNodes (what the budget is checked against)";
const USAGE_NOTE = "not included: usage-based charges (bandwidth and storage beyond the plans' allowances, backups beyond the plans)";

/** Numbers the distinct (source, checked) pairs of the prices used, in order of first use. */
class Sources {
  private readonly numbers = new Map<string, number>();

  ref(price: Price): string {
    const key = `${price.source} (checked ${price.checked})`;
    if (!this.numbers.has(key)) this.numbers.set(key, this.numbers.size + 1);
    return `[${this.numbers.get(key)}]`;
  }

  lines(): string[] {
    return [...this.numbers].map(([key, number]) => `  [${number}] ${key}`);
  }
}

function quantity(line: CostLine): string {
  return line.quantity.min === line.quantity.max ? String(line.quantity.max) : `${line.quantity.min}–${line.quantity.max}`;
}

const right = (content: string) => ({ content, hAlign: "right" as const });

function verdictLine(verdict: BudgetVerdict): string {
  const label = { within: "within budget", warning: "WARNING: approaching the budget", over: "OVER BUDGET", none: "no budget" }[verdict.status];
  return `${label}: ${verdict.message}`;
}

/** The `npm run cost` table: one per environment, a block per stack, the budget verdict below. */
export function renderEstimateText(estimates: readonly EnvironmentEstimate[], verdicts: readonly BudgetVerdict[]): string {
  const sources = new Sources();
  const blocks = estimates.map((estimate) => {
    const table = new Table({
      head: ["item", "qty", "unit / month", "min / month", "max / month", "source"],
      colAligns: ["left", "right", "right", "right", "right", "left"],
      style: { head: [], border: [], compact: true },
    });
    for (const stack of estimate.stacks) {
      table.push([{ content: stack.stack, colSpan: 6 }]);
      for (const line of stack.lines) {
        table.push([line.item, quantity(line), formatUsd(line.price.monthlyCents), formatUsd(line.minCents), formatUsd(line.maxCents), sources.ref(line.price)]);
      }
      table.push(["stack total", "", "", right(formatUsd(stack.minCents)), right(formatUsd(stack.maxCents)), ""]);
    }
    table.push([`${estimate.environment} total`, "", "", right(formatUsd(estimate.minCents)), right(formatUsd(estimate.maxCents)), ""]);
    const verdict = verdicts.find((candidate) => candidate.environment === estimate.environment);
    return [`${estimate.environment}`, table.toString(), verdict ? verdictLine(verdict) : ""].filter(Boolean).join("\n");
  });
  return [
    "Estimated monthly cost in USD (npm run cost; prices: cost/prices.json)",
    `${SCALE_NOTE}; ${USAGE_NOTE}`,
    "",
    blocks.join("\n\n"),
    "",
    "sources:",
    ...sources.lines(),
    "",
  ].join("\n");
}

/** `--group-by <key>`: a table per environment (and one over all), a row per value of the key. */
export function renderGroupsText(key: GroupKey, grouped: readonly GroupedEstimate[], verdicts: readonly BudgetVerdict[]): string {
  const blocks = grouped.map((estimate) => {
    const table = new Table({
      head: [key, "lines", "min / month", "max / month", "share of max"],
      colAligns: ["left", "right", "right", "right", "right"],
      style: { head: [], border: [], compact: true },
    });
    for (const entry of estimate.groups) {
      const share = estimate.maxCents === 0 ? "—" : `${Math.round((entry.maxCents * 100) / estimate.maxCents)}%`;
      table.push([entry.name, String(entry.lines), formatUsd(entry.minCents), formatUsd(entry.maxCents), share]);
    }
    table.push(["total", "", right(formatUsd(estimate.minCents)), right(formatUsd(estimate.maxCents)), ""]);
    const verdict = verdicts.find((candidate) => candidate.environment === estimate.environment);
    return [estimate.environment, table.toString(), verdict ? verdictLine(verdict) : ""].filter(Boolean).join("\n");
  });
  return [
    `Estimated monthly cost in USD by ${key} (npm run cost -- --group-by ${key}; prices: cost/prices.json)`,
    `${SCALE_NOTE}; ${USAGE_NOTE}`,
    "",
    blocks.join("\n\n"),
    "",
  ].join("\n");
}

/** `--group-by <key> --json`: the groups of every environment and the budget verdicts. Amounts in whole cents. */
export function renderGroupsJson(key: GroupKey, grouped: readonly GroupedEstimate[], verdicts: readonly BudgetVerdict[]): string {
  return `${JSON.stringify({ currency: "USD", unit: "cents per month", groupBy: key, environments: grouped, budgets: verdicts }, null, 2)}\n`;
}

/** `--json`: the estimates with every line and its price, and the budget verdicts. Amounts in whole cents. */
export function renderEstimateJson(estimates: readonly EnvironmentEstimate[], verdicts: readonly BudgetVerdict[]): string {
  return `${JSON.stringify({ currency: "USD", unit: "cents per month", environments: estimates, budgets: verdicts }, null, 2)}\n`;
}

/** `--diff --json`: the per-environment, per-stack and per-line differences, and the head's budget verdicts. */
export function renderDiffJson(base: string, diffs: readonly EnvironmentDiff[], verdicts: readonly BudgetVerdict[]): string {
  return `${JSON.stringify({ currency: "USD", unit: "cents per month", base, environments: diffs, budgets: verdicts }, null, 2)}\n`;
}

function side(range: Range | undefined): string {
  return range ? formatRange(range) : "—";
}

function deltaText(range: Range): string {
  return range.minCents === range.maxCents ? formatDelta(range.maxCents) : `${formatDelta(range.minCents)} / ${formatDelta(range.maxCents)}`;
}

function changeText(change: LineChange): string {
  const item = change.after?.item ?? change.before?.item ?? change.id;
  const renamed = change.before && change.after && change.before.item !== change.after.item ? ` (was ${change.before.item})` : "";
  const before = change.before ? `${quantity(change.before)} × ${formatUsd(change.before.price.monthlyCents)}` : "new";
  const after = change.after ? `${quantity(change.after)} × ${formatUsd(change.after.price.monthlyCents)}` : "removed";
  return `${item}${renamed}: ${before} → ${after} (${deltaText(delta(change.before, change.after))})`;
}

/** The cost section of the pull-request comment. */
export function renderDiffMarkdown(base: string, diffs: readonly EnvironmentDiff[], verdicts: readonly BudgetVerdict[]): string {
  const out = [
    `Monthly estimate of this change against \`${base}\`, in USD (\`npm run cost -- --diff\`, prices from \`cost/prices.json\`).`,
    `${SCALE_NOTE}; ${USAGE_NOTE}.`,
    "",
  ];
  for (const diff of diffs) {
    const verdict = verdicts.find((candidate) => candidate.environment === diff.environment);
    const total = deltaText(delta(diff.before, diff.after));
    out.push(`**${diff.environment}**: ${side(diff.before)} → ${side(diff.after)} (${total})`);
    if (verdict) {
      const icon = { within: "✅", warning: "⚠️", over: "❌", none: "ℹ️" }[verdict.status];
      out.push(`${icon} ${verdictLine(verdict)}`);
    }
    if (!environmentChanged(diff)) {
      out.push("", "No cost change.", "");
      continue;
    }
    out.push("", "| stack | before | after | change (min / max) |", "| --- | ---: | ---: | ---: |");
    const changed = diff.stacks.filter((stack) => stack.changes.length > 0 || !stack.before || !stack.after);
    for (const stack of changed) {
      out.push(`| \`${stack.stack}\` | ${side(stack.before)} | ${side(stack.after)} | ${deltaText(delta(stack.before, stack.after))} |`);
    }
    out.push("");
    for (const stack of changed) {
      for (const change of stack.changes) out.push(`- \`${stack.stack}\`: ${changeText(change)}`);
    }
    const unchanged = diff.stacks.length - changed.length;
    if (unchanged > 0) out.push(`- ${unchanged} other stack${unchanged === 1 ? "" : "s"} unchanged`);
    out.push("");
  }
  return `${out.join("\n").trimEnd()}\n`;
}

/** `--diff` for people: the same content as the Markdown, as plain text. */
export function renderDiffText(base: string, diffs: readonly EnvironmentDiff[], verdicts: readonly BudgetVerdict[]): string {
  const out = [`Estimated monthly cost, USD: working tree against ${base}`, `${SCALE_NOTE}`, ""];
  for (const diff of diffs) {
    out.push(`${diff.environment}: ${side(diff.before)} -> ${side(diff.after)} (${deltaText(delta(diff.before, diff.after))})`);
    const verdict = verdicts.find((candidate) => candidate.environment === diff.environment);
    if (verdict) out.push(`  ${verdictLine(verdict)}`);
    for (const stack of diff.stacks) {
      for (const change of stack.changes) out.push(`  ${stack.stack}: ${changeText(change)}`);
    }
    if (!environmentChanged(diff)) out.push("  no cost change");
    out.push("");
  }
  return out.join("\n");
}
