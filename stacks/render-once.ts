import { TerraformElement, type App } from "cdktf";
import type { IConstruct } from "constructs";
import { onlyGuardrailAspects } from "../guardrails";
import { replaceStackResolve } from "./fast-resolve";
import { withHook } from "./synth-hook";

/**
 * Runs `app.synth` with each element rendered (its `toTerraform`) and resolved once where cdktf does both twice:
 * `App.synth` prepares every stack first, rendering and resolving each element for the preparing resolve that finds
 * the cross-stack references, then renders and resolves it again for the stack's file. In between only the aspects
 * run, and while the guardrails (which change nothing) are the only ones, no element changes: so the second
 * rendering is the first, kept until it is asked for, and so is its resolution. A preparing resolve differs from the
 * later one only in registering each cross-stack reference it meets (cdktf's Reference.resolve), and it returns what
 * the later one would. An element the preparing pass adds (a cross-stack output) is rendered and resolved as usual.
 * Undone afterwards, even when the synth throws.
 *
 * What this cannot see is a `Lazy` value whose production depends on what preparing the other stacks adds: it would
 * be served as the preparing pass produced it. cdktf's own produce from the resolve context alone, as does the
 * project's `yamlencode`; `__tests__/fast-resolve.test.ts` holds every stack of both environments, synthesized this
 * way, to cdktf's own two passes.
 */
export function withElementsRenderedOnce<T>(app: App, synth: () => T): T {
  return withHook(() => (onlyGuardrailAspects(app) ? keepFirstRenderings(app) : () => undefined), synth);
}

/** Makes the next `toTerraform` of every element under `app`, and its resolution, the one before it; returns the undo. */
function keepFirstRenderings(app: App): () => void {
  const renderings = new WeakSet<object>();
  const elements = app.node.findAll().filter(TerraformElement.isTerraformElement);
  const restores = elements.map((element) => keepFirstRendering(element, renderings));
  const restoreResolve = keepFirstResolutions(renderings);
  return () => {
    restoreResolve();
    for (const restore of restores) restore();
  };
}

/**
 * Serves `element`'s second `toTerraform` from its first, then gives the element its own method back; returns what
 * gives it back early. Set as an own property that is not enumerable, so that nothing walking the element sees it.
 * The kept rendering goes into `renderings`.
 */
function keepFirstRendering(element: TerraformElement, renderings: WeakSet<object>): () => void {
  const own = Object.getOwnPropertyDescriptor(element, "toTerraform");
  const render = element.toTerraform;
  const restore = () => {
    if (own) Object.defineProperty(element, "toTerraform", own);
    else delete (element as { toTerraform?: unknown }).toTerraform;
  };
  const serve = (toTerraform: () => unknown) => Object.defineProperty(element, "toTerraform", { configurable: true, writable: true, enumerable: false, value: toTerraform });
  serve(() => {
    const rendered = render.call(element);
    renderings.add(rendered);
    serve(() => {
      restore();
      return rendered;
    });
    return rendered;
  });
  return restore;
}

/**
 * Serves the second resolve of a kept rendering, in the stack that prepared it, from its preparing resolve: the
 * result cdktf would have thrown away. Each is served once, as each rendering is. Returns the undo.
 */
function keepFirstResolutions(renderings: WeakSet<object>): () => void {
  const prepared = new WeakMap<object, { scope: IConstruct; resolved: unknown }>();
  return replaceStackResolve((resolve) => (scope, value, preparing = false) => {
    if (typeof value !== "object" || value === null || !renderings.has(value)) return resolve(scope, value, preparing);
    const first = prepared.get(value);
    prepared.delete(value);
    if (!preparing && first?.scope === scope) return first.resolved;
    const resolved = resolve(scope, value, preparing);
    if (preparing) prepared.set(value, { scope, resolved });
    return resolved;
  });
}
