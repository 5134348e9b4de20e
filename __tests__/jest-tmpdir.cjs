// Jest globalSetup/globalTeardown: the whole run gets one scratch directory as
// TMPDIR (the workers inherit it), removed at the end, so the temporary output
// directories of cdktf's Testing helpers and of our own synth tests never pile
// up in the machine's /tmp.
const fs = require("fs");
const os = require("os");
const path = require("path");

const KEY = "CRYPTOPULSE_TEST_TMPDIR";

module.exports = {
  setup() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cryptopulse-jest-"));
    // Traversable by the unprivileged user the PostgreSQL tests run their server as.
    fs.chmodSync(dir, 0o711);
    process.env[KEY] = dir;
    process.env.TMPDIR = dir;
  },
  teardown() {
    const dir = process.env[KEY];
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  },
};
