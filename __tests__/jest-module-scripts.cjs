// The compiled code of the modules a jest worker loads, shared by all the suites it runs (__tests__/jest-runtime.cjs).
// Jest gives every suite a fresh module registry and compiles each file it loads again (vm.compileFunction, no
// cache): cdktf, the provider bindings, zod and the project's own sources, about a third of the unit suite's CPU.
// Here a module is compiled into a vm.Script once, kept under its file name with the exact source it was compiled
// from, and run in each later suite's context. A new context still evaluates the module afresh, with its own exports
// and state; only V8's parse and bytecode are shared. A source that differs (a mock, another transform) compiles anew.
const vm = require("vm");

class ModuleScripts {
  /** `filename\0parameters` → the last source compiled under it and its script (undefined: jest compiles it). */
  #entries = new Map();

  /** How many sources were compiled: the tests' measure of the sharing. */
  compiled = 0;

  /**
   * The module function of `source` (the body of a function of `parameters`) for `context`, or undefined for a
   * source only jest's own compile handles: a dynamic `import()` (its callback would belong to the suite that
   * compiled the script first) or a hashbang line (not valid inside a function).
   */
  moduleFunction(source, filename, parameters, context) {
    const key = `${filename}\0${parameters.join(",")}`;
    let entry = this.#entries.get(key);
    if (entry?.source !== source) {
      entry = { source, script: source.startsWith("#!") || /\bimport\s*\(/.test(source) ? undefined : this.#compile(source, filename, parameters) };
      this.#entries.set(key, entry);
    }
    return entry.script?.runInContext(context);
  }

  #compile(source, filename, parameters) {
    this.compiled += 1;
    // Anonymous, as vm.compileFunction's: a name here would prefix the names V8 gives the functions inside. The
    // offset keeps the columns of the source's first line where a stack trace and its source map expect them.
    const prefix = `(function (${parameters.join(", ")}) {`;
    return new vm.Script(`${prefix}${source}\n})`, { filename, columnOffset: -prefix.length });
  }
}

/**
 * Jest's per-suite map of file texts (`entries`: the test file's), keeping the texts of package files (under
 * node_modules but not its .cache, which nothing writes during a run) in `packageTexts`, shared by the worker's
 * suites: jest reads each file again for each suite. The same text object also makes ModuleScripts' comparison of
 * sources an identity check.
 */
class WorkerFileTexts extends Map {
  constructor(entries, packageTexts) {
    super();
    this.packageTexts = packageTexts;
    for (const [file, text] of entries) this.set(file, text);
  }

  get(file) {
    return isPackageFile(file) ? this.packageTexts.get(file) : super.get(file);
  }

  set(file, text) {
    if (isPackageFile(file)) this.packageTexts.set(file, text);
    else super.set(file, text);
    return this;
  }
}

function isPackageFile(file) {
  return file.includes("/node_modules/") && !file.includes("/node_modules/.cache/");
}

module.exports = { ModuleScripts, WorkerFileTexts };
