import { TerraformElement, type App } from "cdktf";
import { onlyGuardrailAspects } from "../guardrails";
import { withHook } from "./synth-hook";

/**
 * Runs `app.synth` with each element rendered (its `toTerraform`) once where cdktf renders it twice: `App.synth`
 * prepares every stack first, rendering each element for the preparing resolve that finds the cross-stack
 * references, then renders it again for the stack's file. In between only the aspects run, and while the guardrails
 * (which change nothing) are the only ones, no element changes: so the second rendering is the first, kept until it
 * is asked for. An element the preparing pass adds (a cross-stack output) is rendered as usual. Undone afterwards,
 * even when the synth throws.
 */
export function withElementsRenderedOnce<T>(app: App, synth: () => T): T {
  return withHook(() => (onlyGuardrailAspects(app) ? keepFirstRenderings(app) : () => undefined), synth);
}

/** Makes the next `toTerraform` of every element under `app` return the one before it; returns the undo. */
function keepFirstRenderings(app: App): () => void {
  const elements = app.node.findAll().filter(TerraformElement.isTerraformElement);
  const restores = elements.map((element) => keepFirstRendering(element));
  return () => {
    for (const restore of restores) restore();
  };
}

/**
 * Serves `element`'s second `toTerraform` from its first, then gives the element its own method back; returns what
 * gives it back early. Set as an own property that is not enumerable, so that nothing walking the element sees it.
 */
function keepFirstRendering(element: TerraformElement): () => void {
  const own = Object.getOwnPropertyDescriptor(element, "toTerraform");
  const render = element.toTerraform;
  const restore = () => {
    if (own) Object.defineProperty(element, "toTerraform", own);
    else delete (element as { toTerraform?: unknown }).toTerraform;
  };
  const serve = (toTerraform: () => unknown) => Object.defineProperty(element, "toTerraform", { configurable: true, writable: true, enumerable: false, value: toTerraform });
  serve(() => {
    const rendered = render.call(element);
    serve(() => {
      restore();
      return rendered;
    });
    return rendered;
  });
  return restore;
}
