import { createHash } from "crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "fs";
import * as path from "path";
import { isDeepStrictEqual } from "util";
import { isScalar, parse, parseDocument, visit, type Document } from "yaml";
import { version as yamlVersion } from "yaml/package.json";
import { projectPath } from "../../config/paths";

/** Where the parsed texts are kept: beside the app's bundles, gone with node_modules. */
function parsedYamlFolder(): string {
  return projectPath(path.join("node_modules", ".cache", "cryptopulse-yaml"));
}

/**
 * What `parse(text)` returns, read from the parsed-YAML cache where an earlier run left it. Every synth parses the
 * same repository YAML (the app chart's Chart.yaml, the base values of ingress-nginx and kube-prometheus-stack, which
 * CP-DATA-004 reads), and the package's parser, run once on code not yet warm, took 12–18 ms of the 14-stack
 * app's CPU for those three small files. An entry is named by a hash of the package's version and the text, so a changed
 * file is a new entry. Only JSON data is kept (what JSON.parse reads back deep-equal, so no -0, no Infinity), and only
 * for a document that `parse` reads without an error or a warning, which it would throw or print again on every read.
 * A missing, unreadable or unwritable cache only costs the parse.
 */
export function parseCached(text: string, folder = parsedYamlFolder()): unknown {
  const file = path.join(folder, `${createHash("sha256").update(`${yamlVersion}\n${text}`).digest("hex")}.json`);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as unknown;
  } catch {
    // Not cached yet (or a file cut short by a crash, which JSON.parse refuses): parse it.
  }
  const document = parseDocument(text);
  if (document.errors.length > 0 || document.warnings.length > 0 || hasObjectKey(document)) return parse(text);
  const data = document.toJS() as unknown;
  const json = JSON.stringify(data);
  if (json !== undefined && isDeepStrictEqual(JSON.parse(json), data)) writeQuietly(file, json);
  return data;
}

/**
 * Whether a map key of `document` reads as an object (a collection, or a scalar such as a date under another schema):
 * `toJS` writes it as a string and prints a warning of its own, which a read from the cache would not print.
 */
function hasObjectKey(document: Document): boolean {
  let found = false;
  visit(document, {
    Pair(_, pair) {
      const key = pair.key;
      if (key === null || (isScalar(key) && (typeof key.value !== "object" || key.value === null))) return undefined;
      found = true;
      return visit.BREAK;
    },
  });
  return found;
}

/** Writes under a private name, then renames, so that a concurrent reader never sees half a file; ignores failure. */
function writeQuietly(file: string, text: string): void {
  const staging = `${file}.${process.pid}`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(staging, text);
    renameSync(staging, file);
  } catch {
    // A read-only node_modules: the next run parses the text again.
  }
}
