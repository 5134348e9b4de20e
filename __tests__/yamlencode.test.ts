import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { App, DefaultTokenResolver, Fn, StringConcat, TerraformOutput, TerraformStack, TerraformVariable, Tokenization } from "cdktf";
import { defineEnvironment } from "../stacks/environment";
import { yamlencode } from "../constructs/core/yamlencode";
import { environmentNamed, type TerraformJson } from "./helpers";

/** Every value the constructs hand to yamlencode while this file builds stacks (named `mock…` for jest.mock). */
const mockEncoded: unknown[] = [];
jest.mock("../constructs/core/yamlencode", () => {
  const actual = jest.requireActual<typeof import("../constructs/core/yamlencode")>("../constructs/core/yamlencode");
  return {
    yamlencode: (value: unknown) => {
      mockEncoded.push(value);
      return actual.yamlencode(value);
    },
  };
});

/** Synthesizes `app` (prepared, as cdktf synth does) into a scratch folder; each stack's JSON by name. */
function synthesized(app: App): Record<string, TerraformJson> {
  app.synth();
  const stacks = app.node.children.filter(TerraformStack.isStack);
  return Object.fromEntries(stacks.map((stack) => [stack.node.id, JSON.parse(readFileSync(path.join(app.outdir, "stacks", stack.node.id, "cdk.tf.json"), "utf8"))]));
}

let outdir: string;
beforeEach(() => {
  outdir = mkdtempSync(path.join(tmpdir(), "yamlencode-"));
});
afterEach(() => rmSync(outdir, { recursive: true, force: true }));

describe("yamlencode", () => {
  it("writes what Fn.yamlencode writes, for plain values of every shape and values holding tokens", () => {
    const app = new App({ outdir });
    const producer = new TerraformStack(app, "producer");
    const consumer = new TerraformStack(app, "consumer");
    const remote = new TerraformVariable(producer, "remote", {});
    const local = new TerraformVariable(consumer, "local", {});
    const values: Record<string, unknown> = {
      scalars: { text: "plain", quoted: '"quoted"', quote: '"', newline: "a\nb", interpolation: "${not.a.reference}", directive: "%{ if x }", unicode: "für", empty: "" },
      numbers: [0, -1.5, 1e21, 3],
      flags: { on: true, off: false, nothing: null, missing: undefined },
      empties: { object: {}, list: [], nested: [[], {}] },
      lists: [{ name: "a", ports: [80, 443] }, "b", [undefined, "after a hole"]],
      keys: { "app.kubernetes.io/name": "x", "with space": 1, "": "empty key" },
      tokens: {
        string: local.stringValue,
        inText: `prefix-${local.stringValue}-suffix`,
        number: local.numberValue,
        list: local.listValue,
        functions: Fn.join(",", Fn.concat([local.listValue, ["10.0.0.0/16"]])),
        crossStack: { deep: [{ value: remote.stringValue }, { list: remote.listValue }] },
      },
    };
    new TerraformOutput(consumer, "ours", { value: yamlencode(values) });
    new TerraformOutput(consumer, "cdktf", { value: Fn.yamlencode(values) });
    new TerraformOutput(consumer, "plain-only", { value: yamlencode({ only: values.scalars, list: values.lists }) });
    new TerraformOutput(consumer, "plain-only-cdktf", { value: Fn.yamlencode({ only: values.scalars, list: values.lists }) });

    const { consumer: json } = synthesized(app);
    expect(json.output.ours.value).toContain("cross-stack-reference-input-producer");
    expect(json.output.ours.value).toBe(json.output.cdktf.value);
    expect(json.output["plain-only"].value).toBe(json.output["plain-only-cdktf"].value);
  });

  it("writes the platform stack's Helm values as Fn.yamlencode writes them", () => {
    mockEncoded.length = 0;
    const app = new App({ outdir });
    defineEnvironment(app, environmentNamed("production"), { kind: "local" });
    const stacks = synthesized(app);
    const platform = app.node.children.filter(TerraformStack.isStack).find((stack) => stack.node.id.includes("-platform-")) as TerraformStack;
    const written = Object.values(stacks[platform.node.id].resource.helm_release as Record<string, { values?: string[] }>)
      .flatMap((release) => release.values ?? [])
      .filter((text) => text.startsWith("${yamlencode("));
    // The ingress overrides and the scrape jobs.
    expect(mockEncoded).toHaveLength(2);
    const resolver = new DefaultTokenResolver(new StringConcat());
    const byCdktf = mockEncoded.map((value) => Tokenization.resolve(Fn.yamlencode(value), { scope: platform, preparing: false, resolver }) as string);
    expect(written.sort()).toEqual(byCdktf.sort());
  });
});
