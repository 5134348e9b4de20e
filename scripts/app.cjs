// The cdktf app command (see cdktf.json): runs main.ts through the project's esbuild runner
// (scripts/lib/esbuild-runner.cjs), which rebuilds the bundle only when a source changed and reports a source that
// does not build or load in one line per error, `<file>:<line>:<column>: <message>`, exit 1, before anything is
// written. It runs on every synth, so with `fastStart`: its packages from a vendor bundle, both from a code cache.
const path = require("path");
const { requireTypeScript } = require("./lib/esbuild-runner.cjs");

requireTypeScript(path.resolve(__dirname, ".."), "main.ts", { cache: "cryptopulse-app", dependsOn: [__filename, "package-lock.json"], fastStart: true });
