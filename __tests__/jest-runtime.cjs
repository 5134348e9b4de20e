// Jest's runtime (jest.config.js `runtime`), with each module compiled once per worker and each package file read
// once per worker, instead of once per suite (__tests__/jest-module-scripts.cjs says how and why). It reaches into
// jest-runtime's module executor, so a jest that no longer has one fails every suite with the line below.
const { default: Runtime } = require("jest-runtime");
const { ModuleScripts, WorkerFileTexts } = require("./jest-module-scripts.cjs");

const scripts = new ModuleScripts();
const packageTexts = new Map();

class SharedCompileRuntime extends Runtime {
  constructor(config, environment, resolver, transformer, cacheFS, ...rest) {
    super(config, environment, resolver, transformer, new WorkerFileTexts(cacheFS, packageTexts), ...rest);
    const { executor } = this;
    if (typeof executor?.compile !== "function" || !Array.isArray(executor.injectedModuleParameters)) {
      throw new Error(`__tests__/jest-runtime.cjs: jest-runtime ${require("jest-runtime/package.json").version} has no executor.compile to share`);
    }
    const compile = executor.compile.bind(executor);
    executor.compile = (source, filename) => {
      const context = executor.environment.getVmContext();
      return (context && scripts.moduleFunction(source, filename, executor.injectedModuleParameters, context)) ?? compile(source, filename);
    };
  }
}

module.exports = SharedCompileRuntime;
