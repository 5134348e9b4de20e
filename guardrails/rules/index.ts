import { cloudflareRules } from "./cloudflare";
import { dataRules } from "./data";
import { digitaloceanRules } from "./digitalocean";
import { helmRules } from "./helm";
import { kubernetesRules } from "./kubernetes";
import { secretRules } from "./secrets";
import { volumeRules } from "./volumes";

export { STATEFUL_TYPES } from "./data";

/**
 * The rule pack, applied to every stack. A rule for a resource type no stack
 * uses yet is still enforced the day a stack adds one, and its fixtures in
 * __tests__/guardrails-rules.test.ts prove it works before then.
 */
export const RULES = [...dataRules, ...volumeRules, ...digitaloceanRules, ...kubernetesRules, ...helmRules, ...cloudflareRules, ...secretRules] as const;

export type RuleId = (typeof RULES)[number]["id"];

export function isRuleId(id: string): id is RuleId {
  return RULES.some((rule) => rule.id === id);
}
