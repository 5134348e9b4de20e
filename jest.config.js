/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // swc strips types without type-checking: `npm run typecheck` does that once, not per test file.
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" } }],
    // The workflow scripts (scripts/ci/*.mjs) are ES modules; compiled to CommonJS, their tests call them in process.
    "^.+\\.mjs$": ["@swc/jest", { jsc: { parser: { syntax: "ecmascript" }, target: "es2022" } }],
  },
  // The default output, then one line per skipped suite with its reason.
  reporters: ["default", "<rootDir>/__tests__/skip-reporter.cjs"],
  setupFilesAfterEnv: ["<rootDir>/__tests__/setup.ts"],
  globalSetup: "<rootDir>/__tests__/jest-global-setup.cjs",
  globalTeardown: "<rootDir>/__tests__/jest-global-teardown.cjs",
};
