// The cdktf app command (see cdktf.json). Bundles main.ts and its local
// imports into one CommonJS file with esbuild, which strips types without
// checking them (`npm run typecheck` does that), then runs the bundle.
// Dependencies stay external and load from node_modules.
//
// Starting esbuild costs more than the synth itself, so the bundle is reused
// while the sources are unchanged: a manifest of every source file's path,
// size and mtime decides. Any edit, addition or deletion rebuilds it.
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const SOURCE_DIRS = ["config", "constructs", "guardrails", "stacks"];
const cacheDir = path.join(root, "node_modules", ".cache", "cryptopulse-app");
const bundle = path.join(cacheDir, "main.js");
const manifestFile = path.join(cacheDir, "manifest");

function sourceManifest() {
  const files = ["main.ts", "package-lock.json", __filename];
  for (const dir of SOURCE_DIRS) {
    for (const entry of fs.readdirSync(path.join(root, dir), { recursive: true })) {
      if (/\.(ts|json|ya?ml)$/.test(entry)) files.push(path.join(dir, entry));
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
if (!current) {
  // Written under a private name, then renamed: concurrent runs never read half a file.
  const staging = `${bundle}.${process.pid}`;
  require("esbuild").buildSync({
    entryPoints: [path.join(root, "main.ts")],
    outfile: staging,
    bundle: true,
    packages: "external",
    platform: "node",
    format: "cjs",
    target: "node20",
    logLevel: "error",
  });
  fs.renameSync(staging, bundle);
  fs.writeFileSync(`${manifestFile}.${process.pid}`, manifest);
  fs.renameSync(`${manifestFile}.${process.pid}`, manifestFile);
}
require(bundle);
