import { readFileSync } from "fs";
import * as path from "path";
import { Lazy } from "cdktf";
import { readRuntimeOptions } from "../config/runtime";
import { withoutTokenTraces } from "../stacks/token-traces";
import { problemsOf } from "./helpers";
import { restoreTokenTraces } from "./setup";

// setup.ts skips the traces for every suite; this one checks the skip, so it starts without it.
beforeAll(restoreTokenTraces);

/** The creation trace cdktf keeps in a token (Intrinsic and Lazy both name it creationStack). */
const traceOf = (token: unknown) => (token as { creationStack: string[] }).creationStack;
const lazyToken = () => Lazy.anyValue({ produce: () => "x" });

describe("synth without cdktf's token creation traces", () => {
  it("creates tokens without a trace inside, with one outside", () => {
    expect(traceOf(withoutTokenTraces(lazyToken))).toEqual([]);
    expect(traceOf(lazyToken()).length).toBeGreaterThan(0);
  });

  it("keeps the traces when asked (CRYPTOPULSE_TOKEN_TRACES=true)", () => {
    expect(traceOf(withoutTokenTraces(lazyToken, true)).length).toBeGreaterThan(0);
  });

  it("keeps every other stack trace: an error thrown inside has its stack", () => {
    const error = withoutTokenTraces(() => new Error("inside"));
    expect(error.stack).toMatch(/^Error: inside\n\s+at /);
    const target: { stack?: string } = {};
    withoutTokenTraces(() => Error.captureStackTrace(target));
    expect(target.stack).toMatch(/\n\s+at /);
  });

  it("restores Error.captureStackTrace, also when the synth throws", () => {
    const original = Error.captureStackTrace;
    expect(() =>
      withoutTokenTraces(() => {
        throw new Error("synth failed");
      }),
    ).toThrow("synth failed");
    expect(Error.captureStackTrace).toBe(original);
  });
});

describe("CRYPTOPULSE_TOKEN_TRACES", () => {
  it.each([
    [undefined, undefined],
    ["false", undefined],
    ["true", true],
  ])("%p gives tokenTraces %p", (value, expected) => {
    expect(readRuntimeOptions({ CRYPTOPULSE_TOKEN_TRACES: value }, ["staging"]).tokenTraces).toBe(expected);
  });

  it("refuses any other value in one line", () => {
    expect(problemsOf(() => readRuntimeOptions({ CRYPTOPULSE_TOKEN_TRACES: "yes" }, ["staging"]))).toEqual([
      'CRYPTOPULSE_TOKEN_TRACES = "yes": true (record where every token was created, for debugging) or false',
    ]);
  });

  it("is documented with the other runtime settings", () => {
    const docs = readFileSync(path.join(__dirname, "..", "docs", "configuration.md"), "utf8");
    expect(docs).toMatch(/^\| `CRYPTOPULSE_TOKEN_TRACES` \| `false` \| /m);
  });
});
