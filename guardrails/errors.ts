/**
 * Guardrail findings that stop a synth. Like ConfigError, each entry of
 * `problems` is one line, `rule id — stack/construct path — reason — fix`,
 * so main.ts prints them the same way: no stack trace, non-zero exit.
 */
export class GuardrailError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`guardrails: ${problems.length} finding(s)\n${problems.map((problem) => `  ${problem}`).join("\n")}`);
    this.name = "GuardrailError";
  }
}

/** One finding line: `rule id — stack/construct path — reason — fix`. */
export function findingLine(ruleId: string, path: string, reason: string, fix: string): string {
  return [ruleId, path, reason, fix].join(" — ");
}
