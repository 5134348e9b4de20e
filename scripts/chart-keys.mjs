#!/usr/bin/env node
// Lists the key paths of a chart's values.yaml, one per line, so that the keys
// this project sets can be checked against the pinned chart version without
// keeping the chart itself in the repository. A path whose value is an empty
// map ends in "{}": any key below it is free-form (ConfigMap settings,
// annotations, extra arguments).
//
//   helm show values ingress-nginx --repo https://kubernetes.github.io/ingress-nginx --version 4.15.1 \
//     | node scripts/chart-keys.mjs > helm-values/ingress-nginx.keys.txt
//
// Usage: node scripts/chart-keys.mjs [VALUES_FILE]   (default: stdin)
//   -h, --help  this text
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { defineCli, leadingComment, UsageError } from "./lib/cli.mjs";

const cli = defineCli({
  name: "chart-keys",
  usage: leadingComment(import.meta.url),
  positionals: true,
  check: ({ positionals }) => {
    if (positionals.length > 1) throw new UsageError(`one values file at most (got ${positionals.length})`);
    return positionals[0];
  },
});
const text = readFileSync(cli.read() ?? 0, "utf8");
const paths = [];
(function walk(value, prefix) {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) paths.push(`${prefix}{}`);
    for (const key of keys) walk(value[key], `${prefix}${key}.`);
    if (prefix && keys.length > 0) paths.push(prefix.slice(0, -1));
  } else {
    paths.push(prefix.slice(0, -1));
  }
})(parse(text), "");
console.log([...new Set(paths)].sort().join("\n"));
