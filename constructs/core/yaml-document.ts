import { stringify, type CreateNodeOptions, type DocumentOptions, type SchemaOptions, type ToStringOptions } from "yaml";
import { parseCached } from "./parsed-yaml-cache";
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
 * The texts yamlDocument wrote, by documentKey of their value and options. Environments and regions share most of
 * their Helm values documents (the log shipper's, the ingress controller's base, those of a cloned environment), and
 * writing them was a tenth of a synth's CPU at 20 environments.
 */
const TEXTS = new Map<string, string>();

/**
 * `value` as the `yaml` package writes it, remembered, so that yamlData of the text (the guardrails reading the
 * Helm values back) returns a copy of `value` instead of parsing it. Only JSON data is remembered, which the
 * package reads back as it was written (`__tests__/platform-stack.test.ts` holds this for every values document);
 * a text that changes afterwards (escaped for Terraform, or holding a token that resolves) is parsed when read.
 * The text of JSON data written before, under the same options, is served from memory.
 */
export function yamlDocument(value: unknown, options?: YamlDocumentOptions): string {
  const key = documentKey(value, options);
  const known = key === undefined ? undefined : TEXTS.get(key);
  if (known !== undefined) return known;
  const text = stringify(value, { ...WITHOUT_DIRECTIVES, ...options });
  if (key !== undefined) TEXTS.set(key, text);
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

/**
 * What `parse(text)` returns, from memory when this process wrote or read the same text before, else from the
 * parsed-YAML cache of earlier runs (parseCached); frozen.
 */
export function yamlData(text: string): unknown {
  if (DOCUMENTS.has(text)) return DOCUMENTS.get(text);
  const data = deepFreeze(parseCached(text));
  DOCUMENTS.set(text, data);
  return data;
}

/** Whether yamlData(text) would be served from memory (for the test that holds memory to `parse`). */
export function isRemembered(text: string): boolean {
  return DOCUMENTS.has(text);
}

const NOT_JSON = Symbol("not JSON data");

/**
 * A text that is the same for two values, under the same options, only when the package writes them alike: their
 * JSON, and where the same object or array occurs again (the package writes an alias to its first occurrence, so
 * `{ a: x, b: x }` is not written as `{ a: {...x}, b: {...x} }` is). Undefined for anything but JSON data, which
 * JSON does not tell apart as the package does (a Map, a class instance, NaN, -0, a Date: the package writes the
 * text its toJSON returns, as JSON does, but an alias where the same Date repeats), and for options that are not
 * JSON either.
 */
function documentKey(value: unknown, options: YamlDocumentOptions | undefined): string | undefined {
  const occurrences = new Map<object, number>();
  const aliases: string[] = [];
  let plain = true;
  const replacer = function (this: unknown, key: string, member: unknown): unknown {
    // The member as it is, before JSON.stringify calls its toJSON (a Date's) and hands the result here.
    const original = (this as Record<string, unknown>)[key];
    if (typeof original === "object" && original !== null) {
      if (!isPlainContainer(original)) plain = false;
      const first = occurrences.get(original);
      if (first === undefined) occurrences.set(original, occurrences.size);
      else aliases.push(`${occurrences.size}=${first}`);
    } else if (!isJsonScalar(original)) {
      plain = false;
    }
    return plain ? member : undefined;
  };
  let json: string;
  try {
    json = JSON.stringify({ options: options ?? null, value }, replacer);
  } catch {
    return undefined; // a cycle or a BigInt, which JSON.stringify refuses
  }
  return plain ? `${aliases.join(",")}\n${json}` : undefined;
}

/** An array, or an object of Object's own prototype (or none) without a toJSON of its own. */
function isPlainContainer(value: object): boolean {
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return (prototype === Object.prototype || prototype === null) && !("toJSON" in value);
}

/** A string, a boolean, null, undefined (left out of an object, null in a list, by both), a finite number but -0. */
function isJsonScalar(value: unknown): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
    case "undefined":
      return true;
    case "number":
      return Number.isFinite(value) && !Object.is(value, -0);
    default:
      return value === null;
  }
}

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
