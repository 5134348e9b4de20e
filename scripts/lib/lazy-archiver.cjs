// cdktf's `require("archiver")`, in the tests (jest.config.js) and in the app's vendor bundle (esbuild-runner.cjs).
// cdktf loads archiver (a zip library and its streams: some 80 ms of each test file that builds a stack, 15 ms of
// each synth) with every App, for the rare asset it zips (AssetType.ARCHIVE), which the project never builds: the
// real module, cdktf's own copy, is loaded at the first call instead.
const { cdktfDependency } = require("./cdktf-dependency.cjs");

const real = cdktfDependency("archiver");

module.exports = (...args) => require(real)(...args);
