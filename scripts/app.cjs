// The cdktf app command (see cdktf.json). Bundles main.ts and its local
// imports into one CommonJS file with esbuild, which strips types without
// checking them (`npm run typecheck` does that), then runs the bundle.
// Dependencies stay external and load from node_modules.
//
// Starting esbuild costs more than the synth itself, so the bundle is reused
// while the sources are unchanged: a manifest of every source file's path,
// size and mtime decides. Any edit, addition or deletion rebuilds it.
//
// A source esbuild cannot build (a syntax error in a config file, say)
// prints one line per error, `<file>:<line>:<column>: <message>`, and exits 1
// before anything is written. So does a source that builds but throws while
// it loads (a misspelled name: esbuild leaves it a free variable); the bundle's
// source map, read only then, names the line of the source file.
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const SOURCE_DIRS = ["config", "constructs", "guardrails", "stacks"];
const cacheDir = path.join(root, "node_modules", ".cache", "cryptopulse-app");
const bundle = path.join(cacheDir, "main.js");
const sourceMap = `${bundle}.map`;
const manifestFile = path.join(cacheDir, "manifest");

function sourceManifest() {
  const files = ["main.ts", "package-lock.json", __filename];
  for (const dir of SOURCE_DIRS) {
    for (const entry of fs.readdirSync(path.join(root, dir), { recursive: true })) {
      if (/\.(ts|mjs|json|ya?ml)$/.test(entry)) files.push(path.join(dir, entry));
    }
  }
  return files
    .sort()
    .map((file) => {
      const stat = fs.statSync(path.resolve(root, file));
      return `${file}\t${stat.size}\t${stat.mtimeMs}`;
    })
    .join("\n");
}

const manifest = sourceManifest();
let current = false;
try {
  current = fs.readFileSync(manifestFile, "utf8") === manifest && fs.existsSync(bundle);
} catch {
  current = false;
}
/** One esbuild message as one line; the column counts from 1, as editors do. */
function errorLine({ text, location }) {
  return location ? `${location.file}:${location.line}:${location.column + 1}: ${text}` : `main.ts: ${text}`;
}

/** Builds the bundle; false (after printing why) when the sources do not build. */
function build() {
  // Written under a private name, then renamed: concurrent runs never read half a file.
  const staging = `${bundle}.${process.pid}`;
  try {
    require("esbuild").buildSync({
      entryPoints: [path.join(root, "main.ts")],
      absWorkingDir: root,
      outfile: staging,
      bundle: true,
      packages: "external",
      platform: "node",
      format: "cjs",
      target: "node20",
      logLevel: "silent",
      // A separate file the bundle does not point to: Node never reads it, loadError does when it must.
      sourcemap: "external",
    });
  } catch (error) {
    if (!Array.isArray(error.errors)) throw error;
    for (const message of error.errors) console.error(errorLine(message));
    return false;
  }
  fs.renameSync(`${staging}.map`, sourceMap);
  fs.renameSync(staging, bundle);
  fs.writeFileSync(`${manifestFile}.${process.pid}`, manifest);
  fs.renameSync(`${manifestFile}.${process.pid}`, manifestFile);
  return true;
}

/**
 * `<file>:<line>:<column>: <name>: <message>` for an error a module's top-level
 * code threw while the bundle loaded, located in its source file; undefined for
 * any other error (one thrown during synth keeps its stack trace).
 */
function loadError(error) {
  const frame = /^\s+at Object\.<anonymous> \((.+):(\d+):(\d+)\)$/m.exec(String(error?.stack));
  if (!frame || frame[1] !== bundle || frame.index !== String(error.stack).search(/^\s+at /m)) return undefined;
  const { SourceMap } = require("module");
  const entry = new SourceMap(JSON.parse(fs.readFileSync(sourceMap, "utf8"))).findEntry(Number(frame[2]) - 1, Number(frame[3]) - 1);
  if (!entry.originalSource) return undefined;
  const file = path.relative(root, path.resolve(cacheDir, entry.originalSource));
  return `${file}:${entry.originalLine + 1}:${entry.originalColumn + 1}: ${error.name}: ${error.message}`;
}

if (current || build()) {
  try {
    require(bundle);
  } catch (error) {
    const line = loadError(error);
    if (!line) throw error;
    console.error(line);
    process.exitCode = 1;
  }
} else {
  process.exitCode = 1;
}
