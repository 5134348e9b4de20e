/**
 * Guardrails: a policy rule pack for DigitalOcean, Cloudflare, Kubernetes and
 * Helm, enforced at synth on every stack (see docs/guardrails.md). Stacks
 * import from here; this folder imports config/, cdktf and constructs, never stacks/.
 */
export { applyGuardrails, GuardrailsAspect, onlyGuardrailAspects } from "./aspect";
export { GuardrailError } from "./errors";
export { evaluateStack, type CheckStatus, type GuardrailOptions, type StackReport } from "./evaluate";
export { reportFileName } from "./report";
export type { Tier } from "./rule";
export { RULES, STATEFUL_TYPES, type RuleId } from "./rules";
export { suppressRule } from "./suppressions";
