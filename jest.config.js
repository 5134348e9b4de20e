/**
 * Two projects. `unit` (`npm test`), for the developer loop: every suite in process.
 * `integration` (`npm run test:integration`): the suites that run real tools (requireTool in
 * __tests__/tools.ts: PostgreSQL, moto, nginx, helm, promtool, amtool, Lua, pod-security, actionlint,
 * the engine), the ones that start a process (the app, a script, git), and the
 * bad-input corpus, whose 20-odd whole-app synths alone would take the unit suite's time. CI (.ci/run)
 * runs both; `npx jest <files>` runs the files named, whichever project they are in. Both scripts end
 * with --workerIdleMemoryLimit=400MB (a worker grown past it by the end of a file is replaced by a
 * fresh one), which also ends --selectProjects' list, so that `npm test -- <file>` runs that file.
 * __tests__/jest-projects.test.ts holds the real-tool and process-starting suites to INTEGRATION.
 */
const INTEGRATION = [
  // Real tools (requireTool).
  "alert-rules-promtool",
  "alertmanager-amtool",
  "app-service-chart",
  "app-service-values",
  "backup-scripts",
  "ci-workflows",
  "ingress-nginx",
  "log-masking",
  "manifest-gate",
  "migrations",
  "prevent-destroy",
  // The app, the workflow scripts or git as processes, a second or more each.
  "app-launcher-cache",
  "app-service-bundle",
  "bench",
  "cdktn-compat",
  "ci-affected-stacks",
  "ci-deploy-order",
  "ci-drift-issue",
  "ci-plan-summary",
  "ci-pr-comment",
  "ci-run-engine",
  "cost-report",
  "cost-revision",
  "docs-tables-script",
  "guardrails-app",
  "guardrails-secret-scan",
  "main",
  "script-command-lines",
  "terraform-cloud",
  // In process, but a corpus of 240 cases through the whole synth.
  "bad-input",
];

// The workers (and the processes the tests start) inherit this: V8 collects garbage before a heap passes
// 288 MB (the largest suite keeps under 250 MB live, `--logHeapUsage` shows it) instead of letting it grow
// to twice that, so two workers stay within 1 GB. A suite that needs more fails with "heap out of memory":
// share or free its data, or raise this.
process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, "--max-old-space-size=288"].filter(Boolean).join(" ");

const common = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  // swc strips types without type-checking: `npm run typecheck` does that once, not per test file.
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" } }],
    // The workflow scripts (scripts/ci/*.mjs) are ES modules; compiled to CommonJS, their tests call them in process.
    "^.+\\.mjs$": ["@swc/jest", { jsc: { parser: { syntax: "ecmascript" }, target: "es2022" } }],
  },
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  // Jest's runtime, with each module compiled once per worker rather than once per suite (a third of the unit
  // suite's CPU went to compiling cdktf, the provider bindings and zod again for every file).
  runtime: "<rootDir>/__tests__/jest-runtime.cjs",
  // cdktf's zip library, loaded at its first call rather than with every App (scripts/lib/lazy-archiver.cjs).
  moduleNameMapper: { "^archiver$": "<rootDir>/scripts/lib/lazy-archiver.cjs" },
  // One scratch directory for the whole run (both projects), shared synth outputs included (__tests__/helpers.ts).
  globalSetup: "<rootDir>/__tests__/jest-global-setup.cjs",
  globalTeardown: "<rootDir>/__tests__/jest-global-teardown.cjs",
};

const integrationMatch = INTEGRATION.map((name) => `**/__tests__/${name}.test.ts`);

/** @type {import('jest').Config} */
module.exports = {
  // The default output, then one line per skipped suite with its reason.
  reporters: ["default", "<rootDir>/__tests__/skip-reporter.cjs"],
  // Every core: jest's default leaves one for itself, which on a 2-core machine runs the suite in one process.
  maxWorkers: "100%",
  projects: [
    { ...common, displayName: "unit", testMatch: ["**/*.test.ts"], testPathIgnorePatterns: ["/node_modules/", ...INTEGRATION.map((name) => `/__tests__/${name}\\.test\\.ts$`)] },
    // Its tests wait on processes, which a busy machine slows: more than jest's 5 s default per test.
    { ...common, displayName: "integration", testMatch: integrationMatch, testTimeout: 60_000 },
  ],
};
