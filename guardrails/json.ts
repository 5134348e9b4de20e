/**
 * Reading synthesized Terraform JSON. cdktf writes a nested block either as an
 * object or as a list of objects (depending on the provider schema and on how
 * the construct was written), so rules read blocks through these helpers and
 * never care which form they got.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The nested blocks under `key`: none, one (an object) or several (a list). */
export function blocks(parent: Json | undefined, key: string): JsonObject[] {
  if (!isObject(parent)) return [];
  const value = parent[key];
  if (Array.isArray(value)) return value.filter(isObject);
  return isObject(value) ? [value] : [];
}

/** The first block along `keys`, e.g. `first(config, "spec", "template", "spec")`. */
export function first(parent: Json | undefined, ...keys: string[]): JsonObject | undefined {
  let current: JsonObject | undefined = isObject(parent) ? parent : undefined;
  for (const key of keys) current = blocks(current, key)[0];
  return current;
}

/** A string written as a literal in the configuration, not a `${...}` expression known only at plan time. */
export function isLiteral(value: unknown): value is string {
  return typeof value === "string" && !value.includes("${");
}

/**
 * Every string value under `value`, with its attribute path (`spec.template.container[0].image`) and the name it is
 * under (the path's last part, without its index). A list built by one recursive walk: a generator's `yield*` hands
 * each string up through every level above it, which made this a sixth of the guardrails' time.
 */
export function strings(value: Json | undefined, path = ""): { path: string; key: string; value: string }[] {
  const found: { path: string; key: string; value: string }[] = [];
  const walk = (inner: Json | undefined, at: string): void => {
    if (typeof inner === "string") found.push({ path: at, key: at.slice(at.lastIndexOf(".") + 1).replace(/\[\d+\]$/, ""), value: inner });
    else if (Array.isArray(inner)) inner.forEach((item, index) => walk(item, `${at}[${index}]`));
    else if (isObject(inner)) for (const key of Object.keys(inner)) walk(inner[key], at ? `${at}.${key}` : key);
  };
  walk(value, path);
  return found;
}

/** Whether `expression` refers to the resource or data source at `address` (`digitalocean_database_cluster.pg`). */
export function refersTo(expression: Json | undefined, address: string): boolean {
  return typeof expression === "string" && expression.includes(`\${${address}.`);
}
