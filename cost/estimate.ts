import { budgetSchema, type BudgetConfig } from "../config/budget";
import { LAYERS, type CostLine, type StackCost } from "./layers";
import type { PriceTable } from "./prices";

/**
 * The monthly cost estimate of each environment, from its configuration and the
 * price table: per stack and in total, at minimum scale (every autoscaling pool
 * at minNodes) and at maximum scale (at maxNodes). All amounts are whole cents.
 */

export interface Range {
  readonly minCents: number;
  readonly maxCents: number;
}

export interface StackEstimate extends StackCost, Range {}

export interface EnvironmentEstimate extends Range {
  readonly environment: string;
  readonly stacks: readonly StackEstimate[];
  /** Absent in revisions of the configuration that predate budgets. */
  readonly budget?: BudgetConfig;
}

function sum(lines: readonly Range[]): Range {
  return lines.reduce((total, line) => ({ minCents: total.minCents + line.minCents, maxCents: total.maxCents + line.maxCents }), {
    minCents: 0,
    maxCents: 0,
  });
}

/**
 * Prices one resolved environment (an element of loadPlatformConfig().environments,
 * of this or another revision). Throws UnknownPriceError for a size without a
 * price and CostInputError for a configuration the mappings cannot read.
 */
export function estimateEnvironment(environment: object, prices: PriceTable): EnvironmentEstimate {
  const fields = environment as Record<string, unknown>;
  const stacks = LAYERS
    .flatMap((layer) => layer.stacks(environment, prices))
    .map((stack): StackEstimate => ({ ...stack, ...sum(stack.lines) }));
  const budget = budgetSchema.safeParse(fields.budget);
  return {
    environment: String(fields.name),
    stacks,
    ...sum(stacks),
    ...(budget.success ? { budget: budget.data } : {}),
  };
}

export function estimateEnvironments(environments: readonly object[], prices: PriceTable): readonly EnvironmentEstimate[] {
  return environments.map((environment) => estimateEnvironment(environment, prices));
}

/** A cost line with the stack it belongs to. */
export interface StackLine extends CostLine {
  readonly stack: string;
}

export type BudgetStatus = "within" | "warning" | "over" | "none";

export interface BudgetVerdict {
  readonly environment: string;
  readonly status: BudgetStatus;
  readonly maxCents: number;
  readonly budgetCents?: number;
  /** The estimate at maximum scale as a share of the budget, in whole percent. */
  readonly percent?: number;
  /** The most expensive lines at maximum scale, largest first: where to look when over budget. */
  readonly largest: readonly StackLine[];
  /** One line for people: the verdict and, when over budget, the largest items. */
  readonly message: string;
}

const LARGEST_ITEMS = 3;

/**
 * Compares the estimate at maximum scale with the environment's budget: over it
 * fails the cost command; at or above warnAtPercent warns.
 */
export function checkBudget(estimate: EnvironmentEstimate): BudgetVerdict {
  const largest = estimate.stacks
    .flatMap((stack) => stack.lines.map((line): StackLine => ({ ...line, stack: stack.stack })))
    .filter((line) => line.maxCents > 0)
    .sort((a, b) => b.maxCents - a.maxCents || a.stack.localeCompare(b.stack) || a.id.localeCompare(b.id))
    .slice(0, LARGEST_ITEMS);
  const at = `${estimate.environment}: estimate at maximum scale ${formatUsd(estimate.maxCents)}`;
  if (!estimate.budget) return { environment: estimate.environment, status: "none", maxCents: estimate.maxCents, largest, message: `${at}; no budget configured` };

  const budgetCents = Math.round(estimate.budget.monthlyUsd * 100);
  const percent = Math.round((estimate.maxCents * 100) / budgetCents);
  const base = { environment: estimate.environment, maxCents: estimate.maxCents, budgetCents, percent, largest };
  if (estimate.maxCents > budgetCents) {
    const items = largest.map((line) => `${line.item} in ${line.stack}: ${line.quantity.max} × ${formatUsd(line.price.monthlyCents)} = ${formatUsd(line.maxCents)}`);
    return {
      ...base,
      status: "over",
      message: `${at} exceeds the budget of ${formatUsd(budgetCents)} by ${formatUsd(estimate.maxCents - budgetCents)}; largest items: ${items.join("; ")}`,
    };
  }
  const status = estimate.maxCents * 100 >= estimate.budget.warnAtPercent * budgetCents ? "warning" : "within";
  const note = status === "warning" ? `, at or above the ${estimate.budget.warnAtPercent}% warning level` : "";
  return { ...base, status, message: `${at} is ${percent}% of the budget of ${formatUsd(budgetCents)}${note}` };
}

/** "$1,234.56"; negative amounts as "-$1,234.56". */
export function formatUsd(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  const dollars = Math.floor(abs / 100).toLocaleString("en-US");
  return `${sign}$${dollars}.${String(abs % 100).padStart(2, "0")}`;
}

/** "+$60.00", "-$60.00" or "$0.00". */
export function formatDelta(cents: number): string {
  return cents > 0 ? `+${formatUsd(cents)}` : formatUsd(cents);
}

/** "$813.00 – $1,677.00", or one amount when minimum and maximum agree. */
export function formatRange(range: Range): string {
  return range.minCents === range.maxCents ? formatUsd(range.maxCents) : `${formatUsd(range.minCents)} – ${formatUsd(range.maxCents)}`;
}
