// cdktf's `require("json-stable-stringify")` in the app's vendor bundle (esbuild-runner.cjs): the text of every
// cdk.tf.json and of manifest.json. It writes exactly what json-stable-stringify 1.3 (cdktf's copy) writes for the
// only options cdktf passes, `{ space }` (keys sorted, undefined members dropped, undefined items as null, toJSON
// called, an empty list or object on two lines, a cycle refused with the same TypeError), in a third of its time:
// that one builds each indentation in a loop and calls through bound helpers for every value. Any other option goes
// to the real module. __tests__/stable-json.test.ts compares the two.
const { cdktfDependency } = require("./cdktf-dependency.cjs");

const real = cdktfDependency("json-stable-stringify");

module.exports = function stableStringify(value, options) {
  if (!isSpaceOnly(options)) return require(real)(value, options);
  const space = typeof options?.space === "number" ? " ".repeat(options.space) : options?.space || "";
  return write(value, space ? "\n" : "", space, space ? ": " : ":", []);
};

/** Whether `options` is what this writes itself: none, or `{ space }` with a string or a whole number of spaces. */
function isSpaceOnly(options) {
  if (options === undefined) return true;
  if (typeof options !== "object" || options === null || Object.keys(options).some((key) => key !== "space")) return false;
  return options.space === undefined || typeof options.space === "string" || (Number.isInteger(options.space) && options.space >= 0);
}

/** `value` at the indentation `indent` (a newline and the spaces before its closing bracket); undefined to drop it. */
function write(value, indent, space, colon, parents) {
  if (value && typeof value.toJSON === "function") value = value.toJSON();
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  const inner = indent + space;
  let text = "";
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      text += `${index === 0 ? "" : ","}${inner}${write(value[index], inner, space, colon, parents) || "null"}`;
    }
    return `[${text}${indent}]`;
  }
  if (parents.includes(value)) throw new TypeError("Converting circular structure to JSON");
  parents.push(value);
  for (const key of Object.keys(value).sort()) {
    const member = write(value[key], inner, space, colon, parents);
    if (member) text += `${text === "" ? "" : ","}${inner}${JSON.stringify(key)}${colon}${member}`;
  }
  parents.pop();
  return `{${text}${indent}}`;
}
