import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { App, Aspects, TerraformDataSource, TerraformElement, TerraformLocal, TerraformOutput, TerraformResource, TerraformStack, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { DataTlsPublicKey } from "@cdktf/provider-tls/lib/data-tls-public-key";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { TlsProvider } from "@cdktf/provider-tls/lib/provider";
import { withElementsRenderedOnce } from "../stacks/render-once";
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object whose `resolve` the synth calls
import stackTokens = require("cdktf/lib/_tokens");

/**
 * Two stacks, one reading the other's key (a cross-stack reference, found by the preparing pass, which adds an
 * output and a remote state): resources, a data source, outputs. Every stack of both environments is held to
 * cdktf's own synth in fast-resolve.test.ts, with each element rendered once as synthesizePlatform does it.
 */
function twoStackApp(): App {
  const app = new App({ outdir: "cdktf.out", skipValidation: true });
  const keys = new TerraformStack(app, "keys");
  new TlsProvider(keys, "tls");
  const key = new PrivateKey(keys, "key", { algorithm: "ED25519" });
  const reader = new TerraformStack(app, "reader");
  new TlsProvider(reader, "tls");
  const publicKey = new DataTlsPublicKey(reader, "public", { privateKeyPem: key.privateKeyPem });
  const second = new PrivateKey(reader, "second", { algorithm: "RSA", rsaBits: 2048 });
  new TerraformOutput(reader, "fingerprints", { value: [publicKey.publicKeyFingerprintSha256, second.publicKeyFingerprintSha256], sensitive: true });
  return app;
}

/** What App.synth renders, in its order: every stack prepared, then every stack's JSON. */
function prepareAndRender(app: App): Record<string, unknown> {
  const stacks = app.node.children.filter(TerraformStack.isStack);
  for (const stack of stacks) stack.prepareStack();
  return Object.fromEntries(stacks.map((stack) => [stack.node.id, stack.toTerraform()]));
}

/**
 * Counts the renderings of resources and data sources, and the stack resolutions that reach the resolve installed
 * now, from now until the returned function is called.
 */
const renders = () => {
  const resources = jest.spyOn(TerraformResource.prototype, "toTerraform");
  const dataSources = jest.spyOn(TerraformDataSource.prototype, "toTerraform");
  const resolves = jest.spyOn(stackTokens, "resolve");
  return () => {
    const counts = { renders: resources.mock.calls.length + dataSources.mock.calls.length, resolves: resolves.mock.calls.length };
    resources.mockRestore();
    dataSources.mockRestore();
    resolves.mockRestore();
    return counts;
  };
};

describe("a synth with each element rendered once", () => {
  it("renders every stack as cdktf does, each element rendered and resolved once instead of twice", () => {
    const plainApp = twoStackApp();
    const countPlain = renders();
    const plain = prepareAndRender(plainApp);
    const plainCounts = countPlain();

    const app = twoStackApp();
    const countOnce = renders();
    const once = withElementsRenderedOnce(app, () => prepareAndRender(app));
    const onceCounts = countOnce();

    expect(JSON.stringify(once)).toContain("cross-stack-output-");
    expect(once).toEqual(plain);
    expect(plainCounts.renders).toBe(6); // three resources and data sources, twice each
    expect(onceCounts.renders * 2).toBe(plainCounts.renders);
    // The elements there before the synth: two providers, three resources and data sources, one output. The two
    // the preparing pass adds (the cross-stack output and remote state) are resolved only after it, once anyway.
    const elementsBefore = twoStackApp().node.findAll().filter(TerraformElement.isTerraformElement).length;
    expect(elementsBefore).toBe(6);
    expect(onceCounts.resolves).toBe(plainCounts.resolves - elementsBefore);
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
