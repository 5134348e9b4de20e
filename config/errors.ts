/**
 * A configuration problem found before anything is synthesized. Each entry of
 * `problems` is one line: the field path, the offending value and the rule.
 */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source}: ${problems.length} problem(s)\n${problems.map((problem) => `  ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** `environments.production.regions[0].slug` from `["environments","production","regions",0,"slug"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === "number") return `${text}[${key}]`;
    return text ? `${text}.${String(key)}` : String(key);
  }, "");
}

/** The value found at `path` inside `input`, or undefined when the path leaves it. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Renders a value for an error line. Lists and objects are summarized: rules
 * about them name the entries that matter in their own message.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  if (Array.isArray(value)) return `[${value.length} item${value.length === 1 ? "" : "s"}]`;
  if (typeof value === "object" && value !== null) return `{${Object.keys(value).join(", ")}}`;
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** One error line: `<path> = <value>: <rule>`. */
export function problemLine(input: unknown, path: readonly PropertyKey[], rule: string): string {
  const where = formatPath(path) || "(root)";
  return `${where} = ${describeValue(valueAt(input, path))}: ${rule}`;
}
