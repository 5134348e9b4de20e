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

/** The first pattern `text` matches, if any. */
export function secretPatternIn(text: string): SecretPattern | undefined {
  return SECRET_PATTERNS.find((pattern) => (pattern.contains === undefined || text.includes(pattern.contains)) && pattern.regex.test(text));
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
