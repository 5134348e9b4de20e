import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { App, Aspects, TerraformOutput, TerraformStack, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { applyGuardrails } from "../guardrails";
import { stackBlocks } from "../guardrails/blocks";
import type { JsonObject } from "../guardrails/json";
import { synthesizePlatform } from "../stacks/platform-app";

/**
 * The guardrails evaluate each stack's toTerraform() and hand that JSON to
 * cdktf to write, instead of resolving every stack twice. What is written must
 * stay exactly what cdktf itself would write, also when another aspect changes
 * a stack after the guardrails' batch has evaluated it.
 */
function twoStacks(aspect?: IAspect) {
  const outdir = path.join(mkdtempSync(path.join(tmpdir(), "cryptopulse-written-")), "out");
  const app = new App({ outdir, stackTraces: false });
  const stacks = ["first", "second"].map((name) => {
    const stack = new TerraformStack(app, name);
    new TerraformOutput(stack, "greeting", { value: `hello from ${name}` });
    applyGuardrails(stack, { tier: "staging" });
    return stack;
  });
  if (aspect) Aspects.of(stacks[1]).add(aspect);
  app.synth();
  const written = (stack: TerraformStack) => JSON.parse(readFileSync(path.join(outdir, "stacks", stack.node.id, "cdk.tf.json"), "utf8"));
  return { stacks, written };
}

/** Rewrites every output's value: an aspect that changes its stack after the guardrails ran. */
class Rewrite implements IAspect {
  visit(node: IConstruct): void {
    if (node instanceof TerraformOutput) node.value = "rewritten";
  }
}

describe("the JSON the guardrails evaluated is the JSON written", () => {
  it("writes what cdktf's own toTerraform gives", () => {
    const { stacks, written } = twoStacks();
    for (const stack of stacks) expect(written(stack)).toEqual(TerraformStack.prototype.toTerraform.call(stack));
  });

  it("writes a change another aspect makes after the guardrails' batch", () => {
    const { stacks, written } = twoStacks(new Rewrite());
    expect(written(stacks[1]).output.greeting.value).toBe("rewritten");
    expect(written(stacks[0]).output.greeting.value).toBe("hello from first");
  });
});

describe("blocks read from the written JSON", () => {
  it("are the blocks each element resolves to on its own, for every staging stack", () => {
    const outdir = path.join(mkdtempSync(path.join(tmpdir(), "cryptopulse-written-")), "out");
    const app = synthesizePlatform({ env: { CRYPTOPULSE_ENVIRONMENTS: "staging" }, outdir });
    const stacks = app.node.findAll().filter(TerraformStack.isStack);
    expect(stacks.length).toBeGreaterThan(0);
    const comparable = (blocks: ReturnType<typeof stackBlocks>) => blocks.map(({ construct, ...block }) => ({ ...block, construct: construct.node.path }));
    for (const stack of stacks) {
      const written = TerraformStack.prototype.toTerraform.call(stack) as JsonObject;
      expect(comparable(stackBlocks(stack, written))).toStrictEqual(comparable(stackBlocks(stack)));
    }
  });
});
