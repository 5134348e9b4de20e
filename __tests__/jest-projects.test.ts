import { readdirSync, readFileSync } from "fs";
import * as path from "path";

/**
 * jest.config.js: `npm test` runs the unit project, the developer loop; every suite that runs a real
 * tool (requireTool, __tests__/tools.ts) or starts a process (the app, a script, git) is in the integration
 * project, which CI runs too.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS config jest loads
const config = require("../jest.config.js") as { projects: { displayName: string; testMatch: string[]; runtime?: string }[] };

const TESTS = path.join(__dirname);
const suites = readdirSync(TESTS).filter((name) => name.endsWith(".test.ts"));
const integration = config.projects
  .find((project) => project.displayName === "integration")!
  .testMatch.map((pattern) => path.basename(pattern));
const runsRealTools = (source: string) => /\brequireTool(<[^>]*>)?\(\{/.test(source);
// child_process imported by the suite itself or by a helper of __tests__ it imports (fixtures/ci/harness).
const startsProcesses = (source: string) => /from "(child_process|\.\/fixtures\/ci\/harness)"/.test(source);
const inUnit = suites.filter((name) => !integration.includes(name));

describe("the jest projects", () => {
  it("put every suite that runs a real tool in the integration project", () => {
    expect(inUnit.filter((name) => runsRealTools(readFileSync(path.join(TESTS, name), "utf8")))).toEqual([]);
  });

  it("put every suite that starts a process in the integration project: the unit suites run in process", () => {
    expect(inUnit.filter((name) => startsProcesses(readFileSync(path.join(TESTS, name), "utf8")))).toEqual([]);
  });

  it("list only suites that exist", () => {
    expect(integration.filter((name) => !suites.includes(name))).toEqual([]);
  });

  it("are what npm test and npm run test:integration select, and CI runs both", () => {
    const scripts = (JSON.parse(readFileSync(path.join(TESTS, "..", "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(config.projects.map((project) => project.displayName)).toEqual(["unit", "integration"]);
    // An option after the project's name ends --selectProjects' list: `npm test -- <file>` then runs that file alone.
    expect(scripts.test).toBe("jest --selectProjects unit --workerIdleMemoryLimit=400MB");
    expect(scripts["test:integration"]).toBe("jest --selectProjects integration --workerIdleMemoryLimit=400MB");
    const ciRun = readFileSync(path.join(TESTS, "..", ".ci", "run"), "utf8");
    expect(ciRun).toMatch(/^[^#\n]*\bnpm test\b/m);
    expect(ciRun).toMatch(/^[^#\n]*\bnpm run test:integration\b/m);
  });

  it("both run with the runtime that compiles each module once per worker (jest-module-scripts.test.ts)", () => {
    expect(config.projects.map((project) => project.runtime)).toEqual(["<rootDir>/__tests__/jest-runtime.cjs", "<rootDir>/__tests__/jest-runtime.cjs"]);
  });
});
