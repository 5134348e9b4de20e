import { parse, stringify, type CreateNodeOptions, type DocumentOptions, type SchemaOptions, type ToStringOptions } from "yaml";
import { terraformLiteral } from "./terraform-literal";

/** The options of the `yaml` package's stringify that the project's documents use. */
export type YamlDocumentOptions = DocumentOptions & SchemaOptions & CreateNodeOptions & ToStringOptions;

/**
 * Every YAML document this process wrote with yamlDocument or read with yamlData, by its text: the data `parse`
 * returns for it, frozen because it is shared. A synth writes each environment's Helm values once and the guardrails
 * read every one back (CP-DATA-004); parsing was a tenth of a synth's CPU.
 */
const DOCUMENTS = new Map<string, unknown>();

/**
 * A document made from a value has no directives to write, but the package walks all of it to find the tags that
 * would need one (`Directives.toString`), a tenth of the time it takes to write it. `false` skips the walk; the text
 * is the same (`__tests__/yaml-document.test.ts`).
 */
const WITHOUT_DIRECTIVES: YamlDocumentOptions = { directives: false };

/**
 * `value` as the `yaml` package writes it, remembered, so that yamlData of the text (the guardrails reading the
 * Helm values back) returns a copy of `value` instead of parsing it. Only JSON data is remembered, which the
 * package reads back as it was written (`__tests__/platform-stack.test.ts` holds this for every values document);
 * a text that changes afterwards (escaped for Terraform, or holding a token that resolves) is parsed when read.
 */
export function yamlDocument(value: unknown, options?: YamlDocumentOptions): string {
  const text = stringify(value, { ...WITHOUT_DIRECTIVES, ...options });
  if (!DOCUMENTS.has(text)) {
    const data = jsonCopy(value);
    if (data !== NOT_JSON) DOCUMENTS.set(text, data);
  }
  return text;
}

/**
 * yamlDocument's text as a string Terraform passes through unchanged (terraformLiteral: `${` and `%{` escaped), for
 * Helm values that hold them (Loki's `${LOKI_S3_ACCESS_KEY_ID}`). Its data is remembered too, as the data of the text
 * with the same escape in every key and string. That holds when each `${` and `%{` of the text lies inside one
 * scalar: the package writes `$`, `%` and `{` as they are in every style of scalar, writes no directive, and never
 * writes `{` right after a scalar (a flow collection follows `: `, `- `, `[` or `, `). But a long double-quoted
 * scalar may be folded between `$` and `{`, so the data is remembered only when the text holds as many of them as
 * its keys and strings do: none was split (`__tests__/yaml-document.test.ts`).
 */
export function terraformYamlDocument(value: unknown, options?: YamlDocumentOptions): string {
  const text = yamlDocument(value, options);
  const literal = terraformLiteral(text);
  if (literal === text || DOCUMENTS.has(literal)) return literal;
  let escapes = 0;
  const data = jsonCopy(value, (part) => {
    const escaped = terraformLiteral(part);
    escapes += escaped.length - part.length;
    return escaped;
  });
  if (data !== NOT_JSON && escapes === literal.length - text.length) DOCUMENTS.set(literal, data);
  return literal;
}

/** What `parse(text)` returns, from memory when this process wrote or read the same text before; frozen. */
export function yamlData(text: string): unknown {
  if (DOCUMENTS.has(text)) return DOCUMENTS.get(text);
  const data = deepFreeze(parse(text) as unknown);
  DOCUMENTS.set(text, data);
  return data;
}

/** Whether yamlData(text) would be served from memory (for the test that holds memory to `parse`). */
export function isRemembered(text: string): boolean {
  return DOCUMENTS.has(text);
}

const NOT_JSON = Symbol("not JSON data");

/**
 * A frozen copy of `value` if it is JSON data (strings, finite numbers, booleans, null, arrays and plain objects of
 * them), with the object keys whose value is undefined left out, as stringify leaves them out; NOT_JSON otherwise.
 * `textOf` maps every key and string of the copy (terraformYamlDocument's escape).
 */
function jsonCopy(value: unknown, textOf: (text: string) => string = (text) => text): unknown {
  switch (typeof value) {
    case "string":
      return textOf(value);
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : NOT_JSON;
    case "object":
      break;
    default:
      return NOT_JSON;
  }
  if (value === null) return null;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const copy = item === undefined ? NOT_JSON : jsonCopy(item, textOf);
      if (copy === NOT_JSON) return NOT_JSON;
      items.push(copy);
    }
    return Object.freeze(items);
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return NOT_JSON;
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    // An own "__proto__" key would set the copy's prototype instead of a property.
    if (key === "__proto__") return NOT_JSON;
    const itemCopy = jsonCopy(item, textOf);
    if (itemCopy === NOT_JSON) return NOT_JSON;
    copy[textOf(key)] = itemCopy;
  }
  return Object.freeze(copy);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
