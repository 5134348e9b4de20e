import type { TerraformStack } from "cdktf";
import { stackBlocks } from "./blocks";
import { findingLine } from "./errors";
import type { JsonObject } from "./json";
import type { RuleContext, Tier } from "./rule";
import { RULES, type RuleId } from "./rules";
import { suppressionsOf, type Suppression } from "./suppressions";

export interface GuardrailOptions {
  /** The stack's environment tier: production-only rules skip other tiers. */
  readonly tier: Tier;
}

export type CheckStatus = "pass" | "fail" | "suppressed";

/** One rule applied to one block. */
export interface CheckResult {
  readonly rule: RuleId;
  readonly path: string;
  readonly address: string;
  readonly status: CheckStatus;
  /** What the rule found (fail, suppressed). */
  readonly detail?: string;
  /** Why the finding is accepted (suppressed). */
  readonly justification?: string;
}

export interface UnusedSuppression {
  readonly rule: RuleId;
  readonly path: string;
  readonly reason: string;
}

/** A stack's verdict: what `cdktf.out/guardrails-<stack>.json` holds. */
export interface StackReport {
  readonly stack: string;
  readonly tier: Tier;
  /** No failure and no unused suppression. */
  readonly passed: boolean;
  readonly summary: { readonly checks: number; readonly passed: number; readonly failed: number; readonly suppressed: number; readonly unusedSuppressions: number };
  /** The rules that applied to this tier, with their reason and fix. */
  readonly rules: readonly { readonly id: RuleId; readonly reason: string; readonly fix: string }[];
  readonly results: readonly CheckResult[];
  readonly unusedSuppressions: readonly UnusedSuppression[];
}

const RULES_BY_ID = new Map<string, (typeof RULES)[number]>(RULES.map((rule) => [rule.id, rule]));

/**
 * Applies the rule pack to every block of `stack`, honouring the suppressions
 * on its constructs. `synthesized`, the stack's `toTerraform()` when the
 * caller has it, spares resolving the stack again (see stackBlocks).
 */
export function evaluateStack(stack: TerraformStack, options: GuardrailOptions, synthesized?: JsonObject): StackReport {
  const blocks = stackBlocks(stack, synthesized);
  const context: RuleContext = { blocks };
  const rules = RULES.filter((rule) => !rule.tiers || rule.tiers.includes(options.tier));
  const used = new Set<Suppression>();

  const results = blocks.flatMap((block) =>
    rules
      .filter((rule) => rule.appliesTo(block, context))
      .map((rule): CheckResult => {
        const where = { rule: rule.id, path: block.path, address: block.address };
        const detail = rule.check(block, context);
        if (detail === undefined) return { ...where, status: "pass" };
        const suppression = suppressionsOf(block.construct).find((candidate) => candidate.rule === rule.id);
        if (!suppression) return { ...where, status: "fail", detail };
        used.add(suppression);
        return { ...where, status: "suppressed", detail, justification: suppression.reason };
      }),
  );
  const unusedSuppressions = stack.node
    .findAll()
    .flatMap((construct) =>
      suppressionsOf(construct)
        .filter((suppression) => !used.has(suppression))
        .map((suppression) => ({ rule: suppression.rule, path: construct.node.path, reason: suppression.reason })),
    );

  const count = (status: CheckStatus) => results.filter((result) => result.status === status).length;
  const failed = count("fail");
  return {
    stack: stack.node.id,
    tier: options.tier,
    passed: failed === 0 && unusedSuppressions.length === 0,
    summary: { checks: results.length, passed: count("pass"), failed, suppressed: count("suppressed"), unusedSuppressions: unusedSuppressions.length },
    rules: rules.map(({ id, reason, fix }) => ({ id, reason, fix })),
    results,
    unusedSuppressions,
  };
}

/** The report's failures and unused suppressions, one line each: `rule id — path — reason — fix`. */
export function findingLines(report: StackReport): string[] {
  const failures = report.results
    .filter((result) => result.status === "fail")
    .map((result) => {
      const rule = RULES_BY_ID.get(result.rule) as (typeof RULES)[number];
      return findingLine(rule.id, result.path, `${rule.reason} (${result.detail})`, rule.fix);
    });
  const unused = report.unusedSuppressions.map((suppression) =>
    findingLine(suppression.rule, suppression.path, `suppression matches no finding ("${suppression.reason}")`, "remove the suppression: the rule passes here"),
  );
  return [...failures, ...unused];
}
