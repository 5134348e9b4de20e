import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { App, Aspects, TerraformDataSource, TerraformElement, TerraformLocal, TerraformOutput, TerraformResource, TerraformStack, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { defineEnvironment } from "../stacks/environment";
import { withElementsRenderedOnce } from "../stacks/render-once";
import { environmentNamed } from "./helpers";

/** The production environment, as synthesizePlatform builds it (cross-stack references between its stacks). */
function productionApp(): App {
  const app = new App({ outdir: "cdktf.out", skipValidation: true });
  defineEnvironment(app, environmentNamed("production"), { kind: "local" });
  return app;
}

/** What App.synth renders, in its order: every stack prepared, then every stack's JSON. */
function prepareAndRender(app: App): Record<string, unknown> {
  const stacks = app.node.children.filter(TerraformStack.isStack);
  for (const stack of stacks) stack.prepareStack();
  return Object.fromEntries(stacks.map((stack) => [stack.node.id, stack.toTerraform()]));
}

const renders = () => {
  const resources = jest.spyOn(TerraformResource.prototype, "toTerraform");
  const dataSources = jest.spyOn(TerraformDataSource.prototype, "toTerraform");
  return () => {
    const count = resources.mock.calls.length + dataSources.mock.calls.length;
    resources.mockRestore();
    dataSources.mockRestore();
    return count;
  };
};

describe("a synth with each element rendered once", () => {
  it("renders every stack of an environment as cdktf does, each resource and data source once instead of twice", () => {
    const plainApp = productionApp();
    const countPlain = renders();
    const plain = prepareAndRender(plainApp);
    const plainRenders = countPlain();

    const app = productionApp();
    const countOnce = renders();
    const once = withElementsRenderedOnce(app, () => prepareAndRender(app));
    const onceRenders = countOnce();

    expect(JSON.stringify(once)).toContain("cross-stack-output-");
    expect(once).toEqual(plain);
    expect(plainRenders).toBeGreaterThan(250);
    expect(onceRenders * 2).toBe(plainRenders);
  });

  it("renders again where another aspect may have changed an element after the preparing pass", () => {
    const outdir = mkdtempSync(path.join(tmpdir(), "render-once-"));
    try {
      const app = new App({ outdir });
      const stack = new TerraformStack(app, "stack");
      const output = new TerraformOutput(stack, "greeting", { value: "hello", description: "as built" });
      const relabel: IAspect = {
        visit: (node: IConstruct) => {
          if (node === output) output.description = "changed by an aspect";
        },
      };
      Aspects.of(stack).add(relabel);
      withElementsRenderedOnce(app, () => app.synth());
      const written = JSON.parse(readFileSync(path.join(outdir, "stacks", "stack", "cdk.tf.json"), "utf8"));
      expect(written.output.greeting.description).toBe("changed by an aspect");
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it("gives every element its own toTerraform back, also when the synth throws", () => {
    const app = new App({ outdir: "cdktf.out", skipValidation: true });
    const stack = new TerraformStack(app, "stack");
    for (const name of ["first", "second"]) new TerraformOutput(stack, name, { value: name });
    new TerraformLocal(stack, "local", "value");
    const elements = app.node.findAll().filter(TerraformElement.isTerraformElement);
    const served = () => elements.filter((element) => Object.getOwnPropertyDescriptor(element, "toTerraform") !== undefined);
    let during = 0;
    expect(() =>
      withElementsRenderedOnce(app, () => {
        during = served().length;
        throw new Error("synth failed");
      }),
    ).toThrow("synth failed");
    expect(during).toBe(elements.length);
    expect(during).toBe(3);
    expect(served()).toEqual([]);
  });
});
