import type { EnvironmentEstimate, Range } from "./estimate";
import type { CostLine } from "./layers";

/**
 * The difference between the estimates of two revisions of the configuration
 * (the pull request's base and its head), per environment, stack and line.
 * Lines match by stack and line id; a line whose item or amounts differ is a
 * change, as is a stack or environment present on one side only.
 */

export interface LineChange {
  readonly id: string;
  readonly before?: CostLine;
  readonly after?: CostLine;
}

export interface StackDiff {
  readonly stack: string;
  readonly before?: Range;
  readonly after?: Range;
  /** Only the lines that differ. */
  readonly changes: readonly LineChange[];
}

export interface EnvironmentDiff {
  readonly environment: string;
  readonly before?: Range;
  readonly after?: Range;
  /** Every stack of either side, the head's order first. */
  readonly stacks: readonly StackDiff[];
}

/** Keys of `after` in order, then those only in `before`. */
function union<T>(before: readonly T[], after: readonly T[], key: (item: T) => string): string[] {
  return [...new Set([...after.map(key), ...before.map(key)])];
}

function lineDiffers(before: CostLine | undefined, after: CostLine | undefined): boolean {
  if (!before || !after) return true;
  return before.item !== after.item || before.minCents !== after.minCents || before.maxCents !== after.maxCents;
}

function range(estimate: Range | undefined): Range | undefined {
  return estimate && { minCents: estimate.minCents, maxCents: estimate.maxCents };
}

export function diffEstimates(before: readonly EnvironmentEstimate[], after: readonly EnvironmentEstimate[]): readonly EnvironmentDiff[] {
  return union(before, after, (estimate) => estimate.environment).map((environment): EnvironmentDiff => {
    const old = before.find((estimate) => estimate.environment === environment);
    const now = after.find((estimate) => estimate.environment === environment);
    const oldStacks = old?.stacks ?? [];
    const newStacks = now?.stacks ?? [];
    const stacks = union(oldStacks, newStacks, (stack) => stack.stack).map((stack): StackDiff => {
      const oldStack = oldStacks.find((candidate) => candidate.stack === stack);
      const newStack = newStacks.find((candidate) => candidate.stack === stack);
      const oldLines = oldStack?.lines ?? [];
      const newLines = newStack?.lines ?? [];
      const changes = union(oldLines, newLines, (line) => line.id)
        .map((id): LineChange => ({ id, before: oldLines.find((line) => line.id === id), after: newLines.find((line) => line.id === id) }))
        .filter((change) => lineDiffers(change.before, change.after));
      return { stack, before: range(oldStack), after: range(newStack), changes };
    });
    return { environment, before: range(old), after: range(now), stacks };
  });
}

/** after − before at minimum and maximum scale; a missing side counts as $0. */
export function delta(before: Range | undefined, after: Range | undefined): Range {
  return {
    minCents: (after?.minCents ?? 0) - (before?.minCents ?? 0),
    maxCents: (after?.maxCents ?? 0) - (before?.maxCents ?? 0),
  };
}

/** Whether anything in the environment's estimate changed. */
export function environmentChanged(diff: EnvironmentDiff): boolean {
  return !diff.before || !diff.after || diff.stacks.some((stack) => stack.changes.length > 0 || !stack.before || !stack.after);
}
