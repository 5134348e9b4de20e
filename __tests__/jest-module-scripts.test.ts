// The sharing of compiled modules between suites (jest-module-scripts.cjs), against vm.compileFunction, which jest's
// own compile uses: the same behaviour and the same stack positions, one compilation per source.
import * as vm from "vm";
import { ModuleScripts, WorkerFileTexts } from "./jest-module-scripts.cjs";

const PARAMETERS = ["module", "exports", "require", "__dirname", "__filename", "jest"];

/** Runs `moduleFunction` as jest runs a module: its exports. */
function run(moduleFunction: (...args: unknown[]) => void): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  moduleFunction.call(module.exports, module, module.exports, require, "/pkg", "/pkg/index.js", undefined);
  return module.exports;
}

const COUNTER = "globalThis.loads = (globalThis.loads ?? 0) + 1; exports.loads = globalThis.loads; exports.fail = () => { throw new Error('here'); };";

describe("ModuleScripts", () => {
  test("compiles a source once and evaluates it afresh in each context, with its own state", () => {
    const scripts = new ModuleScripts();
    const first = vm.createContext({});
    const second = vm.createContext({});
    expect(run(scripts.moduleFunction(COUNTER, "/pkg/index.js", PARAMETERS, first)).loads).toBe(1);
    expect(run(scripts.moduleFunction(COUNTER, "/pkg/index.js", PARAMETERS, first)).loads).toBe(2);
    expect(run(scripts.moduleFunction(COUNTER, "/pkg/index.js", PARAMETERS, second)).loads).toBe(1);
    expect(scripts.compiled).toBe(1);
  });

  test("compiles again for another source, file or parameter list", () => {
    const scripts = new ModuleScripts();
    const context = vm.createContext({});
    scripts.moduleFunction(COUNTER, "/pkg/index.js", PARAMETERS, context);
    scripts.moduleFunction(`${COUNTER} exports.other = true;`, "/pkg/index.js", PARAMETERS, context);
    scripts.moduleFunction(COUNTER, "/pkg/other.js", PARAMETERS, context);
    scripts.moduleFunction(COUNTER, "/pkg/other.js", [...PARAMETERS, "extra"], context);
    expect(scripts.compiled).toBe(4);
    expect(run(scripts.moduleFunction(`${COUNTER} exports.other = true;`, "/pkg/index.js", PARAMETERS, context)).other).toBe(true);
  });

  test("leaves a dynamic import() and a hashbang line to jest's own compile", () => {
    const scripts = new ModuleScripts();
    const context = vm.createContext({});
    expect(scripts.moduleFunction("exports.later = () => import('x');", "/pkg/a.js", PARAMETERS, context)).toBeUndefined();
    expect(scripts.moduleFunction("#!/usr/bin/env node\nexports.x = 1;", "/pkg/b.js", PARAMETERS, context)).toBeUndefined();
    expect(scripts.compiled).toBe(0);
  });

  test("reports the stack positions jest's compile reports, on the first line too", () => {
    const frame = (moduleFunction: (...args: unknown[]) => void) => {
      try {
        (run(moduleFunction).fail as () => void)();
      } catch (error) {
        return String((error as Error).stack).split("\n")[1];
      }
      throw new Error("did not throw");
    };
    const context = vm.createContext({});
    const shared = frame(new ModuleScripts().moduleFunction(COUNTER, "/pkg/index.js", PARAMETERS, context));
    expect(shared).toBe(frame(vm.compileFunction(COUNTER, PARAMETERS, { filename: "/pkg/index.js", parsingContext: context }) as (...args: unknown[]) => void));
    expect(shared).toContain(`/pkg/index.js:1:${COUNTER.indexOf("new Error") + 1}`);
  });
});

describe("WorkerFileTexts", () => {
  test("keeps package files in the worker's map and the rest, the test file included, in the suite's", () => {
    const packageTexts = new Map([["/repo/node_modules/cdktf/lib/index.js", "cdktf"]]);
    const texts = new WorkerFileTexts([["/repo/__tests__/a.test.ts", "test"]], packageTexts);
    texts.set("/repo/node_modules/yaml/index.js", "yaml");
    texts.set("/repo/node_modules/.cache/app/main.js", "bundle");
    texts.set("/repo/stacks/edge-stack.ts", "source");
    expect(texts.get("/repo/__tests__/a.test.ts")).toBe("test");
    expect(texts.get("/repo/node_modules/cdktf/lib/index.js")).toBe("cdktf");
    expect([...packageTexts.keys()]).toEqual(["/repo/node_modules/cdktf/lib/index.js", "/repo/node_modules/yaml/index.js"]);
    expect([...texts.keys()].sort()).toEqual(["/repo/__tests__/a.test.ts", "/repo/node_modules/.cache/app/main.js", "/repo/stacks/edge-stack.ts"]);
    expect(new WorkerFileTexts([], packageTexts).get("/repo/node_modules/yaml/index.js")).toBe("yaml");
  });
});
