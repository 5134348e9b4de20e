import type { EnvironmentEstimate, Range } from "./estimate";
import type { CostLine } from "./layers";

/**
 * The estimate summed by an allocation key (`npm run cost -- --group-by`): the
 * same keys the DigitalOcean resources carry as tags, so a team reads its share
 * of the estimate under the name its resources are tagged with.
 */

export const GROUP_KEYS = ["service", "team", "layer", "stack"] as const;
export type GroupKey = (typeof GROUP_KEYS)[number];

export function isGroupKey(value: string): value is GroupKey {
  return (GROUP_KEYS as readonly string[]).includes(value);
}

export interface CostGroup extends Range {
  /** The value of the key, e.g. "postgres" for --group-by service. */
  readonly name: string;
  /** How many priced lines it sums. */
  readonly lines: number;
}

export interface GroupedEstimate extends Range {
  /** An environment's name, or ALL_ENVIRONMENTS for the sum over every environment. */
  readonly environment: string;
  /** Largest at maximum scale first, then by name. */
  readonly groups: readonly CostGroup[];
}

export const ALL_ENVIRONMENTS = "all environments";

type KeyedLine = CostLine & { readonly layer: string; readonly stack: string };

function group(environment: string, lines: readonly KeyedLine[], key: GroupKey): GroupedEstimate {
  const groups = new Map<string, { minCents: number; maxCents: number; lines: number }>();
  for (const line of lines) {
    const total = groups.get(line[key]) ?? { minCents: 0, maxCents: 0, lines: 0 };
    groups.set(line[key], { minCents: total.minCents + line.minCents, maxCents: total.maxCents + line.maxCents, lines: total.lines + 1 });
  }
  const sorted = [...groups].map(([name, total]) => ({ name, ...total })).sort((a, b) => b.maxCents - a.maxCents || a.name.localeCompare(b.name));
  return {
    environment,
    groups: sorted,
    minCents: sorted.reduce((sum, entry) => sum + entry.minCents, 0),
    maxCents: sorted.reduce((sum, entry) => sum + entry.maxCents, 0),
  };
}

/** One grouping per environment and, when there are several, one over all of them (a team's whole bill). */
export function groupEstimates(estimates: readonly EnvironmentEstimate[], key: GroupKey): readonly GroupedEstimate[] {
  const linesOf = (estimate: EnvironmentEstimate): KeyedLine[] =>
    estimate.stacks.flatMap((stack) => stack.lines.map((line) => ({ ...line, layer: stack.layer, stack: stack.stack })));
  const perEnvironment = estimates.map((estimate) => group(estimate.environment, linesOf(estimate), key));
  return estimates.length > 1 ? [...perEnvironment, group(ALL_ENVIRONMENTS, estimates.flatMap(linesOf), key)] : perEnvironment;
}
