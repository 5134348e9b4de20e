import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { cachedBundle } from "../scripts/lib/esbuild-runner.cjs";

/**
 * scripts/lib/esbuild-runner.cjs, which runs the app (scripts/app.cjs) and the cost commands: the bundle is built
 * once and reused until a file it was built from, a folder of one, or a file it is told it depends on changes.
 * Run on a small project of its own, so each build takes milliseconds.
 */

interface Project {
  readonly root: string;
  build(): { file?: string; errors?: string[] };
  /** Rewrites a file of the project, with a later mtime than it had. */
  write(file: string, text: string): void;
  /** The bundle's mtime: a rebuild writes it anew. */
  builtAt(): number;
}

function project(): Project {
  const root = mkdtempSync(path.join(tmpdir(), "cryptopulse-runner-"));
  let clock = Date.now() / 1000 - 1000;
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
    clock += 10;
    utimesSync(path.join(root, file), clock, clock);
  };
  write("main.ts", 'import { greeting } from "./lib/greeting";\nexport const message: string = greeting;\n');
  write("lib/greeting.ts", 'export const greeting = "hello";\n');
  write("extra.json", "{}");
  return {
    root,
    build: () => cachedBundle(root, "main.ts", { cache: "runner-test", dependsOn: ["extra.json"] }),
    write,
    builtAt: () => statSync(path.join(root, "node_modules", ".cache", "runner-test", "main.js")).mtimeMs,
  };
}

describe("the esbuild runner", () => {
  it("reuses the bundle while nothing it was built from changed", () => {
    const app = project();
    expect(app.build().file).toBe(path.join(app.root, "node_modules", ".cache", "runner-test", "main.js"));
    const first = app.builtAt();
    app.build();
    expect(app.builtAt()).toBe(first);
  });

  it.each([
    ["an imported file is edited", (app: Project) => app.write("lib/greeting.ts", 'export const greeting = "hi";\n')],
    ["a file is added beside an imported one", (app: Project) => app.write("lib/other.ts", "export {};\n")],
    ["a file it depends on changes", (app: Project) => app.write("extra.json", '{"changed": true}')],
  ])("rebuilds when %s", (_what, change) => {
    const app = project();
    app.build();
    const first = app.builtAt();
    change(app);
    app.build();
    expect(app.builtAt()).not.toBe(first);
  });

  it("rebuilds with the new source", () => {
    const app = project();
    app.build();
    app.write("lib/greeting.ts", 'export const greeting = "hi";\n');
    expect(readFileSync(app.build().file!, "utf8")).toContain('"hi"');
  });

  it("keeps apart the bundles of two entries of the same name, each under its own path", () => {
    const app = project();
    app.write("tools/index.ts", 'export const tool: string = "tools";\n');
    app.write("reports/index.ts", 'export const tool: string = "reports";\n');
    const build = (entry: string) => cachedBundle(app.root, entry, { cache: "runner-test" }).file!;
    const tools = build("tools/index.ts");
    const reports = build("reports/index.ts");
    expect(path.relative(app.root, tools)).toBe(path.join("node_modules", ".cache", "runner-test", "tools", "index.js"));
    expect(path.relative(app.root, reports)).toBe(path.join("node_modules", ".cache", "runner-test", "reports", "index.js"));
    // The second build must not take the first one's manifest for its own, now or on the next run.
    expect(readFileSync(build("tools/index.ts"), "utf8")).toContain('"tools"');
    expect(readFileSync(build("reports/index.ts"), "utf8")).toContain('"reports"');
  });

  it("refuses an entry outside the project root, whose bundle would land outside the cache", () => {
    const app = project();
    expect(() => cachedBundle(app.root, "../elsewhere.ts", { cache: "runner-test" })).toThrow(`esbuild runner: ../elsewhere.ts is not inside the project root ${app.root}`);
  });

  it("names each build error in one line, writing no bundle", () => {
    const app = project();
    app.write("lib/greeting.ts", "export const greeting = ;\n");
    expect(app.build()).toEqual({ errors: ['lib/greeting.ts:1:25: Unexpected ";"'] });
    expect(existsSync(path.join(app.root, "node_modules"))).toBe(false);
  });
});
