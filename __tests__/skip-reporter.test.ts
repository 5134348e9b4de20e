import { mkdtempSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { writeSkipRecord } from "./tools";

/** __tests__/skip-reporter.cjs: the skip lines suites record, and any other skipped group, printed once at the end. */

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the reporter is the CommonJS module jest loads
const SkipReporter = require("./skip-reporter.cjs");

const ROOT = path.resolve(__dirname, "..");
const file = (name: string) => path.join(ROOT, "__tests__", name);
const pending = (ancestorTitles: string[], title: string) => ({ status: "pending", ancestorTitles, title, fullName: [...ancestorTitles, title].join(" ") });

/** What the reporter writes to stderr at the end of a run with `results` per test file. */
function printed(records: { testPath: string; group: string; line: string }[], results: Record<string, object[]>, config: object = {}): string {
  const recordsDir = mkdtempSync(path.join(tmpdir(), "skip-records-"));
  for (const record of records) writeSkipRecord(recordsDir, record);
  const reporter = new SkipReporter({ rootDir: ROOT, ...config }, { recordsDir });
  for (const [testFilePath, testResults] of Object.entries(results)) reporter.onTestFileResult({}, { testFilePath, testResults });
  const write = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    reporter.onRunComplete();
    return write.mock.calls.map(([text]) => String(text)).join("");
  } finally {
    write.mockRestore();
  }
}

const HELM_LINE = "SKIPPED helm chart tests: no helm (set CRYPTOPULSE_REQUIRE_HELM=1 to make this a failure)";

describe("the skip reporter", () => {
  it("prints each recorded line once, sorted, and nothing for the recorded groups' own skipped tests", () => {
    const helm = { testPath: file("chart.test.ts"), group: "chart rendered by helm", line: HELM_LINE };
    const lua = { testPath: file("mask.test.ts"), group: "log masking", line: "SKIPPED Lua log-masking tests: no lua5.4 (set CRYPTOPULSE_REQUIRE_LUA=1 to make this a failure)" };
    const output = printed([helm, helm, lua], { [helm.testPath]: [pending(["outer", helm.group], "no helm")], [lua.testPath]: [pending([lua.group], "no lua5.4")] });
    expect(output).toBe(`\n${lua.line}\n${HELM_LINE}\n\n`);
  });

  it("lists a group skipped without a recorded reason", () => {
    const output = printed([], { [file("other.test.ts")]: [pending(["a group"], "one"), pending(["a group"], "two"), { status: "passed", ancestorTitles: ["a group"], title: "three" }] });
    expect(output).toBe("\nSKIPPED __tests__/other.test.ts › a group: no reason recorded (skip through requireTool in __tests__/tools.ts)\n\n");
  });

  it("leaves out the tests -t filtered away, and prints nothing when nothing was skipped", () => {
    expect(printed([], { [file("other.test.ts")]: [pending(["a group"], "one")] }, { testNamePattern: "three" })).toBe("");
    expect(printed([], { [file("other.test.ts")]: [{ status: "passed", ancestorTitles: [], title: "one" }] })).toBe("");
  });
});
