// jest.config.js maps cdktf's `require("archiver")` here. cdktf loads archiver (a zip library and its streams, some
// 80 ms of each test file that builds a stack) with every App, for the rare asset it zips (AssetType.ARCHIVE): the
// real module, cdktf's own copy, is loaded at the first call instead.
const path = require("path");

const real = path.join(path.dirname(require.resolve("cdktf/package.json")), "node_modules", "archiver");

module.exports = (...args) => require(real)(...args);
