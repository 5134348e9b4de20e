import { spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "fs";
import * as path from "path";

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
const entry = path.join(scratch, `${name}.ts`);

/** Runs `entry` through the runner in a process of its own (the cache is written at exit); what it printed. */
function run(): string {
  const runner = path.join(root, "scripts", "lib", "esbuild-runner.cjs");
  const script = `require(${JSON.stringify(runner)}).requireTypeScript(${JSON.stringify(root)}, ${JSON.stringify(entry)}, { cache: ${JSON.stringify(cache)}, fastStart: true })`;
  const result = spawnSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" });
  expect(result.stderr).toBe("");
  return result.stdout.trim();
}

afterAll(() => {
  rmSync(cacheDir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

describe("the app launcher's code cache", () => {
  it("is written by the first run and read, not rewritten, by the next", () => {
    writeFileSync(entry, 'import { parse } from "yaml";\nconst greeting: string = parse("alpha");\nconsole.log(greeting);\n');
    expect(run()).toBe("alpha");
    const caches = readdirSync(cacheDir).filter((file) => file.endsWith(".v8"));
    expect(caches.sort()).toEqual([`${name}.js.v8`, `vendor-${name}.js.v8`]);
    const written = statSync(path.join(cacheDir, `${name}.js.v8`)).mtimeMs;
    expect(run()).toBe("alpha");
    expect(statSync(path.join(cacheDir, `${name}.js.v8`)).mtimeMs).toBe(written);
  });

  it("is not used for a rebuilt bundle of the same length", () => {
    writeFileSync(entry, 'import { parse } from "yaml";\nconst greeting: string = parse("omega");\nconsole.log(greeting);\n');
    expect(run()).toBe("omega");
    expect(run()).toBe("omega");
  });
});
