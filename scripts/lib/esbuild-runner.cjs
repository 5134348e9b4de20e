// Runs the project's TypeScript from plain Node: the cdktf app (scripts/app.cjs), the cost commands
// (scripts/cost.mjs, scripts/cost-report.mjs) and the scripts that load a TypeScript module. esbuild bundles an
// entry and its local imports into one CommonJS file, stripping types without checking them (`npm run typecheck`
// does that); dependencies stay external and load from node_modules.
//
// Starting esbuild costs more than most of what the bundle then does, so the bundle, under
// node_modules/.cache/<cache>/, is reused while its sources are unchanged: a manifest holds the path, size and mtime
// of every file esbuild read (its metafile), of their folders below the root (a file added or removed beside them)
// and of the files named in `dependsOn`. Any edit, addition or deletion there rebuilds it.
//
// A source esbuild cannot build (a syntax error in a config file, say) prints one line per error,
// `<file>:<line>:<column>: <message>`, before anything is written. So does a source that builds but throws while it
// loads (a misspelled name: esbuild leaves it a free variable); the bundle's source map, read only then, names the
// line of the source file. Either way the process exits 1.
// CommonJS, so that the app launcher loads it synchronously, without the cost of an ES module graph.
const fs = require("fs");
const path = require("path");

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
 * The bundle of `entry` (relative to `root`), rebuilt when stale: { file, sourceMap }, or { errors } (one line each).
 * `cache` names its folder under node_modules/.cache; `dependsOn` lists more files whose change rebuilds it.
 * @param {string} root
 * @param {string} entry
 * @param {{ cache: string, dependsOn?: string[] }} options
 * @returns {{ file: string, sourceMap: string, errors?: undefined } | { errors: string[], file?: undefined, sourceMap?: undefined }}
 */
function cachedBundle(root, entry, { cache, dependsOn = [] }) {
  const cacheDir = path.join(root, "node_modules", ".cache", cache);
  const file = path.join(cacheDir, `${path.basename(entry, path.extname(entry))}.js`);
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
  // The project root's own folder changes whenever a tool writes beside it (cdktf.out): its files alone count.
  const folders = inputs.map(path.dirname).filter((folder) => folder !== ".");
  const watched = [...new Set([...inputs, ...folders, ...dependsOn.map((dependency) => path.relative(root, path.resolve(root, dependency))), path.relative(root, __filename)])].sort();
  fs.renameSync(`${staging}.map`, sourceMap);
  fs.renameSync(staging, file);
  fs.writeFileSync(`${manifestFile}.${process.pid}`, stamps(root, watched));
  fs.renameSync(`${manifestFile}.${process.pid}`, manifestFile);
  return { file, sourceMap };
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
    return require(bundle.file);
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
