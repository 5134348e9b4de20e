import { spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "fs";
import { isAscii } from "buffer";
import * as path from "path";
import { cdktfDependency } from "../scripts/lib/cdktf-dependency.cjs";

/**
 * The app launcher runs its bundles from a V8 code cache (the esbuild runner's `fastStart`). V8 checks a cache
 * against the source's length only, so a rebuilt bundle of the same length must not run from the old bundle's cache.
 */
const root = path.resolve(__dirname, "..");
const cache = "launcher-cache-test";
const cacheDir = path.join(root, "node_modules", ".cache", cache);
// Inside the project, so that the entry resolves its packages from node_modules; on a fresh clone the folder is new.
mkdirSync(path.join(root, "node_modules", ".cache"), { recursive: true });
const scratch = mkdtempSync(path.join(root, "node_modules", ".cache", "launcher-"));
const name = path.basename(scratch);
const appEntry = path.join(scratch, `${name}.ts`);
/** Where the runner keeps the entries' bundles and caches: their own path below the root, under the cache's folder. */
const bundleDir = path.join(cacheDir, path.relative(root, scratch));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- cdktf's own copy, by its path
const realStableStringify = require(cdktfDependency("json-stable-stringify")) as (value: unknown, options: object) => string;

/** Runs `entry` through the runner in a process of its own (the cache is written at exit); what it printed. */
function run(nodeOptions: string[] = [], env: NodeJS.ProcessEnv = {}, entry = appEntry): string {
  const runner = path.join(root, "scripts", "lib", "esbuild-runner.cjs");
  const script = `require(${JSON.stringify(runner)}).requireTypeScript(${JSON.stringify(root)}, ${JSON.stringify(entry)}, { cache: ${JSON.stringify(cache)}, fastStart: true })`;
  const result = spawnSync(process.execPath, [...nodeOptions, "-e", script], { cwd: root, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "", ...env } });
  expect(result.stderr).toBe("");
  return result.stdout.trim();
}

/** The code caches of the bundle `bundle` (a file name in the cache folder), one per V8 version and set of options. */
const cachesOf = (bundle: string) => readdirSync(bundleDir).filter((file) => file.startsWith(`${bundle}.`) && file.endsWith(".v8")).sort();
/** The code caches of the entry's own bundle. */
const appCaches = () => cachesOf(`${name}.js`);

afterAll(() => {
  rmSync(cacheDir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

describe("the app launcher's code cache", () => {
  it("is written by the first run and read, not rewritten, by the next", () => {
    writeFileSync(appEntry, 'import { parse } from "yaml";\nconst greeting: string = parse("alpha");\nconsole.log(greeting);\n');
    expect(run()).toBe("alpha");
    const caches = appCaches();
    expect(caches).toHaveLength(1);
    expect(cachesOf(`vendor-${name}.js`)).toHaveLength(1);
    const written = statSync(path.join(bundleDir, caches[0])).mtimeMs;
    expect(run()).toBe("alpha");
    expect(statSync(path.join(bundleDir, caches[0])).mtimeMs).toBe(written);
  });

  it("is kept apart for each set of V8 options, so that switching between them rewrites none", () => {
    // cdktf synth runs the app with NODE_OPTIONS=--max-old-space-size=4096; V8 refuses a cache made under other flags.
    const [plain] = appCaches();
    expect(run([], { NODE_OPTIONS: "--max-old-space-size=4096" })).toBe("alpha");
    expect(run(["--max-semi-space-size=8"])).toBe("alpha");
    const caches = appCaches();
    expect(caches).toHaveLength(3);
    const written = new Map(caches.map((file) => [file, statSync(path.join(bundleDir, file)).mtimeMs]));
    expect(run()).toBe("alpha");
    expect(run([], { NODE_OPTIONS: "--max-old-space-size=4096" })).toBe("alpha");
    expect(run(["--max-semi-space-size=8"])).toBe("alpha");
    expect(caches).toContain(plain);
    for (const file of caches) expect(statSync(path.join(bundleDir, file)).mtimeMs).toBe(written.get(file));
  });

  it("is not used for a rebuilt bundle of the same length", () => {
    writeFileSync(appEntry, 'import { parse } from "yaml";\nconst greeting: string = parse("omega");\nconsole.log(greeting);\n');
    expect(run()).toBe("omega");
    expect(run()).toBe("omega");
  });

  it("of an earlier build is removed when a run writes the new one, under whichever options it was made", () => {
    // The last test left three caches, one per set of options, of the "alpha" build; "omega" rewrote one of them.
    expect(appCaches()).toHaveLength(1);
    expect(run(["--max-semi-space-size=8"])).toBe("omega");
    expect(appCaches()).toHaveLength(2);
    // A cache of this build made under other options stays; so do other bundles' caches and files that are no cache.
    const vendorCaches = cachesOf(`vendor-${name}.js`);
    writeFileSync(path.join(bundleDir, `${name}.js.notes`), "kept");
    writeFileSync(appEntry, 'import { parse } from "yaml";\nconst greeting: string = parse("gamma");\nconsole.log(greeting);\n');
    expect(run()).toBe("gamma");
    expect(appCaches()).toHaveLength(1);
    expect(readdirSync(bundleDir)).toEqual(expect.arrayContaining([...vendorCaches, `${name}.js.notes`]));
  });
});

describe("the app launcher's vendor bundle", () => {
  const entry = path.join(scratch, `${name}-cdktf.ts`);
  const outdir = path.join(scratch, "cdktf.out");
  writeFileSync(
    entry,
    `import { App, TerraformStack } from "cdktf";\nimport { z } from "zod";\nconst app = new App({ outdir: ${JSON.stringify(outdir)} });\nnew TerraformStack(app, z.string().parse("alpha"));\napp.synth();\nconsole.log(app.node.children.map((stack) => stack.node.id).join());\n`,
  );
  const vendor = () => readFileSync(path.join(bundleDir, `vendor-${name}-cdktf.js`));

  it("is ASCII, so that it is read without decoding, though a comment of zod's is not", () => {
    expect(run([], {}, entry)).toBe("alpha");
    expect(readFileSync(path.join(root, "node_modules", "zod", "v4", "core", "checks.cjs"), "utf8")).toContain("multiple of zero \u2014");
    expect(isAscii(vendor())).toBe(true);
    expect(vendor().toString("latin1")).toContain("multiple of zero \\u2014");
    expect(run([], {}, entry)).toBe("alpha"); // and from its code cache
  });

  it("holds cdktf's archiver as the stub that loads it at its first call", () => {
    const source = vendor().toString("latin1");
    expect(source).toContain("// scripts/lib/lazy-archiver.cjs");
    expect(source).not.toContain("// node_modules/cdktf/node_modules/archiver/");
  });

  it("holds cdktf's JSON writer as the project's, which writes the same text (stable-json.test.ts)", () => {
    const source = vendor().toString("latin1");
    expect(source).toContain("// scripts/lib/stable-json.cjs");
    expect(source).not.toContain("// node_modules/cdktf/node_modules/json-stable-stringify/");
    const written = readFileSync(path.join(outdir, "stacks", "alpha", "cdk.tf.json"), "utf8");
    expect(written).toBe(realStableStringify(JSON.parse(written), { space: 2 }));
  });
});
