import { readdirSync, readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { parseCostArguments } from "../cost/cli";
import { parseReportArguments } from "../cost/report";
import { loadCdktfCli } from "./cdktf-cli";
import { checkCommand, checkDocs, commandsOf, markdownFiles, snippetsOf, type ArgumentCheck, type CheckContext, type Finding } from "./doc-commands";
import { sharedPlatformSynth } from "./helpers";

/**
 * Every `cdktf …` and `npm run …` command of README.md and docs/**.md, in
 * shell blocks and inline code, is one that works: the npm script exists; the
 * cdktf command, its options and the number of its arguments are what the
 * installed CLI declares (read from its sources, __tests__/cdktf-cli.ts); each
 * stack argument matches a stack of the synthesized app (both environments),
 * `cdktf diff` gets exactly one stack by name, and `cdktf deploy` includes
 * the stacks its stacks depend on, as cdktf demands. Placeholders (`<env>`,
 * `$ENV`, `{stack}`, `…`) must still fit a stack name (__tests__/doc-commands.ts).
 * And the README's table of the suites that need tools names each suite's
 * skip line, its CRYPTOPULSE_REQUIRE_ variable and whether CI (.ci/run, which
 * the pull-request workflow runs) sets it.
 */

const ROOT = path.resolve(__dirname, "..");
const cli = loadCdktfCli();
const scripts = new Set(Object.keys((JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts));
let context: CheckContext;

/** A parser that throws on a bad command line, as a check: its message, or undefined. */
const refusal =
  (parse: (args: readonly string[]) => unknown): ArgumentCheck =>
  (args) => {
    try {
      parse(args);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };
/** The scripts whose documented options are held to their parsers. */
const scriptArguments = new Map([
  ["cost", refusal(parseCostArguments)],
  ["cost:report", refusal(parseReportArguments)],
]);

beforeAll(() => {
  // Both environments, the Terraform Cloud bootstrap stack and the default (local) state, whatever the shell exports.
  const outdir = sharedPlatformSynth({ CRYPTOPULSE_TFC_BOOTSTRAP: "true", CRYPTOPULSE_TFC_ORGANIZATION: "cryptopulse" });
  const manifest = JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, { name: string; dependencies: string[] }> };
  context = { cli, scripts, scriptArguments, stacks: { dependencies: new Map(Object.values(manifest.stacks).map((stack) => [stack.name, stack.dependencies])) } };
});

const report = (findings: readonly Finding[]) => findings.map((finding) => `${finding.where}: ${finding.command}\n    ${finding.problem}`).join("\n");

describe("the commands in the documentation", () => {
  it("are found in README.md and every page under docs/", () => {
    const { commands } = checkDocs(ROOT, markdownFiles(ROOT), context);
    expect(commands.filter((command) => command.tool === "cdktf").length).toBeGreaterThan(10);
    expect(commands.filter((command) => command.tool === "npm").length).toBeGreaterThan(10);
  });

  it("are accepted by the cdktf CLI, package.json and the synthesized stacks", () => {
    const { findings } = checkDocs(ROOT, markdownFiles(ROOT), context);
    if (findings.length > 0) throw new Error(`${findings.length} documented command(s) would fail:\n${report(findings)}`);
  });
});

describe("the cdktf CLI as its sources declare it", () => {
  it(`is cdktf-cli ${cli.version}: diff takes one stack, deploy and destroy any number of patterns`, () => {
    expect(cli.commands.get("diff")?.positionals).toEqual([{ name: "stack", required: false, variadic: false }]);
    expect(cli.commands.get("plan")?.source).toBe("src/bin/cmds/diff.ts");
    expect(cli.commands.get("deploy")?.positionals).toEqual([{ name: "stacks", required: false, variadic: true }]);
    expect(cli.commands.get("destroy")?.positionals).toEqual([{ name: "stacks", required: false, variadic: true }]);
    expect(cli.commands.get("synth")?.positionals).toEqual([]);
    expect(cli.commands.get("deploy")?.options.get("ignore-missing-stack-dependencies")).toBe(false);
    expect(cli.commands.get("diff")?.options.has("ignore-missing-stack-dependencies")).toBe(false);
    expect(cli.commands.get("deploy")?.options.get("var")).toBe(true);
  });
});

describe("the check itself", () => {
  const findingsIn = (markdown: string) =>
    snippetsOf("page.md", markdown)
      .flatMap(commandsOf)
      .flatMap((command) => checkCommand(command, context));

  it.each([
    ["a glob given to diff", "```sh\nnpx cdktf diff 'cryptopulse-staging-*'\n```", "page.md:2", "takes one stack by its exact name"],
    ["two stacks given to diff", "`cdktf diff cryptopulse-staging-edge cryptopulse-staging-data-fra1`", "page.md:1", "takes at most 1 (stack)"],
    ["diff without a stack in a block", "```sh\ncdktf diff\n```", "page.md:2", "needs a stack: the app has 15"],
    ["an unknown subcommand", "Run `cdktf apply-all cryptopulse-staging-edge`.", "page.md:1", 'has no command "apply-all"'],
    ["an option of another command", "```sh\ncdktf diff cryptopulse-staging-edge --auto-approve\n```", "page.md:2", "has no option --auto-approve"],
    ["a misspelt stack", "```sh\ncdktf deploy cryptopulse-staging-network-fra2\n```", "page.md:2", "no stack matches cryptopulse-staging-network-fra2"],
    ["a placeholder that fits no stack", "`cdktf diff cryptopulse-<env>-edges`", "page.md:1", "no stack matches cryptopulse-<env>-edges"],
    ["a shell variable kept literal by single quotes", "```sh\ncdktf deploy 'cryptopulse-$ENV-*'\n```", "page.md:2", "no stack matches 'cryptopulse-$ENV-*'"],
    ["an unquoted pattern", "```sh\ncdktf deploy cryptopulse-staging-*\n```", "page.md:2", "quote the pattern"],
    ["a deploy without its dependencies", "```sh\n# redeploy\ncdktf deploy cryptopulse-$ENV-data-$PRIMARY\n```", "page.md:3", "without the dependencies cryptopulse-production-cluster-fra1, cryptopulse-production-network-fra1 (with env=production, primary=fra1)"],
    ["a destroy without its dependants", "```sh\ncdktf destroy cryptopulse-staging-platform-fra1\n```", "page.md:2", "without the dependants cryptopulse-staging-edge"],
    ["positionals where synth takes none", "`npx cdktf synth cryptopulse-staging-edge`", "page.md:1", "takes no arguments"],
    ["a missing npm script", "Run `npm run -s build` first.", "page.md:1", 'no script "build"'],
    ["an option the cost command does not take", "```sh\nnpm run cost -- --group-by owner\n```", "page.md:2", 'npm run cost: --group-by needs one of service, team, layer, stack, not "owner"'],
    ["an option the cost report does not take", "`npm run -s cost:report -- --dry-run`", "page.md:1", "npm run cost:report: unknown option --dry-run"],
    ["a command continued on the next line", "```sh\nexport X=1\nnpx cdktf deploy cryptopulse-staging-edge \\\n  --auto-aprove\n```", "page.md:3", "has no option --auto-aprove"],
  ])("flags %s", (_what, markdown, where, problem) => {
    const findings = findingsIn(markdown);
    expect(findings).toHaveLength(1);
    expect(findings[0].where).toBe(where);
    expect(findings[0].problem).toContain(problem);
  });

  it.each([
    ["a command named in prose", "`cdktf deploy` orders stacks; `cdktf output` prints outputs"],
    ["one stack per diff", "```sh\nnpx cdktf diff cryptopulse-production-edge --skip-synth --no-color\n```"],
    ["a deploy of a whole environment", "```sh\nnpx cdktf deploy 'cryptopulse-staging-*' --auto-approve\n```"],
    ["a deploy of a stack whose dependencies are deployed", "`cdktf deploy cryptopulse-$ENV-edge --ignore-missing-stack-dependencies`"],
    ["a deploy with its dependencies, placeholders bound alike", "```sh\ncdktf deploy cryptopulse-$ENV-network-$DR cryptopulse-$ENV-cluster-$DR\n```"],
    ["placeholders", "`npx cdktf diff <stack>` and `cdktf diff cryptopulse-<env>-…`"],
    ["the stack of deploy-order's --run", "```sh\nnode scripts/ci/deploy-order.mjs --environment staging --run -- npx cdktf diff '{stack}' --skip-synth\n```"],
    ["a global option and an option value", "```sh\ncdktf deploy cryptopulse-staging-network-fra1 --var-file prod.tfvars --outputs-file=out.json --disable-plugin-cache-env\n```"],
    ["npm scripts with arguments", "```sh\nnpm run -s cost -- --json\nnpm test -- __tests__/config.test.ts\n```"],
    ["the cost command's and the cost report's options", "```sh\nnpm run cost -- --group-by team --json\nnpm run cost:report -- --no-slack\n```"],
    ["redirections and comments", "```sh\nnpx cdktf diff \"$stack\" < /dev/null > \"plans/$stack.log\" 2>&1   # one stack\n```"],
  ])("accepts %s", (_what, markdown) => {
    expect(report(findingsIn(markdown))).toBe("");
  });
});

describe("the README's table of the suites that need tools", () => {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8").split("\n");
  const header = readme.indexOf("| suite | needs | variable | CI |");
  const rows = readme
    .slice(header + 2, readme.findIndex((line, index) => index > header && !line.startsWith("|")))
    .map((line) => line.split(" | ").map((cell) => cell.replace(/[|`]/g, "").trim()))
    .map(([suite, , variable, workflow]) => ({ suite, variable, workflow }));
  const sources = (dir: string, extension: string) =>
    readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
      .filter((name) => name.endsWith(extension))
      .map((name) => readFileSync(path.join(ROOT, dir, name), "utf8"));

  it("has a row per suite, by the name and the variable of its skip line", () => {
    // Files that need the same tool may share a suite name, and so its skip line (the reporter prints it once).
    const declared = [
      ...new Set(
        sources("__tests__", ".test.ts").flatMap((source) =>
          [...source.matchAll(/requireTool(?:<\w+>)?\(\{\s*suite: "([^"]+)",\s*requireVariable: "(\w+)"/g)].map(([, suite, variable]) => `${suite}: ${variable}`),
        ),
      ),
    ];
    expect(header).toBeGreaterThan(0);
    expect(rows.map((row) => `${row.suite}: ${row.variable}`).sort()).toEqual(declared.sort());
  });

  it("names every CRYPTOPULSE_REQUIRE_ variable the tests and scripts read", () => {
    const read = new Set([...sources("__tests__", ".ts"), ...sources("scripts", ".mjs")].flatMap((source) => source.match(/CRYPTOPULSE_REQUIRE_[A-Z_]+/g) ?? []));
    expect([...read].sort()).toEqual(rows.map((row) => row.variable).sort());
  });

  it("marks the variables CI sets: .ci/run's, which the pull-request workflow runs as it is", () => {
    const ciRun = readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
    const set = [...new Set([...ciRun.matchAll(/\b(CRYPTOPULSE_REQUIRE_[A-Z_]+)=1\b/g)].map(([, name]) => name))];
    expect(rows.filter((row) => row.workflow === "yes").map((row) => row.variable).sort()).toEqual(set.sort());
    const workflow = parse(readFileSync(path.join(ROOT, ".github", "workflows", "pull-request.yml"), "utf8")) as { jobs: Record<string, { steps: { run?: string }[] }> };
    expect(workflow.jobs.checks.steps.map((step) => step.run?.trim())).toContain("bash .ci/run");
    expect(rows.every((row) => ["yes", "no"].includes(row.workflow))).toBe(true);
  });
});
