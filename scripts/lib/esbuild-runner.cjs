// Runs the project's TypeScript from plain Node: the cdktf app (scripts/app.cjs), the cost commands
// (scripts/cost.mjs, scripts/cost-report.mjs) and the scripts that load a TypeScript module. esbuild bundles an
// entry and its local imports into one CommonJS file, stripping types without checking them (`npm run typecheck`
// does that); dependencies stay external and load from node_modules.
//
// Starting esbuild costs more than most of what the bundle then does, so the bundle, under
// node_modules/.cache/<cache>/ at the entry's own path, is reused while its sources are unchanged: a manifest holds
// the path, size and mtime of every file esbuild read (its metafile), of their folders below the root (a file added
// or removed beside them) and of the files named in `dependsOn`. Any edit, addition or deletion there rebuilds it.
//
// A source esbuild cannot build (a syntax error in a config file, say) prints one line per error,
// `<file>:<line>:<column>: <message>`, before anything is written. So does a source that builds but throws while it
// loads (a misspelled name: esbuild leaves it a free variable); the bundle's source map, read only then, names the
// line of the source file. Either way the process exits 1.
//
// With `fastStart` (the app and the bench's scaling subject, run on every synth), the packages the bundle imports
// (cdktf, the provider bindings, zod, yaml) are bundled apart too, into a vendor bundle rebuilt only when
// package-lock.json or the list of imported modules changes (it takes seconds; the app bundle, well under one), and
// both run from a V8 code cache beside them (one per V8 version and set of options), written after the first run:
// later runs neither resolve hundreds of files in node_modules nor compile them again, a quarter of a small synth.
// A frame inside a package then names vendor-<entry>.js; esbuild's comment above each module there names its file in
// node_modules. `fastStart` also raises V8's interrupt budget where V8 has one (shortRunTiering).
// CommonJS, so that the app launcher loads it synchronously, without the cost of an ES module graph.
const fs = require("fs");
const Module = require("module");
const path = require("path");
const vm = require("vm");

/** The one way the project bundles TypeScript for Node; `outfile` gets an external source map beside it. */
function buildBundle(root, entry, outfile) {
  return require("esbuild").buildSync({
    entryPoints: [path.resolve(root, entry)],
    absWorkingDir: root,
    outfile,
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
}

/** `path\tsize\tmtime` of each file or folder, relative to root; throws when one is gone. */
function stamps(root, files) {
  return files
    .map((file) => {
      const stat = fs.statSync(path.resolve(root, file));
      return `${file}\t${stat.size}\t${stat.mtimeMs}`;
    })
    .join("\n");
}

/** Whether the manifest still describes the files on disk. */
function isCurrent(manifestFile, bundle, root) {
  try {
    const manifest = fs.readFileSync(manifestFile, "utf8");
    const files = manifest.split("\n").map((line) => line.slice(0, line.indexOf("\t")));
    return stamps(root, files) === manifest && fs.existsSync(bundle);
  } catch {
    return false;
  }
}

/** One esbuild message as one line; the column counts from 1, as editors do. */
function errorLine(entry, { text, location }) {
  return location ? `${location.file}:${location.line}:${location.column + 1}: ${text}` : `${entry}: ${text}`;
}

/**
 * Where the bundle of `entry` lives: its path below the root, under the cache's folder (`main.ts`, `main.js`). By the
 * path, not the file name alone: two entries named alike (`a/index.ts`, `b/index.ts`) in one cache would share a
 * bundle, and the one built second would find the first one's manifest current and run its code.
 */
function bundleFileOf(root, entry, cache) {
  const relative = path.relative(root, path.resolve(root, entry));
  if (relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) throw new Error(`esbuild runner: ${entry} is not inside the project root ${root}`);
  return path.join(root, "node_modules", ".cache", cache, `${relative.slice(0, relative.length - path.extname(relative).length)}.js`);
}

/**
 * The bundle of `entry` (relative to `root`), rebuilt when stale: { file, sourceMap }, or { errors } (one line each).
 * `cache` names its folder under node_modules/.cache; `dependsOn` lists more files whose change rebuilds it;
 * `fastStart` (requireTypeScript) runs it with a vendor bundle and a code cache.
 * @param {string} root
 * @param {string} entry
 * @param {{ cache: string, dependsOn?: string[], fastStart?: boolean }} options
 * @returns {{ file: string, sourceMap: string, errors?: undefined } | { errors: string[], file?: undefined, sourceMap?: undefined }}
 */
function cachedBundle(root, entry, { cache, dependsOn = [] }) {
  const file = bundleFileOf(root, entry, cache);
  const sourceMap = `${file}.map`;
  const manifestFile = `${file}.manifest`;
  if (isCurrent(manifestFile, file, root)) return { file, sourceMap };
  // Written under private names, then renamed: concurrent runs never read half a file.
  const staging = `${file}.${process.pid}`;
  let result;
  try {
    result = buildBundle(root, entry, staging);
  } catch (error) {
    if (!Array.isArray(error.errors)) throw error;
    return { errors: error.errors.map((message) => errorLine(entry, message)) };
  }
  const inputs = Object.keys(result.metafile.inputs);
  const imported = Object.values(result.metafile.inputs).flatMap((input) => input.imports.filter((item) => item.external).map((item) => item.path));
  const packages = [...new Set(imported.filter((id) => !Module.isBuiltin(id)))].sort();
  // The project root's own folder changes whenever a tool writes beside it (cdktf.out): its files alone count.
  const folders = inputs.map(path.dirname).filter((folder) => folder !== ".");
  const watched = [...new Set([...inputs, ...folders, ...dependsOn.map((dependency) => path.relative(root, path.resolve(root, dependency))), path.relative(root, __filename)])].sort();
  fs.renameSync(`${staging}.map`, sourceMap);
  fs.renameSync(staging, file);
  writeAtomically(`${file}.packages`, `${packages.join("\n")}\n`);
  writeAtomically(manifestFile, stamps(root, watched));
  return { file, sourceMap };
}

/** Writes under a private name, then renames: concurrent runs never read half a file. */
function writeAtomically(file, data) {
  fs.writeFileSync(`${file}.${process.pid}`, data);
  fs.renameSync(`${file}.${process.pid}`, file);
}

function readOr(file, otherwise) {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return otherwise;
  }
}

/** What the vendor bundle holds for two of cdktf's packages: its zip library, loaded late, and a faster JSON writer. */
const VENDOR_ALIASES = { archiver: path.join(__dirname, "lazy-archiver.cjs"), "json-stable-stringify": path.join(__dirname, "stable-json.cjs") };
/** The aliases' sources, the module they share included: a change to any of them rebuilds the vendor bundle. */
const ALIAS_SOURCES = [...Object.values(VENDOR_ALIASES), path.join(__dirname, "cdktf-dependency.cjs")];

/**
 * The vendor bundle beside `file`: `exports[id]`, a getter that loads the package module on first use, for each id
 * the bundle imports; rebuilt when package-lock.json, this runner, one of its aliases or that list changes.
 */
function vendorBundle(root, file) {
  const vendor = path.join(path.dirname(file), `vendor-${path.basename(file)}`);
  const packages = readOr(`${file}.packages`, "").split("\n").filter(Boolean);
  const manifest = `${stamps(root, ["package-lock.json", ...[__filename, ...ALIAS_SOURCES].map((file) => path.relative(root, file))])}\n${packages.join("\n")}`;
  const manifestFile = `${vendor}.manifest`;
  if (readOr(manifestFile, undefined) === manifest && fs.existsSync(vendor)) return vendor;
  const contents = packages.map((id) => `Object.defineProperty(exports, ${JSON.stringify(id)}, { enumerable: true, get: () => require(${JSON.stringify(id)}) });`).join("\n");
  const staging = `${vendor}.${process.pid}`;
  const [output] = require("esbuild").buildSync({
    stdin: { contents, resolveDir: root, loader: "js" },
    absWorkingDir: root,
    outfile: staging,
    write: false,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    logLevel: "error",
    alias: VENDOR_ALIASES,
  }).outputFiles;
  fs.writeFileSync(staging, asciiOnly(output.text));
  fs.renameSync(staging, vendor);
  writeAtomically(manifestFile, manifest);
  return vendor;
}

/**
 * `source` in ASCII, each other character as its `\u` escape. esbuild escapes them in code already, not in the comments it
 * keeps, and a UTF-8 source of 7 MB with a few of them takes 25 ms to decode (and 14 MB as a two-byte string) where an
 * ASCII one takes 3 ms (readSource). An escape in a comment is inert.
 */
function asciiOnly(source) {
  return source.replace(/[^\x00-\x7f]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The text of `fd`: an ASCII file read as Latin-1, which V8 keeps in one byte per character without decoding. */
function readSource(fd) {
  const bytes = fs.readFileSync(fd);
  return bytes.toString(require("buffer").isAscii(bytes) ? "latin1" : "utf8");
}

/**
 * The cache file of `file` for this process's V8 and its options: V8 refuses a cache made by another version or under
 * other flags, and `cdktf synth` runs the app with NODE_OPTIONS=--max-old-space-size=4096 where a direct run has none,
 * so a single cache was rewritten on every switch between the two (or between two Node.js versions). Each version and
 * set of options (the command line's and NODE_OPTIONS) keeps its own.
 */
function cacheFileOf(file) {
  const options = JSON.stringify([process.versions.v8, process.execArgv, process.env.NODE_OPTIONS ?? ""]);
  return `${file}.${require("crypto").createHash("sha256").update(options).digest("hex").slice(0, 12)}.v8`;
}

/**
 * Removes the code caches of `file` made from an earlier build of it (their stamp is not `stamp`), under any set of
 * V8 options: a cache is rewritten only by a run under its own options, so one made under options no run uses any
 * more (a NODE_OPTIONS tried once) would stay beside the bundle for good, 3 MB for the vendor bundle.
 */
function removeStaleCaches(file, stamp) {
  const folder = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  for (const name of fs.readdirSync(folder)) {
    if (!name.startsWith(prefix) || !name.endsWith(".v8")) continue;
    const cache = path.join(folder, name);
    try {
      if (!startsWith(cache, stamp)) fs.rmSync(cache, { force: true });
    } catch {
      // Removed by another run meanwhile.
    }
  }
}

/** Whether the file `file` starts with the bytes of `head`. */
function startsWith(file, head) {
  const fd = fs.openSync(file, "r");
  try {
    const start = Buffer.alloc(head.length);
    return fs.readSync(fd, start, 0, head.length, 0) === head.length && start.equals(head);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Compiles `file` as a CommonJS module, from its code cache when V8 takes it. V8 checks a cache against the source's
 * length only, so the cache starts with a stamp of the file it was made from (inode, size, mtime: a rebuild renames a
 * new file into place) and is used only for that file. Without a usable cache (or with one V8 refuses), it is
 * written when the process exits, so that it holds the functions the run compiled too; the caches of earlier builds
 * go then.
 */
function compileCached(file) {
  const fd = fs.openSync(file, "r");
  const { ino, size, mtimeMs } = fs.fstatSync(fd);
  const source = readSource(fd);
  fs.closeSync(fd);
  const stamp = Buffer.from(`${ino}:${size}:${mtimeMs}\n`);
  const cacheFile = cacheFileOf(file);
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
        removeStaleCaches(file, stamp);
      } catch {
        // A cache that cannot be written (a read-only node_modules) only costs the next run its compile time, and
        // an earlier build's cache left in place only its space.
      }
    });
  }
  return script.runInThisContext();
}

/** Runs `file` from its code cache as a module of its own, its `require` serving `provided` ids first; its exports. */
function runCached(file, provided) {
  const module = new Module(file, null);
  module.filename = file;
  module.paths = Module._nodeModulePaths(path.dirname(file));
  const load = (id) => (provided && Object.hasOwn(provided, id) ? provided[id] : module.require(id));
  const moduleRequire = Object.assign(load, { main: module, cache: Module._cache, resolve: (id, options) => Module._resolveFilename(id, module, false, options) });
  compileCached(file).call(module.exports, module.exports, moduleRequire, module, file, path.dirname(file));
  module.loaded = true;
  return module.exports;
}

/**
 * V8 counts the bytecode a function runs and hands it to its optimizing compiler (TurboFan, on a background thread)
 * once a budget is spent; in a synth of a second most of those compilations finish too late to repay their CPU. With
 * 4.4 times the default budget (67584) only the functions that run longest are optimized (docs/performance.md). Only
 * V8 11 and older (Node.js 20) have the flag: later ones tier up by invocation counts, and a Node.js that does not
 * know a V8 option refuses to start, which is why it is set here and not on the app's command line. Set before the
 * bundles compile, so that their code caches are made and read under it.
 */
function shortRunTiering() {
  if (Number(process.versions.v8.split(".")[0]) <= 11) require("v8").setFlagsFromString("--interrupt-budget=300000");
}

/**
 * `<file>:<line>:<column>: <name>: <message>` for an error a module's top-level code threw while the bundle loaded,
 * located in its source file; undefined for any other error (one thrown later keeps its stack trace).
 */
function loadError(error, { file, sourceMap }, root) {
  const frame = /^\s+at Object\.<anonymous> \((.+):(\d+):(\d+)\)$/m.exec(String(error?.stack));
  if (!frame || frame[1] !== file || frame.index !== String(error.stack).search(/^\s+at /m)) return undefined;
  const { SourceMap } = require("module");
  const entry = new SourceMap(JSON.parse(fs.readFileSync(sourceMap, "utf8"))).findEntry(Number(frame[2]) - 1, Number(frame[3]) - 1);
  if (!entry.originalSource) return undefined;
  const source = path.relative(root, path.resolve(path.dirname(file), entry.originalSource));
  return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}: ${error.name}: ${error.message}`;
}

/**
 * Loads `entry` (see cachedBundle for the options) and returns its exports; undefined, after printing the lines
 * and setting the exit status to 1, when it does not build or its top-level code throws.
 */
function requireTypeScript(root, entry, options) {
  const bundle = cachedBundle(root, entry, options);
  if (bundle.errors) {
    for (const line of bundle.errors) console.error(line);
    process.exitCode = 1;
    return undefined;
  }
  try {
    if (!options.fastStart) return require(bundle.file);
    shortRunTiering();
    return runCached(bundle.file, runCached(vendorBundle(root, bundle.file)));
  } catch (error) {
    const line = loadError(error, bundle, root);
    if (!line) throw error;
    console.error(line);
    process.exitCode = 1;
    return undefined;
  }
}

exports.buildBundle = buildBundle;
exports.cachedBundle = cachedBundle;
exports.requireTypeScript = requireTypeScript;
