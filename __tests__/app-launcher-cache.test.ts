import { spawnSync } from "child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

/**
 * scripts/app.cjs runs its bundles from a V8 code cache. V8 checks a cache
 * against the source's length only, so a rebuilt bundle of the same length
 * must not run from the old bundle's cache.
 */
const root = path.resolve(__dirname, "..");
const cacheDir = path.join(root, "node_modules", ".cache", "cryptopulse-app");
const scratch = mkdtempSync(path.join(tmpdir(), "cryptopulse-launcher-"));
const name = path.basename(scratch);
const entry = path.join(scratch, `${name}.ts`);

/** Runs `entry` through the launcher in a process of its own (the cache is written at exit); what it printed. */
function run(): string {
  const script = `require(${JSON.stringify(path.join(root, "scripts", "app.cjs"))}).runBundled(${JSON.stringify(entry)})`;
  const result = spawnSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" });
  expect(result.stderr).toBe("");
  return result.stdout.trim();
}

afterAll(() => {
  for (const file of readdirSync(cacheDir).filter((file) => file.includes(name))) rmSync(path.join(cacheDir, file));
  rmSync(scratch, { recursive: true, force: true });
});

describe("the app launcher's code cache", () => {
  it("is written by the first run and read, not rewritten, by the next", () => {
    writeFileSync(entry, 'const greeting: string = "alpha";\nconsole.log(greeting);\n');
    expect(run()).toBe("alpha");
    const cache = path.join(cacheDir, `${name}.js.v8`);
    const written = statSync(cache).mtimeMs;
    expect(run()).toBe("alpha");
    expect(statSync(cache).mtimeMs).toBe(written);
  });

  it("is not used for a rebuilt bundle of the same length", () => {
    writeFileSync(entry, 'const greeting: string = "omega";\nconsole.log(greeting);\n');
    expect(run()).toBe("omega");
    expect(run()).toBe("omega");
  });
});
