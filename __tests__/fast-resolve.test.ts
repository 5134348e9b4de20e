import { App, DefaultTokenResolver, Lazy, StringConcat, TerraformStack, TerraformVariable, Token } from "cdktf";
import * as stackTokens from "cdktf/lib/_tokens";
import { resolve as cdktfResolve } from "cdktf/lib/tokens/private/resolve";
import { Construct } from "constructs";
import { defineEnvironment } from "../stacks/environment";
import { BEGIN_LIST_TOKEN_MARKER, BEGIN_MAP_TOKEN_MARKER, BEGIN_STRING_TOKEN_MARKER } from "cdktf/lib/tokens/private/encoding";
import { resolveLikeCdktf, SHARED_MARKER_END, TOKEN_NUMBER_TEXT, withFastResolve } from "../stacks/fast-resolve";
import { withElementsRenderedOnce } from "../stacks/render-once";
import { environmentNamed } from "./helpers";
import { restoreFastResolve } from "./setup";

// setup.ts serves every suite's synth with the fast path; this one compares it with cdktf's own, so it starts without.
beforeAll(restoreFastResolve);

/** What a call returns, or the message it throws: the two resolves must agree on both. */
function outcome(call: () => unknown): { value: unknown } | { error: string } {
  try {
    return { value: call() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const byCdktf = (scope: Construct, value: unknown, preparing: boolean) =>
  outcome(() => cdktfResolve(value, { scope, preparing, resolver: new DefaultTokenResolver(new StringConcat()), prefix: [] }));
const byFastPath = (scope: Construct, value: unknown, preparing: boolean) => outcome(() => resolveLikeCdktf(scope, value, preparing));

describe("resolveLikeCdktf against cdktf's resolve", () => {
  const app = new App({ outdir: "cdktf.out", skipValidation: true });
  const stack = new TerraformStack(app, "values");
  const variable = new TerraformVariable(stack, "v", {});
  // Made once: a refusal names the token, and each call of a case's function must give the same one.
  const listToken = variable.listValue;
  const numberListToken = Token.asNumberList(variable.value);
  const cycle: Record<string, unknown> = { name: "loop" };
  cycle.self = cycle;

  const cases: [string, () => unknown][] = [
    ["plain data, undefined dropped from objects and arrays", () => ({ a: 1, b: undefined, c: [1, undefined, "x", null, true], d: { e: { f: -0 } } })],
    ["a Date, kept as it is", () => ({ at: new Date(0) })],
    ["strings that look like Terraform but hold no token", () => ["${var.x}", "%{ if a }", "$${escaped}", "1e5", "a|e|b", "10.0.0.0/16"]],
    ["numbers near and at cdktf's token range", () => [0, -1e279, -1e300, Number.MAX_VALUE, -Number.MAX_VALUE, Token.NUMBER_MAP_TOKEN_VALUE + 1]],
    ["a string token inside plain data", () => ({ name: `prefix-${variable.stringValue}-suffix`, deep: [{ list: [variable.stringValue] }] })],
    ["numbers with an exponent in strings, which cdktf's test for number tokens matches", () => ["1e5", "2.5e-3", "x-1.5E7y", "1e+300", `limit ${-1e300}`, "e+"]],
    ["a number token", () => ({ count: variable.numberValue, both: `${variable.numberValue}` })],
    ["number tokens written into strings beside plain numbers", () => [`${variable.numberValue} of 1e5`, `${Token.asNumber(variable.value)}e+1`]],
    ["a list token", () => ({ items: variable.listValue, nested: [variable.listValue] })],
    ["a list of blocks and strings with string tokens among plain items", () => ({ blocks: [{ name: "a", value: variable.stringValue }, "plain", `x-${variable.stringValue}`, undefined, 2, [variable.stringValue, "y", undefined]] })],
    ["a list token beside other items, which cdktf refuses", () => ({ items: ["a", ...listToken] })],
    ["a number list token beside other items, which cdktf refuses", () => ({ items: [...numberListToken, 3] })],
    ["a map token as a key", () => ({ ...Token.asStringMap(variable.value) })],
    ["a token key in a plain object", () => ({ [variable.stringValue]: "value" })],
    ["a Lazy value producing plain data with undefined", () => ({ lazy: Lazy.anyValue({ produce: () => ({ kept: 1, dropped: undefined, inner: [undefined, 2] }) }) })],
    ["a function, which cdktf refuses", () => ({ nested: { fn: () => 1 } })],
    ["a construct, which cdktf refuses", () => ({ nested: [stack] })],
    ["a map token in a scalar place", () => ({ scalar: Token.STRING_MAP_TOKEN_VALUE })],
    ["a map token number in a scalar place", () => ({ scalar: Token.NUMBER_MAP_TOKEN_VALUE })],
    ["a cyclic value, refused at cdktf's depth limit with its path", () => ({ root: cycle })],
  ];

  it.each(cases)("%s: the same result or the same error, preparing or not", (_, value) => {
    for (const preparing of [false, true]) {
      expect(byFastPath(stack, value(), preparing)).toEqual(byCdktf(stack, value(), preparing));
    }
  });

  it("rules out tokens by the text every one of them holds", () => {
    for (const marker of [BEGIN_STRING_TOKEN_MARKER, BEGIN_LIST_TOKEN_MARKER, BEGIN_MAP_TOKEN_MARKER]) expect(marker.endsWith(SHARED_MARKER_END)).toBe(true);
    const numbers = [variable.numberValue, Token.asNumber(variable.value), ...Token.asNumberList(variable.value), Token.asNumber(Lazy.numberValue({ produce: () => 1 }))];
    for (const number of numbers) expect(String(number)).toContain(TOKEN_NUMBER_TEXT);
  });

  it("refuses what cdktf refuses (the error cases above are errors)", () => {
    expect(byFastPath(stack, { fn: () => 1 }, false)).toEqual({ error: expect.stringContaining("/fn") });
    expect(byFastPath(stack, cycle, false)).toEqual({ error: expect.stringMatching(/circular reference/i) });
  });
});

describe("a synth with the fast path", () => {
  /** Every stack of both environments in one app, prepared (cross-stack references) and rendered, as App.synth does. */
  function environmentsJson(synth: (app: App, render: () => Record<string, unknown>) => Record<string, unknown>): Record<string, unknown> {
    const app = new App({ outdir: "cdktf.out", skipValidation: true });
    for (const name of ["staging", "production"]) defineEnvironment(app, environmentNamed(name), { kind: "local" });
    const stacks = app.node.children.filter(TerraformStack.isStack);
    return synth(app, () => {
      for (const stack of stacks) stack.prepareStack();
      return Object.fromEntries(stacks.map((stack) => [stack.node.id, stack.toTerraform()]));
    });
  }

  it("renders every stack of both environments exactly as cdktf does, cross-stack references included", () => {
    // As synthesizePlatform runs it: with each element rendered once too (stacks/render-once.ts).
    const fast = environmentsJson((app, render) => withFastResolve(() => withElementsRenderedOnce(app, render)));
    const original = environmentsJson((_app, render) => render());
    expect(Object.keys(fast).length).toBeGreaterThanOrEqual(12);
    expect(JSON.stringify(fast)).toContain("cross-stack-output-");
    expect(fast).toEqual(original);
  });

  it("resolves the `//` block of a stack's own document and leaves the rest, which cdktf resolved before merging it", () => {
    const app = new App({ outdir: "cdktf.out", skipValidation: true });
    const stack = new TerraformStack(app, "merged");
    const variable = new TerraformVariable(stack, "v", {});
    const token = variable.stringValue;
    const document = { "//": { metadata: { stackName: "merged", backend: "local", cloud: undefined, note: token } }, locals: { left: token } };
    const resolved = withFastResolve(() => stackTokens.resolve(stack, document)) as { "//": { metadata: object }; locals: { left: string } };
    expect(resolved["//"].metadata).toEqual({ stackName: "merged", backend: "local", note: "${var.v}" });
    expect(resolved.locals.left).toBe(token);
    // The same shape in another stack's name, or a document listing the stack's own overrides, is resolved in full.
    for (const metadata of [{ stackName: "other" }, { stackName: "merged", overrides: { stack: ["locals"] } }]) {
      expect(withFastResolve(() => stackTokens.resolve(stack, { "//": { metadata }, locals: { left: token } }))).toEqual({ "//": { metadata }, locals: { left: "${var.v}" } });
    }
  });

  it("writes a stack's own overrides resolved, as cdktf does", () => {
    const synth = (resolveStack: (render: () => unknown) => unknown) => {
      const app = new App({ outdir: "cdktf.out", skipValidation: true });
      const stack = new TerraformStack(app, "overridden");
      const variable = new TerraformVariable(stack, "v", {});
      stack.addOverride("locals.from_variable", variable.stringValue);
      return resolveStack(() => {
        stack.prepareStack();
        return stack.toTerraform();
      });
    };
    const fast = synth((render) => withFastResolve(render)) as { locals: Record<string, unknown> };
    expect(fast.locals.from_variable).toBe("${var.v}");
    expect(fast).toEqual(synth((render) => render()));
  });

  it("puts cdktf's resolve back, also when the synth throws", () => {
    const original = stackTokens.resolve;
    let during: unknown;
    expect(() =>
      withFastResolve(() => {
        during = stackTokens.resolve;
        throw new Error("synth failed");
      }),
    ).toThrow("synth failed");
    expect(during).not.toBe(original);
    expect(stackTokens.resolve).toBe(original);
  });
});
