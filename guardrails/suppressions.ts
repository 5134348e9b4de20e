import type { IConstruct } from "constructs";
import { findingLine, GuardrailError } from "./errors";
import { isRuleId, type RuleId } from "./rules";

/** A suppression says why; anything shorter than this says nothing. */
export const MIN_REASON_LENGTH = 10;

export interface Suppression {
  readonly rule: RuleId;
  readonly reason: string;
}

const SUPPRESSIONS = new WeakMap<IConstruct, readonly Suppression[]>();

/**
 * Turns `rule` off for `construct` alone (the construct that synthesizes the
 * block, not its parent or children), with the reason the rule does not apply
 * there. The reason is listed in the stack's guardrail report, and a
 * suppression that no longer matches a finding fails the synth, so stale ones
 * cannot pile up.
 *
 * Misuse throws a GuardrailError at once: an unknown rule id (possible from
 * untyped callers), a reason under MIN_REASON_LENGTH characters, or the same
 * rule suppressed twice on one construct.
 */
export function suppressRule(construct: IConstruct, rule: RuleId, reason: string): void {
  const refuse = (problem: string, fix: string) => new GuardrailError([findingLine(rule, construct.node.path, problem, fix)]);
  if (!isRuleId(rule)) throw refuse("suppression of an unknown rule id", "use an id from guardrails/rules");
  if (reason.trim().length < MIN_REASON_LENGTH) {
    throw refuse(`suppression reason ${JSON.stringify(reason)} is shorter than ${MIN_REASON_LENGTH} characters`, "write why the rule does not apply to this construct");
  }
  const existing = SUPPRESSIONS.get(construct) ?? [];
  if (existing.some((suppression) => suppression.rule === rule)) throw refuse("rule suppressed twice on one construct", "keep one suppression with one reason");
  SUPPRESSIONS.set(construct, [...existing, { rule, reason: reason.trim() }]);
}

export function suppressionsOf(construct: IConstruct): readonly Suppression[] {
  return SUPPRESSIONS.get(construct) ?? [];
}
