// The bench's scaling subject, `node scripts/bench/scale.cjs <copies>`: runs
// scale-app.ts bundled and cached the way scripts/app.cjs runs main.ts, so that
// its figures are the app's.
require("../app.cjs").runBundled("scripts/bench/scale-app.ts");
