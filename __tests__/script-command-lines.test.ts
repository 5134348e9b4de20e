import { spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";

/**
 * Every script a user or a workflow runs answers its command line alike (scripts/lib/cli.mjs): -h/--help prints
 * the usage on stdout and exits 0 without doing anything else; an option it does not know is one line on stderr,
 * `<script>: … (see --help)`, and exit 2. The scripts are package.json's (with the arguments the npm script
 * passes) and every other entry script under scripts/ (its `#!/usr/bin/env node` line), so a new one is covered
 * without a change here.
 */

const ROOT = path.resolve(__dirname, "..");
const packageScripts = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
/** The npm scripts that run another project's command, which answers --help its own way. */
const TOOLS: Readonly<Record<string, string>> = { synth: "cdktf", typecheck: "tsc", lint: "eslint", test: "jest", "test:integration": "jest" };

interface Script {
  /** How a user types it. */
  readonly command: string;
  readonly runner: "node" | "bash";
  readonly file: string;
  /** Arguments the npm script always passes. */
  readonly args: readonly string[];
  /** How it is run: its usage names one of these. */
  readonly invocations: readonly string[];
}

/** `[NAME=value …] node|bash <file> [args]`, or undefined for anything else. */
function ownScript(npmName: string, line: string): Script | undefined {
  const words = line.trim().split(/\s+/);
  while (/^[A-Z_]+=/.test(words[0] ?? "")) words.shift();
  const [runner, file, ...args] = words;
  if ((runner !== "node" && runner !== "bash") || !file) return undefined;
  return { command: `npm run ${npmName}`, runner, file, args, invocations: [`npm run ${npmName}`, file] };
}

const fromPackage = Object.entries(packageScripts).flatMap(([name, line]) => ownScript(name, line) ?? []);
const entryScripts = ["scripts", path.join("scripts", "ci")].flatMap((dir) =>
  readdirSync(path.join(ROOT, dir))
    .filter((name) => name.endsWith(".mjs") && readFileSync(path.join(ROOT, dir, name), "utf8").startsWith("#!/usr/bin/env node"))
    .map((name) => path.join(dir, name)),
);
const scripts: Script[] = [
  ...fromPackage,
  ...entryScripts
    .filter((file) => !fromPackage.some((script) => script.file === file))
    .map((file): Script => ({ command: `node ${file}`, runner: "node", file, args: [], invocations: [file] })),
];

/** Runs the script from the checkout with a home, a temporary folder and a toolbox cache of its own, all empty. */
function run(script: Script, extra: readonly string[]) {
  const scratch = mkdtempSync(path.join(tmpdir(), "cryptopulse-command-line-"));
  const dirs = { HOME: path.join(scratch, "home"), TMPDIR: path.join(scratch, "tmp"), CRYPTOPULSE_TOOLBOX_CACHE: path.join(scratch, "toolbox") };
  for (const dir of Object.values(dirs)) mkdirSync(dir);
  const before = gitStatus();
  const result = spawnSync(script.runner === "node" ? process.execPath : "bash", [script.file, ...script.args, ...extra], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...dirs },
    encoding: "utf8",
  });
  const written = Object.values(dirs).flatMap((dir) => readdirSync(dir).map((name) => path.join(dir, name)));
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, written, checkoutChanged: gitStatus() !== before };
}

const gitStatus = () => spawnSync("git", ["status", "--porcelain"], { cwd: ROOT, encoding: "utf8" }).stdout;

describe("the scripts' command lines", () => {
  it("cover every npm script that is not another project's command, and every entry script", () => {
    const others = Object.entries(packageScripts).filter(([name, line]) => !ownScript(name, line));
    expect(Object.fromEntries(others.map(([name, line]) => [name, line.trim().split(/\s+/).find((word) => !word.includes("="))]))).toEqual(TOOLS);
    expect(scripts.length).toBeGreaterThanOrEqual(fromPackage.length + 7);
  });

  it.each(scripts.map((script) => [script.command, script] as const))("%s --help prints its usage and does nothing else", (_command, script) => {
    const result = run(script, ["--help"]);
    expect({ status: result.status, stderr: result.stderr, written: result.written, checkoutChanged: result.checkoutChanged }).toEqual({ status: 0, stderr: "", written: [], checkoutChanged: false });
    expect(script.invocations.filter((invocation) => result.stdout.includes(invocation))).not.toEqual([]);
    expect(run(script, ["-h"]).stdout).toBe(result.stdout);
  });

  it.each(scripts.map((script) => [script.command, script] as const))("%s refuses an unknown option in one line, exit 2", (_command, script) => {
    const result = run(script, ["--no-such-option"]);
    expect({ status: result.status, stdout: result.stdout, written: result.written, checkoutChanged: result.checkoutChanged }).toEqual({ status: 2, stdout: "", written: [], checkoutChanged: false });
    expect(result.stderr).toMatch(/^[\w.-]+: unknown option --no-such-option; the options are .*-h\/--help \(see --help\)\n$/);
  });
});

describe("docs/scripts.md", () => {
  it("shows what the scripts print for a bad argument", () => {
    const page = readFileSync(path.join(ROOT, "docs", "scripts.md"), "utf8");
    const lines = (/```\n([\s\S]*?)```/.exec(page)?.[1] ?? "").split("\n").map((line) => line.trim()).filter(Boolean);
    const examples = lines.flatMap((line, index) => (line.startsWith("$ ") ? [{ typed: line.slice(2), shown: lines[index + 1] }] : []));
    expect(examples.length).toBeGreaterThan(0);
    for (const { typed, shown } of examples) {
      const [, name, args] = /^npm run (\S+) -- (.*)$/.exec(typed) ?? [];
      const script = scripts.find((candidate) => candidate.command === `npm run ${name}`);
      if (!script) throw new Error(`docs/scripts.md: ${typed} runs no script of package.json`);
      expect({ typed, ...run(script, args.split(" ")) }).toMatchObject({ typed, status: 2, stderr: `${shown}\n` });
    }
  });
});
