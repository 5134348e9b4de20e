// The cdktf app command (see cdktf.json). Bundles main.ts and its local
// imports into one CommonJS file with esbuild, which strips types without
// checking them (`npm run typecheck` does that), then runs the bundle.
//
// Starting esbuild costs more than the synth itself, so the bundle is reused
// while the sources are unchanged: a manifest of every source file's path,
// size and mtime decides. Any edit, addition or deletion rebuilds it.
//
// The packages the bundle imports (cdktf, the provider bindings, zod, yaml)
// are bundled apart, into a vendor bundle rebuilt only when package-lock.json
// or the list of imported modules changes (it takes seconds; the app bundle,
// well under one). Both run from a V8 code cache beside them, written after
// the first run, so that later runs neither resolve hundreds of files in
// node_modules nor compile them again: together a quarter of a small synth.
// A frame inside a package names vendor-<entry>.js; esbuild's comment above
// each module there names its file in node_modules.
//
// A source esbuild cannot build (a syntax error in a config file, say)
// prints one line per error, `<file>:<line>:<column>: <message>`, and exits 1
// before anything is written. So does a source that builds but throws while
// it loads (a misspelled name: esbuild leaves it a free variable); the bundle's
// source map, read only then, names the line of the source file.
//
// `require("./app.cjs").runBundled(entry)` runs another entry the same way
// (the bench's scaling subject); run as a program, it runs main.ts.
const fs = require("fs");
const path = require("path");
const Module = require("module");
const vm = require("vm");

const root = path.resolve(__dirname, "..");
const SOURCE_DIRS = ["config", "constructs", "guardrails", "stacks"];
const cacheDir = path.join(root, "node_modules", ".cache", "cryptopulse-app");

/** `<file>\t<size>\t<mtime>` of each file, sorted: what decides that a bundle is current. */
function statManifest(files) {
  return files
    .sort()
    .map((file) => {
      const stat = fs.statSync(path.resolve(root, file));
      return `${file}\t${stat.size}\t${stat.mtimeMs}`;
    })
    .join("\n");
}

function sourceManifest(entry) {
  const files = [entry, "package-lock.json", __filename];
  for (const dir of SOURCE_DIRS) {
    for (const file of fs.readdirSync(path.join(root, dir), { recursive: true })) {
      if (/\.(ts|json|ya?ml)$/.test(file)) files.push(path.join(dir, file));
    }
  }
  return statManifest(files);
}

function readOr(file, otherwise) {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return otherwise;
  }
}

/** Writes under a private name, then renames: concurrent runs never read half a file. */
function writeAtomically(file, data) {
  fs.writeFileSync(`${file}.${process.pid}`, data);
  fs.renameSync(`${file}.${process.pid}`, file);
}

/** One esbuild message as one line; the column counts from 1, as editors do. */
function errorLine({ text, location }, entry) {
  return location ? `${location.file}:${location.line}:${location.column + 1}: ${text}` : `${entry}: ${text}`;
}

/**
 * Builds the app bundle of `entry`, packages left as imports; false (after
 * printing why) when the sources do not build. Records the packages' module
 * ids it imports, for the vendor bundle.
 */
function buildApp(entry, bundle) {
  const staging = `${bundle}.${process.pid}`;
  let result;
  try {
    result = require("esbuild").buildSync({
      entryPoints: [path.resolve(root, entry)],
      absWorkingDir: root,
      outfile: staging,
      bundle: true,
      packages: "external",
      platform: "node",
      format: "cjs",
      target: "node20",
      logLevel: "silent",
      metafile: true,
      // A separate file the bundle does not point to: Node never reads it, loadError does when it must.
      sourcemap: "external",
    });
  } catch (error) {
    if (!Array.isArray(error.errors)) throw error;
    for (const message of error.errors) console.error(errorLine(message, entry));
    return false;
  }
  const imported = Object.values(result.metafile.inputs).flatMap((input) => input.imports.filter((item) => item.external).map((item) => item.path));
  const packages = [...new Set(imported.filter((id) => !id.startsWith("node:") && !Module.isBuiltin(id)))].sort();
  fs.renameSync(`${staging}.map`, `${bundle}.map`);
  fs.renameSync(staging, bundle);
  writeAtomically(`${bundle}.packages`, `${packages.join("\n")}\n`);
  return true;
}

/** Builds the vendor bundle: `exports[id]`, a getter that loads the module on first use, for each id. */
function buildVendor(vendor, packages) {
  const contents = packages.map((id) => `Object.defineProperty(exports, ${JSON.stringify(id)}, { enumerable: true, get: () => require(${JSON.stringify(id)}) });`).join("\n");
  const staging = `${vendor}.${process.pid}`;
  require("esbuild").buildSync({ stdin: { contents, resolveDir: root, loader: "js" }, outfile: staging, bundle: true, platform: "node", format: "cjs", target: "node20", logLevel: "error" });
  fs.renameSync(staging, vendor);
}

/** The bundles of `entry`: rebuilt when stale; undefined when the sources do not build. */
function bundlesOf(entry) {
  const name = path.basename(entry, path.extname(entry));
  const bundle = path.join(cacheDir, `${name}.js`);
  const vendor = path.join(cacheDir, `vendor-${name}.js`);
  const manifest = sourceManifest(entry);
  const manifestFile = path.join(cacheDir, `${name}.manifest`);
  if (readOr(manifestFile, undefined) !== manifest || !fs.existsSync(bundle)) {
    if (!buildApp(entry, bundle)) return undefined;
    writeAtomically(manifestFile, manifest);
  }
  const packages = readOr(`${bundle}.packages`, "").split("\n").filter(Boolean);
  const vendorManifest = `${statManifest(["package-lock.json", path.relative(root, __filename)])}\n${packages.join("\n")}`;
  const vendorManifestFile = path.join(cacheDir, `vendor-${name}.manifest`);
  if (readOr(vendorManifestFile, undefined) !== vendorManifest || !fs.existsSync(vendor)) {
    buildVendor(vendor, packages);
    writeAtomically(vendorManifestFile, vendorManifest);
  }
  return { bundle, vendor };
}

/**
 * Compiles `file` as a CommonJS module, from its code cache when V8 takes it.
 * V8 checks a cache against the source's length only, so the cache starts with
 * a stamp of the file it was made from (inode, size, mtime: a rebuild renames a
 * new file into place) and is used only for that file. Without a usable cache
 * (or with one V8 refuses: another Node.js), it is written when the process
 * exits, so that it holds the functions the run compiled too.
 */
function compile(file) {
  const fd = fs.openSync(file, "r");
  const { ino, size, mtimeMs } = fs.fstatSync(fd);
  const source = fs.readFileSync(fd, "utf8");
  fs.closeSync(fd);
  const stamp = Buffer.from(`${ino}:${size}:${mtimeMs}\n`);
  const cacheFile = `${file}.v8`;
  let cache;
  try {
    cache = fs.readFileSync(cacheFile);
  } catch {
    cache = undefined;
  }
  const cachedData = cache?.subarray(0, stamp.length).equals(stamp) ? cache.subarray(stamp.length) : undefined;
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once("exit", () => {
      try {
        writeAtomically(cacheFile, Buffer.concat([stamp, script.createCachedData()]));
      } catch {
        // A cache that cannot be written (a read-only node_modules) only costs the next run its compile time.
      }
    });
  }
  return script.runInThisContext();
}

/** Runs `file` as the main module, its `require` serving `provided` ids first; returns its exports. */
function runModule(file, provided) {
  const module = new Module(file, null);
  module.filename = file;
  module.paths = Module._nodeModulePaths(path.dirname(file));
  const load = (id) => (provided && Object.hasOwn(provided, id) ? provided[id] : module.require(id));
  const moduleRequire = Object.assign(load, { main: module, cache: Module._cache, resolve: (id, options) => Module._resolveFilename(id, module, false, options) });
  compile(file).call(module.exports, module.exports, moduleRequire, module, file, path.dirname(file));
  module.loaded = true;
  return module.exports;
}

/**
 * `<file>:<line>:<column>: <name>: <message>` for an error a module's top-level
 * code threw while the bundle loaded, located in its source file; undefined for
 * any other error (one thrown during synth keeps its stack trace).
 */
function loadError(error, bundle) {
  const frame = /^\s+at Object\.<anonymous> \((.+):(\d+):(\d+)\)$/m.exec(String(error?.stack));
  if (!frame || frame[1] !== bundle || frame.index !== String(error.stack).search(/^\s+at /m)) return undefined;
  const entry = new Module.SourceMap(JSON.parse(fs.readFileSync(`${bundle}.map`, "utf8"))).findEntry(Number(frame[2]) - 1, Number(frame[3]) - 1);
  if (!entry.originalSource) return undefined;
  const file = path.relative(root, path.resolve(cacheDir, entry.originalSource));
  return `${file}:${entry.originalLine + 1}:${entry.originalColumn + 1}: ${error.name}: ${error.message}`;
}

/** Bundles `entry` (a path from the project root, or absolute) if needed and runs it; sets exit code 1 when it does not build or load. */
function runBundled(entry) {
  const bundles = bundlesOf(entry);
  if (!bundles) {
    process.exitCode = 1;
    return undefined;
  }
  try {
    return runModule(bundles.bundle, runModule(bundles.vendor));
  } catch (error) {
    const line = loadError(error, bundles.bundle);
    if (!line) throw error;
    console.error(line);
    process.exitCode = 1;
    return undefined;
  }
}

module.exports = { runBundled };

if (require.main === module) runBundled("main.ts");
