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

/** Every string value under `value`, with its attribute path (`spec.template.container[0].image`). */
export function* strings(value: Json | undefined, path = ""): Generator<{ path: string; key: string; value: string }> {
  if (typeof value === "string") {
    yield { path, key: path.slice(path.lastIndexOf(".") + 1).replace(/\[\d+\]$/, ""), value };
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* strings(item, `${path}[${index}]`);
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) yield* strings(item, path ? `${path}.${key}` : key);
  }
}

/** Whether `expression` refers to the resource or data source at `address` (`digitalocean_database_cluster.pg`). */
export function refersTo(expression: Json | undefined, address: string): boolean {
  return typeof expression === "string" && expression.includes(`\${${address}.`);
}
