// The folder of a package as cdktf itself resolves it (its own nested copy, or a hoisted one): what the vendor
// bundle's stand-ins for two of cdktf's packages load (lazy-archiver.cjs, stable-json.cjs), and what the tests
// compare them with. Found by the package's package.json, not its name: in the tests, jest.config.js maps the name
// `archiver` to the stand-in itself.
const path = require("path");

exports.cdktfDependency = (name) => path.dirname(require.resolve(`${name}/package.json`, { paths: [path.dirname(require.resolve("cdktf/package.json"))] }));
