import { Fn, Lazy, Tokenization, type IResolvable, type IResolveContext } from "cdktf";
import type { IConstruct } from "constructs";
// cdktf's expression classes, for the one method they all render an argument with: TFExpression, their base, is
// not exported, OperatorExpression is.
import { OperatorExpression } from "cdktf/lib/tfExpression";

/** cdktf's TFExpression.prototype: `resolveExpressionPart(context, arg)` renders `arg` as an HCL expression. */
const EXPRESSION = Object.getPrototypeOf(OperatorExpression.prototype) as { resolveExpressionPart(context: IResolveContext, arg: unknown): string };

/**
 * `Fn.yamlencode(value)`, written exactly as cdktf writes it, in a time that grows with the size of `value` and not
 * with its size times its depth. cdktf renders a function's argument by resolving it in full, then each of its
 * members in full again, level by level down (TFExpression.resolveExpressionPart), and the functions and references
 * inside with it: the Helm values given to `yamlencode` (the ingress overrides, the scrape jobs) cost a tenth of a
 * 122-stack synth. Each object and array of `value` is handed to cdktf instead as a value that renders its members
 * once, with cdktf's own method, for each stack and pass that resolves it, and returns that text whenever it is
 * resolved again there. A reference renders the same within one stack and pass (cross-stack ones included: the
 * preparing pass finds them as it renders them), and so do plain data and functions of them; a `Lazy` value inside
 * would be produced once per stack and pass too. `__tests__/yamlencode.test.ts` holds the text to `Fn.yamlencode`'s.
 */
export function yamlencode(value: unknown): string {
  return Fn.yamlencode(renderedOnce(value));
}

/** `value`, with each plain object and array in it (its members first) replaced by one that renders once. */
function renderedOnce(value: unknown): unknown {
  if (Array.isArray(value)) return renderOnce(value.map(renderedOnce));
  if (!isPlainObject(value)) return value;
  return renderOnce(Object.fromEntries(Object.entries(value).map(([key, member]) => [key, renderedOnce(member)])));
}

/** A value that renders `members` as cdktf renders an argument, once for each scope, pass and set of flags. */
function renderOnce(members: object): IResolvable {
  const texts = new WeakMap<IConstruct, Map<string, string>>();
  return Lazy.anyValue({
    produce: (context: IResolveContext) => {
      let byPass = texts.get(context.scope);
      if (!byPass) {
        byPass = new Map();
        texts.set(context.scope, byPass);
      }
      const pass = `${context.preparing}/${context.suppressBraces}/${context.ignoreEscapes}/${context.warnEscapes}`;
      let text = byPass.get(pass);
      if (text === undefined) {
        text = EXPRESSION.resolveExpressionPart.call(EXPRESSION, context, members);
        byPass.set(pass, text);
      }
      // cdktf resolves what a token returns once more, with this context: the text, which cdktf would have resolved
      // only as part of the whole expression, after the function's rendering. Without a warning about escapes there
      // (a string mixing text and a token renders as `"text-${<token>}"`), as then.
      context.warnEscapes = false;
      return text;
    },
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Tokenization.isResolvable(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
