// A jest reporter (next to the default one, jest.config.js) that prints one line per skipped suite at the
// end of the run, just above jest's summary (which jest always prints last), on stderr, so it shows with
// --json too (stdout is the JSON then). Suites that skip for a
// missing tool record their line through __tests__/tools.ts in the run's scratch directory
// (CRYPTOPULSE_TEST_TMPDIR, jest-tmpdir.cjs), which every worker shares; any other skipped test (a bare
// `.skip`) is listed with "no reason recorded", so no skip goes unseen.
const fs = require("fs");
const path = require("path");

const SKIP_RECORDS = "skipped-suites"; // the same directory name as in __tests__/tools.ts

class SkipReporter {
  /** options.recordsDir: where the skip records are; the run's scratch directory's when absent. */
  constructor(globalConfig, options = {}) {
    this.rootDir = globalConfig.rootDir;
    this.recordsDir = options.recordsDir;
    // With -t, jest skips the tests whose names do not match on purpose: only recorded skips are listed then.
    this.filtered = Boolean(globalConfig.testNamePattern);
    this.pending = [];
  }

  onTestFileResult(test, testResult) {
    for (const result of testResult.testResults) {
      if (result.status === "pending") this.pending.push({ testPath: testResult.testFilePath, groups: result.ancestorTitles, name: result.fullName });
    }
  }

  onRunComplete() {
    const scratch = process.env.CRYPTOPULSE_TEST_TMPDIR;
    const records = readRecords(this.recordsDir ?? (scratch && path.join(scratch, SKIP_RECORDS)));
    const explained = (test) => records.some((record) => record.testPath === test.testPath && test.groups.includes(record.group));
    const lines = [...new Set(records.map((record) => record.line))].sort();
    if (!this.filtered) {
      const unexplained = this.pending.filter((test) => !explained(test));
      const groups = new Set(unexplained.map((test) => `SKIPPED ${path.relative(this.rootDir, test.testPath)} › ${test.groups[0] ?? test.name}: no reason recorded (skip through requireTool in __tests__/tools.ts)`));
      lines.push(...[...groups].sort());
    }
    if (lines.length > 0) process.stderr.write(`\n${lines.join("\n")}\n\n`);
  }
}

function readRecords(dir) {
  if (!dir || !fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).map((name) => JSON.parse(fs.readFileSync(path.join(dir, name), "utf8")));
}

module.exports = SkipReporter;
