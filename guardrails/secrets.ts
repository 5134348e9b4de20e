import patternFile from "./secret-patterns.json";

/** A kind of secret recognizable by its shape. */
export interface SecretPattern {
  readonly id: string;
  readonly description: string;
  readonly regex: RegExp;
  /** A literal every match of `regex` holds, looked for first: a string search costs far less than the expression. */
  readonly contains?: string;
}

/** The patterns of secret-patterns.json, which the output scan (scripts/secret-scan.mjs) reads too. */
export const SECRET_PATTERNS: readonly SecretPattern[] = patternFile.patterns.map((pattern) => ({
  id: pattern.id,
  description: pattern.description,
  regex: new RegExp(pattern.regex, "flags" in pattern ? pattern.flags : ""),
  contains: "contains" in pattern ? pattern.contains : undefined,
}));

/**
 * secretPatternIn's answers, by text. The guardrails scan every string of every block, and environments repeat most
 * of them (a name, a port, a shared Helm values document): at 20 environments, 9 texts in 10 had been scanned
 * before, and scanning was 2 % of a synth. About 2,700 distinct texts then.
 */
const VERDICTS = new Map<string, SecretPattern | null>();

/** The first pattern `text` matches, if any. */
export function secretPatternIn(text: string): SecretPattern | undefined {
  let verdict = VERDICTS.get(text);
  if (verdict === undefined) {
    verdict = SECRET_PATTERNS.find((pattern) => (pattern.contains === undefined || text.includes(pattern.contains)) && pattern.regex.test(text)) ?? null;
    VERDICTS.set(text, verdict);
  }
  return verdict ?? undefined;
}

/** Name endings that mark a value as a credential (compared without case, `_`, `-` or `.`). */
const SECRET_NAME_ENDINGS = [
  "password",
  "passwd",
  "secret",
  "token",
  "apikey",
  "privatekey",
  "secretkey",
  "accesskey",
  "accesskeyid",
  "clientkey",
  "webhookurl",
  "credential",
  "credentials",
];

/** Whether an attribute, variable or output named `name` carries a credential (`PGPASSWORD`, `api_token`, `webhook_url`). */
export function isSecretName(name: string): boolean {
  const normalized = name.toLowerCase().replace(/[^a-z0-9]/g, "");
  return SECRET_NAME_ENDINGS.some((ending) => normalized.endsWith(ending));
}
