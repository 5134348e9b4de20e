// From cdktf's tokens module, not its index: the tests install this for every suite (__tests__/setup.ts), and the
// index, half a second to load, is for the suites that build stacks.
import { DefaultTokenResolver, StringConcat, Token, Tokenization } from "cdktf/lib/tokens";
// cdktf's resolve itself, which (unlike Tokenization.resolve) takes the key path its errors and depth limit use.
import { BEGIN_LIST_TOKEN_MARKER, BEGIN_MAP_TOKEN_MARKER, BEGIN_STRING_TOKEN_MARKER, TokenString } from "cdktf/lib/tokens/private/encoding";
import { resolve as cdktfResolve } from "cdktf/lib/tokens/private/resolve";
// cdktf's one funnel for resolving a stack: prepareStack and toTerraform call its `resolve` through this module
// object on every call, so replacing the property serves them all. A namespace import would be a read-only copy.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself, see above
import stackTokens = require("cdktf/lib/_tokens");
import type { IConstruct } from "constructs";
import { withHook } from "./synth-hook";

/** The markers of cdktf's string, list and map tokens, and the strings it refuses in a scalar context. */
const TOKEN_MARKERS = [BEGIN_STRING_TOKEN_MARKER, BEGIN_LIST_TOKEN_MARKER, BEGIN_MAP_TOKEN_MARKER];
/** The end the three markers share (`${TfToken[`, `#{TfToken[`, `&{TfToken[`): one search rules them all out. */
export const SHARED_MARKER_END = "{TfToken[";
/**
 * What the text of every token number holds: cdktf's are below -2^960, which JavaScript writes with an exponent
 * (`-1.8881545897087626e+289`). cdktf's own test for them matches any number with an exponent (`1e5`, `2.5e-3`),
 * and its resolve then returns such a string as it was, so a string without `e+` needs no look.
 */
export const TOKEN_NUMBER_TEXT = "e+";
/** The strings of cdktf's map tokens, compared one by one: a Set would hash every string the walk meets, Helm values too. */
const { STRING_MAP_TOKEN_VALUE, ANY_MAP_TOKEN_VALUE } = Token;
/**
 * cdktf encodes a token as a number in a NaN-free double whose top 16 bits are 0xfdff (a value) or 0xfbff (a list):
 * negative, with a magnitude of at least 2^960. Any number above this bound is a plain number.
 */
const TOKEN_NUMBER_BOUND = -1e280;
/** cdktf's depth limit against cyclic values (resolve.ts): a deeper value is left to cdktf, which refuses it. */
const MAX_DEPTH = 200;

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/**
 * Whether cdktf's resolve could do more with `text` than return it: a token, a token number concatenated into it
 * (cdktf's own test), or a value it refuses.
 */
function mayHoldToken(text: string): boolean {
  return (
    (text.includes(SHARED_MARKER_END) && TOKEN_MARKERS.some((marker) => text.includes(marker))) ||
    text === STRING_MAP_TOKEN_VALUE ||
    text === ANY_MAP_TOKEN_VALUE ||
    (text.includes(TOKEN_NUMBER_TEXT) && TokenString.forNumbers(text).test())
  );
}

function mayBeTokenNumber(value: number): boolean {
  return value <= TOKEN_NUMBER_BOUND || value === Token.NUMBER_MAP_TOKEN_VALUE;
}

/**
 * Whether cdktf resolves `value` as a whole (a token, a tokenized list or map, a construct it refuses). A list is
 * resolved as a whole only when an item is a list token, string or number (resolve.ts: containsStringListTokenElement,
 * containsNumberListTokenElement); any other list cdktf resolves item by item, each with its index on the key path,
 * as the walk does. A list of blocks with one reference in it was handed to cdktf whole: a third of its time there.
 */
function resolvedWhole(value: object): boolean {
  if (Array.isArray(value)) return value.some((item) => (typeof item === "string" ? item.includes(BEGIN_LIST_TOKEN_MARKER) : typeof item === "number" && mayBeTokenNumber(item)));
  if (Tokenization.isResolvable(value)) return true;
  const record = value as Record<string, unknown>;
  if (record._children !== undefined && record._metadata !== undefined) return true;
  return Object.keys(value).some(mayHoldToken);
}

/**
 * `resolve` as cdktf does it (tokens/private/resolve.ts), without its cost where there is nothing to resolve. cdktf
 * builds a resolution context (closures, a copied key path) for every key and item of a stack, and most of a stack
 * is plain data: the providers' attribute objects, mostly undefined, and long strings of Helm values. This walks
 * plain strings, numbers, arrays and objects itself, copying them as cdktf does (undefined dropped from objects and
 * arrays, Dates kept), and hands every value that may hold a token, or that cdktf refuses (a function, a construct,
 * a map token in a scalar place, a cycle), to cdktf's own resolve with its key path. The plain values around such a
 * value give it no context of their own, so its result, its side effects (cross-stack references found while
 * preparing) and its error messages are cdktf's.
 */
export function resolveLikeCdktf(scope: IConstruct, value: unknown, preparing: boolean): unknown {
  const path: string[] = [];
  const byCdktf = (inner: unknown): unknown => cdktfResolve(inner, { scope, preparing, resolver: RESOLVER, prefix: [...path] });
  const walk = (inner: unknown): unknown => {
    // cdktf checks the depth on entering any value, a string too: its error names the path of the first too deep.
    if (path.length > MAX_DEPTH) return byCdktf(inner);
    switch (typeof inner) {
      case "undefined":
      case "boolean":
      case "bigint":
      case "symbol":
        return inner;
      case "string":
        return mayHoldToken(inner) ? byCdktf(inner) : inner;
      case "number":
        return mayBeTokenNumber(inner) ? byCdktf(inner) : inner;
      case "function":
        return byCdktf(inner);
    }
    if (inner === null || inner instanceof Date) return inner;
    if (resolvedWhole(inner as object)) return byCdktf(inner);
    if (Array.isArray(inner)) {
      const items: unknown[] = [];
      inner.forEach((item, index) => {
        path.push(String(index));
        const resolved = walk(item);
        path.pop();
        if (resolved !== undefined) items.push(resolved);
      });
      return items;
    }
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(inner as object)) {
      path.push(key);
      const resolved = walk((inner as Record<string, unknown>)[key]);
      path.pop();
      if (resolved !== undefined) result[key] = resolved;
    }
    return result;
  };
  return walk(value);
}

/**
 * Whether `value`, resolved in `scope`, is the stack's own document, as TerraformStack.toTerraform resolves it last:
 * the `//` block naming the stack (its metadata, built from plain ids and the elements' resolved metadata), and the
 * fragments of its elements, each resolved before they were merged. Only the stack's own overrides (`addOverride` on
 * the stack) are merged in unresolved, and the metadata lists them under `overrides.stack`: then it is not.
 */
function isResolvedStackDocument(scope: IConstruct, value: unknown): value is Record<string, unknown> & { "//": unknown } {
  if (typeof value !== "object" || value === null || !("//" in value)) return false;
  const block = (value as { "//": unknown })["//"];
  if (typeof block !== "object" || block === null || !("metadata" in block)) return false;
  const metadata = block.metadata as { stackName?: unknown; overrides?: { stack?: unknown } } | undefined;
  return metadata?.stackName === scope.node.id && metadata.overrides?.stack === undefined;
}

/**
 * `resolve` as cdktf's stack resolution does it: resolveLikeCdktf, and for the stack's own document (see
 * isResolvedStackDocument) its `//` block alone. The rest of it was resolved once already, and resolving resolved
 * JSON copies it as it is: that last walk over the whole stack was a fortieth of a 122-stack synth.
 */
function resolveStackValue(scope: IConstruct, value: unknown, preparing: boolean): unknown {
  if (preparing || !isResolvedStackDocument(scope, value)) return resolveLikeCdktf(scope, value, preparing);
  return { ...value, "//": resolveLikeCdktf(scope, value["//"], false) };
}

/**
 * Runs `synth` with cdktf's stack resolution (cdktf/lib/_tokens `resolve`, which prepareStack and toTerraform call
 * three times over every element of a stack) served by resolveStackValue: the same JSON, in a fraction of the time.
 * Restored afterwards, even when `synth` throws.
 */
export function withFastResolve<T>(synth: () => T): T {
  return withHook(useFastResolve, synth);
}

/** Serves cdktf's stack resolution by resolveStackValue from now on (the tests, for their whole run); returns the undo. */
export function useFastResolve(): () => void {
  return replaceStackResolve(() => (scope, value, preparing = false) => resolveStackValue(scope, value, preparing));
}

/** cdktf's stack resolution, `resolve(scope, value, preparing = false)` of cdktf/lib/_tokens, without its generic type. */
export type StackResolve = (scope: IConstruct, value: unknown, preparing?: boolean) => unknown;

/**
 * Serves cdktf's stack resolution by what `wrap` makes of the one serving it now (cdktf's own, or a hook installed
 * before); returns the undo, which puts that one back. The one place that replaces it (stacks/render-once.ts wraps
 * this module's).
 */
export function replaceStackResolve(wrap: (current: StackResolve) => StackResolve): () => void {
  const current = stackTokens.resolve;
  const tokens = stackTokens as { resolve: typeof current };
  tokens.resolve = wrap(current) as typeof current;
  return () => {
    tokens.resolve = current;
  };
}
