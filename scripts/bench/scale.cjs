// The bench's scaling subject, `node scripts/bench/scale.cjs <copies>` with the node options of the cdktf.json app:
// runs scale-app.ts through the esbuild runner as scripts/app.cjs runs main.ts (with `fastStart`), so that its
// figures are the app's.
const path = require("path");
const { requireTypeScript } = require("../lib/esbuild-runner.cjs");

requireTypeScript(path.resolve(__dirname, "..", ".."), "scripts/bench/scale-app.ts", { cache: "cryptopulse-bench", dependsOn: [__filename, "package-lock.json"], fastStart: true });
