import { existsSync, readdirSync, readFileSync } from "fs";
import * as path from "path";
import type { CdktfCli, CliCommand } from "./cdktf-cli";

/**
 * Finds the `cdktf …` and `npm run …` commands of markdown pages (fenced shell
 * blocks and inline code spans) and checks them against the installed cdktf
 * CLI, package.json's scripts and the synthesized app's stacks.
 *
 * Placeholders: `<name>` (anywhere), `$NAME` / `${NAME}` (shell variables,
 * not inside single quotes, where the shell keeps them literal), `{name}`
 * (the `{stack}` of scripts/ci/deploy-order.mjs --run) and `…` / `...`
 * (an elided part). A placeholder stands for a non-empty part of a stack
 * name, so `cryptopulse-<env>-edge` must still match a stack; the same name
 * (`$ENV`, `<env>`) stands for the same value throughout one command.
 */

// ---------------------------------------------------------------- markdown

export interface Snippet {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  /** A fenced block holds whole commands; an inline span may just name one (`cdktf deploy`). */
  readonly inline: boolean;
}

/** Info strings of fenced blocks that hold shell commands; other blocks (ts, sql, mermaid, output) are not commands. */
const SHELL_BLOCKS = new Set(["sh", "bash", "shell", "console", "zsh"]);

/** README.md and every markdown file under docs/, so new pages are covered without a change here. */
export function markdownFiles(root: string): string[] {
  const docs = path.join(root, "docs");
  const pages = existsSync(docs)
    ? readdirSync(docs, { recursive: true, encoding: "utf8" })
        .filter((name) => name.endsWith(".md"))
        .map((name) => path.join("docs", name))
        .sort()
    : [];
  return ["README.md", ...pages];
}

/** Fenced shell blocks and inline code spans outside fences, with the line each starts on. */
export function snippetsOf(file: string, markdown: string): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = markdown.split("\n");
  let prose: { text: string; line: number }[] = [];
  const flushProse = () => {
    snippets.push(...inlineSpans(file, prose));
    prose = [];
  };
  for (let index = 0; index < lines.length; index++) {
    const fence = /^\s*(`{3,}|~{3,})\s*([\w+-]*)/.exec(lines[index]);
    if (!fence) {
      if (lines[index].trim() === "") flushProse();
      else prose.push({ text: lines[index], line: index + 1 });
      continue;
    }
    flushProse();
    const start = index + 1;
    const close = new RegExp(`^\\s*${fence[1][0]}{${fence[1].length},}\\s*$`);
    const body: string[] = [];
    for (index++; index < lines.length && !close.test(lines[index]); index++) body.push(lines[index]);
    if (SHELL_BLOCKS.has(fence[2].toLowerCase())) snippets.push({ file, line: start + 1, text: body.join("\n"), inline: false });
  }
  flushProse();
  return snippets;
}

/** CommonMark code spans of one paragraph: a run of n backticks up to the next run of exactly n. */
function inlineSpans(file: string, paragraph: readonly { text: string; line: number }[]): Snippet[] {
  const text = paragraph.map((entry) => entry.text).join("\n");
  const lineAt = (offset: number) => paragraph[text.slice(0, offset).split("\n").length - 1].line;
  const spans: Snippet[] = [];
  const opener = /`+/g;
  let match: RegExpExecArray | null;
  while ((match = opener.exec(text))) {
    const ticks = match[0];
    const closer = new RegExp(`(?<!\`)${ticks}(?!\`)`, "g");
    closer.lastIndex = match.index + ticks.length;
    const end = closer.exec(text);
    if (!end) continue;
    spans.push({ file, line: lineAt(match.index), text: text.slice(match.index + ticks.length, end.index).replace(/\n/g, " ").trim(), inline: true });
    opener.lastIndex = end.index + ticks.length;
  }
  return spans;
}

// ---------------------------------------------------------------- shell words

type Quote = "none" | "single" | "double";

interface Segment {
  readonly text: string;
  readonly quote: Quote;
}

interface Word {
  readonly segments: readonly Segment[];
  readonly raw: string;
}

export interface ShellCommand {
  readonly line: number;
  readonly words: readonly Word[];
}

const valueOf = (word: Word) => word.segments.map((segment) => segment.text).join("");

/**
 * Splits shell text into simple commands (at newlines, `;`, `&&`, `||`, `|`,
 * `&`, parentheses and command substitutions) of words, keeping how each part
 * was quoted. Comments and redirections are dropped. Enough shell for
 * documentation, not a shell.
 */
export function shellCommands(text: string, firstLine: number): ShellCommand[] {
  const commands: ShellCommand[] = [];
  let line = firstLine;
  let words: Word[] = [];
  let segments: Segment[] = [];
  let rawStart = -1;
  let commandLine = line;
  let discardNext = false;

  const endWord = (at: number) => {
    if (segments.length > 0) {
      const word = { segments, raw: text.slice(rawStart, at) };
      if (discardNext) discardNext = false;
      else words.push(word);
    }
    segments = [];
    rawStart = -1;
  };
  const endCommand = (at: number) => {
    endWord(at);
    if (words.length > 0) commands.push({ line: commandLine, words });
    words = [];
  };
  const add = (textPart: string, quote: Quote, at: number) => {
    if (segments.length === 0) {
      rawStart = at;
      if (words.length === 0) commandLine = line;
    }
    segments.push({ text: textPart, quote });
  };

  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "\n") {
      endCommand(i);
      line++;
    } else if (char === " " || char === "\t") {
      endWord(i);
    } else if (char === "\\") {
      if (text[i + 1] === "\n") {
        endWord(i);
        line++;
      } else if (i + 1 < text.length) add(text[i + 1], "single", i);
      i++;
    } else if (char === "'") {
      const end = text.indexOf("'", i + 1);
      const close = end === -1 ? text.length : end;
      add(text.slice(i + 1, close), "single", i);
      line += text.slice(i + 1, close).split("\n").length - 1;
      i = close;
    } else if (char === '"') {
      let value = "";
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === "\\" && ['"', "\\", "$", "`"].includes(text[j + 1])) value += text[++j];
        else value += text[j];
      }
      add(value, "double", i);
      line += value.split("\n").length - 1;
      i = j;
    } else if (char === "#" && segments.length === 0) {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
    } else if (char === "$" && text[i + 1] === "(") {
      endCommand(i);
      i++;
    } else if (";&|()`".includes(char)) {
      endCommand(i);
    } else if (char === "<" && /^<[^\s<>|;&]+>/.test(text.slice(i))) {
      const placeholder = /^<[^\s<>|;&]+>/.exec(text.slice(i))![0];
      add(placeholder, "none", i);
      i += placeholder.length - 1;
    } else if (char === "<" || char === ">") {
      // A redirection: drop a file-descriptor number before it and the target after it.
      if (/^\d+$/.test(segments.map((segment) => segment.text).join(""))) segments = [];
      endWord(i);
      while (i + 1 < text.length && "<>&|".includes(text[i + 1])) i++;
      if (text[i] === "&") {
        while (i + 1 < text.length && /[\d-]/.test(text[i + 1])) i++;
      } else discardNext = true;
    } else {
      add(char, "none", i);
    }
  }
  endCommand(text.length);
  return commands.map((command) => ({ ...command, words: mergeAdjacent(command.words) }));
}

/** One segment per run of the same quoting, so `'a'b` reads as two parts and `abc` as one. */
function mergeAdjacent(words: readonly Word[]): Word[] {
  return words.map((word) => ({
    raw: word.raw,
    segments: word.segments.reduce<Segment[]>((merged, segment) => {
      const last = merged[merged.length - 1];
      if (last && last.quote === segment.quote) merged[merged.length - 1] = { text: last.text + segment.text, quote: last.quote };
      else merged.push(segment);
      return merged;
    }, []),
  }));
}

// ---------------------------------------------------------------- commands in the docs

export interface DocCommand {
  readonly tool: "cdktf" | "npm";
  readonly file: string;
  readonly line: number;
  /** The command as written, from the tool's name on. */
  readonly text: string;
  /** The words after the tool's name. */
  readonly args: readonly Word[];
  readonly inline: boolean;
}

/** Shell words that may precede a command without being one. */
const PREFIX_WORDS = new Set(["do", "then", "else", "{", "!", "time", "exec"]);

export function commandsOf(snippet: Snippet): DocCommand[] {
  return shellCommands(snippet.text, snippet.line).flatMap((command) => {
    const values = command.words.map(valueOf);
    let start = 0;
    while (start < values.length && (PREFIX_WORDS.has(values[start]) || /^[A-Za-z_]\w*=/.test(values[start]))) start++;
    const found: DocCommand[] = [];
    const make = (tool: DocCommand["tool"], at: number): DocCommand => ({
      tool,
      file: snippet.file,
      line: command.line,
      text: command.words.slice(at).map((word) => word.raw).join(" "),
      args: command.words.slice(at + 1),
      inline: snippet.inline,
    });
    if (values[start] === "npm") found.push(make("npm", start));
    const cdktf = values.findIndex((value, index) => (value === "cdktf" || value.endsWith("/cdktf")) && (index === start || afterNpx(values, index)));
    if (cdktf !== -1) found.push(make("cdktf", cdktf));
    return found;
  });
}

/** `npx [flags] cdktf`. */
function afterNpx(values: readonly string[], index: number): boolean {
  let before = index - 1;
  while (before >= 0 && values[before].startsWith("-")) before--;
  return before >= 0 && values[before] === "npx";
}

// ---------------------------------------------------------------- stack arguments

type Part = { readonly kind: "text"; readonly text: string; readonly quoted: boolean } | { readonly kind: "placeholder"; readonly name?: string };

const PLACEHOLDER = /<([^<>\s]+)>|\{(\w+)\}|…|\.\.\.|\$\{(\w+)\}|\$(\w+)/g;

/** A word as text and placeholders (see the module comment for what counts as one). */
function partsOf(word: Word): Part[] {
  const parts: Part[] = [];
  for (const segment of word.segments) {
    let last = 0;
    for (const match of segment.text.matchAll(PLACEHOLDER)) {
      const shellVariable = match[3] ?? match[4];
      if (shellVariable && segment.quote === "single") continue;
      if (match.index > last) parts.push({ kind: "text", text: segment.text.slice(last, match.index), quoted: segment.quote !== "none" });
      const name = match[1] ?? match[2] ?? shellVariable;
      parts.push({ kind: "placeholder", ...(name ? { name: name.toLowerCase() } : {}) });
      last = match.index + match[0].length;
    }
    if (last < segment.text.length) parts.push({ kind: "text", text: segment.text.slice(last), quoted: segment.quote !== "none" });
  }
  return parts;
}

const GLOB = /[*?[\]]/;
const UNSUPPORTED_GLOB = /[{}()!+@]/;
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** minimatch's `*`, `?` and `[…]` (stack names hold no `/`); placeholders as lazy groups, or their bound value. */
function matcherOf(parts: readonly Part[], binding: Readonly<Record<string, string>> = {}, glob = true): RegExp {
  if (parts.length === 1 && parts[0].kind === "placeholder") {
    const name = parts[0].name;
    return name && binding[name] !== undefined ? new RegExp(`^${escapeRegExp(binding[name])}$`) : new RegExp(`^(?<${groupOf(name)}>.+)$`);
  }
  const seen = new Set<string>();
  let source = "";
  for (const part of parts) {
    if (part.kind === "text") {
      source += glob
        ? part.text.replace(/\[[^\]]*\]|[*?]|[^*?[]+/g, (piece) => (piece === "*" ? "[^/]*" : piece === "?" ? "[^/]" : piece.startsWith("[") ? piece : escapeRegExp(piece)))
        : escapeRegExp(part.text);
    } else if (!part.name) source += ".+?";
    else if (binding[part.name] !== undefined) source += escapeRegExp(binding[part.name]);
    else if (seen.has(part.name)) source += `\\k<${groupOf(part.name)}>`;
    else {
      seen.add(part.name);
      source += `(?<${groupOf(part.name)}>[a-z0-9-]+?)`;
    }
  }
  return new RegExp(`^${source}$`);
}

const groupOf = (name: string | undefined) => `p_${(name ?? "any").replace(/\W/g, "_")}`;

type Binding = Record<string, string>;

interface StackArgument {
  readonly raw: string;
  readonly parts: readonly Part[];
  readonly names: readonly string[];
}

export interface Stacks {
  /** Every stack of the synthesized app and the stacks it depends on (manifest.json). */
  readonly dependencies: ReadonlyMap<string, readonly string[]>;
}

function argumentOf(word: Word): StackArgument {
  const parts = partsOf(word);
  const names = [...new Set(parts.flatMap((part) => (part.kind === "placeholder" && part.name ? [part.name] : [])))];
  return { raw: word.raw, parts, names };
}

/** Bindings of the placeholders that make every argument match a stack, one per consistent choice. */
function bindingsOf(args: readonly StackArgument[], stacks: readonly string[], glob: boolean): Binding[] {
  let bindings: Binding[] = [{}];
  for (const arg of args.filter((candidate) => candidate.names.length > 0)) {
    const matcher = matcherOf(arg.parts, {}, glob);
    const own = stacks.flatMap((stack) => {
      const groups = matcher.exec(stack)?.groups;
      return groups ? [Object.fromEntries(arg.names.map((name) => [name, groups[groupOf(name)]]))] : [];
    });
    bindings = bindings.flatMap((binding) =>
      own.filter((candidate) => arg.names.every((name) => binding[name] === undefined || binding[name] === candidate[name])).map((candidate) => ({ ...binding, ...candidate })),
    );
    bindings = [...new Map(bindings.map((binding) => [JSON.stringify(binding), binding])).values()];
  }
  return bindings;
}

const described = (binding: Binding) => (Object.keys(binding).length ? ` (with ${Object.entries(binding).map(([name, value]) => `${name}=${value}`).join(", ")})` : "");

/**
 * How each command picks stacks, as cdktf-cli 0.21 does it (node_modules/cdktf-cli/bundle/bin/cmds/handlers.js.map:
 * @cdktf/cli-core/src/lib/cdktf-project.ts and helpers/stack-helpers.ts):
 * - diff: getSingleStack — one stack, found by its exact name (`stacks.find((s) => s.name === stackName)`), no pattern;
 *   required when the app has more than one stack;
 * - deploy: getMultipleStacks — each argument a minimatch pattern that must match a stack; then
 *   checkIfAllDependenciesAreIncluded refuses a stack whose dependencies are not selected too, unless
 *   --ignore-missing-stack-dependencies;
 * - destroy: the same patterns; checkIfAllDependantsAreIncluded refuses a stack whose dependants are not selected;
 * - output, watch: the same patterns, no dependency check.
 */
type Selection = "exact" | "patterns";
const SELECTION: Readonly<Record<string, { selection: Selection; check?: "dependencies" | "dependants" }>> = {
  diff: { selection: "exact" },
  deploy: { selection: "patterns", check: "dependencies" },
  destroy: { selection: "patterns", check: "dependants" },
  output: { selection: "patterns" },
  watch: { selection: "patterns" },
};

/** Problems with the stack arguments of one command, or none. */
function stackProblems(commandName: string, words: readonly Word[], flags: ReadonlySet<string>, stacks: Stacks): string[] {
  const rule = SELECTION[commandName];
  const args = words.map(argumentOf);
  const exact = rule.selection === "exact";
  const problems: string[] = [];
  for (const arg of args) {
    const text = arg.parts.filter((part): part is Extract<Part, { kind: "text" }> => part.kind === "text");
    if (exact && text.some((part) => GLOB.test(part.text))) {
      problems.push(`${arg.raw} is a pattern, but cdktf ${commandName} takes one stack by its exact name (getSingleStack)`);
    } else if (!exact && text.some((part) => UNSUPPORTED_GLOB.test(part.text))) {
      problems.push(`${arg.raw}: only the patterns *, ? and [...] are checked here`);
    } else if (!exact && text.some((part) => !part.quoted && GLOB.test(part.text))) {
      problems.push(`${arg.raw}: quote the pattern, or the shell expands it against the files in the directory first`);
    }
  }
  if (problems.length) return problems;
  const all = [...stacks.dependencies.keys()];
  const matching = (arg: StackArgument, binding: Binding) => all.filter((stack) => matcherOf(arg.parts, binding, !exact).test(stack));
  for (const arg of args) {
    if (matching(arg, {}).length === 0) problems.push(`no stack matches ${arg.raw}`);
  }
  if (problems.length) return problems;
  const bindings = bindingsOf(args, all, !exact);
  if (bindings.length === 0) return [`no stacks match ${args.map((arg) => arg.raw).join(" ")} with the same value for each placeholder`];
  if (!rule.check || flags.has("ignore-missing-stack-dependencies")) return [];
  const missingFor = (binding: Binding) => {
    const selected = new Set(args.flatMap((arg) => matching(arg, binding)));
    const needed = [...selected].flatMap((stack) =>
      rule.check === "dependencies"
        ? (stacks.dependencies.get(stack) ?? [])
        : [...stacks.dependencies].filter(([, dependencies]) => dependencies.includes(stack)).map(([dependant]) => dependant),
    );
    return [...new Set(needed.filter((stack) => !selected.has(stack)))].sort();
  };
  if (bindings.some((binding) => missingFor(binding).length === 0)) return [];
  const [first] = bindings;
  const what = rule.check === "dependencies" ? "dependencies" : "dependants";
  return [
    `cdktf ${commandName} refuses to run without the ${what} ${missingFor(first).join(", ")}${described(first)}: add them, or --ignore-missing-stack-dependencies when they are already deployed`,
  ];
}

// ---------------------------------------------------------------- checks

/** Checks the arguments after `--` of one npm script: the problem, or undefined when the script accepts them. */
export type ArgumentCheck = (args: readonly string[]) => string | undefined;

export interface CheckContext {
  readonly cli: CdktfCli;
  readonly scripts: ReadonlySet<string>;
  readonly stacks: Stacks;
  /** The npm scripts whose own command line is checked too, by the parser the script uses. */
  readonly scriptArguments?: ReadonlyMap<string, ArgumentCheck>;
}

function checkNpm(command: DocCommand, context: CheckContext): string[] {
  const { scripts } = context;
  const values = command.args.map(valueOf);
  const [verb, ...rest] = values;
  if (verb === "test" || verb === "t") return scripts.has("test") ? [] : ["package.json has no test script"];
  if (verb !== "run" && verb !== "run-script") return [];
  const scriptAt = rest.findIndex((value) => !value.startsWith("-"));
  if (scriptAt === -1) return [];
  const script = rest[scriptAt];
  if (!scripts.has(script)) return [`package.json has no script "${script}" (scripts: ${[...scripts].sort().join(", ")})`];
  const separator = rest.indexOf("--", scriptAt);
  const check = context.scriptArguments?.get(script);
  const problem = check && separator !== -1 ? check(rest.slice(separator + 1)) : undefined;
  return problem ? [`npm run ${script}: ${problem}`] : [];
}

function checkCdktf(command: DocCommand, context: CheckContext): string[] {
  const { cli } = context;
  if (command.args.length === 0) return command.inline ? [] : ["cdktf needs a command"];
  const [first, ...rest] = command.args;
  let spec: CliCommand | undefined = cli.commands.get(valueOf(first));
  if (!spec) return [`cdktf ${cli.version} has no command "${valueOf(first)}" (commands: ${[...cli.commands.keys()].sort().join(", ")})`];
  // A command named without arguments in prose (`cdktf deploy` orders stacks …) is a reference, not an invocation.
  if (command.inline && rest.length === 0) return [];

  const problems: string[] = [];
  const positionals: Word[] = [];
  const flags = new Set<string>();
  let words = rest;
  while (spec.subcommands.size > 0 && words.length > 0 && !valueOf(words[0]).startsWith("-")) {
    const sub: CliCommand | undefined = spec.subcommands.get(valueOf(words[0]));
    if (!sub) return [`cdktf ${spec.name} has no command "${valueOf(words[0])}" (${[...spec.subcommands.keys()].join(", ")})`];
    spec = sub;
    words = words.slice(1);
  }
  for (let i = 0; i < words.length; i++) {
    const value = valueOf(words[i]);
    if (value === "--") {
      positionals.push(...words.slice(i + 1));
      break;
    }
    if (!value.startsWith("-") || value === "-") {
      positionals.push(words[i]);
      continue;
    }
    const names = value.startsWith("--") ? [value.slice(2).split("=")[0]] : [...value.slice(1).split("=")[0]];
    for (const name of names) {
      const takesValue = spec.options.get(name) ?? cli.globalOptions.get(name);
      if (takesValue === undefined) problems.push(`cdktf ${spec.name} has no option ${name.length === 1 ? "-" : "--"}${name} (${spec.source})`);
      else if (takesValue && !value.includes("=")) i++;
      flags.add(name);
    }
  }

  const declared = spec.positionals;
  const variadic = declared.some((positional) => positional.variadic);
  if (!variadic && positionals.length > declared.length) {
    problems.push(`cdktf ${spec.name} takes ${declared.length === 0 ? "no arguments" : `at most ${declared.length} (${declared.map((p) => p.name).join(", ")})`}, got ${positionals.map((word) => word.raw).join(" ")} (${spec.source})`);
  }
  const missing = declared.filter((positional) => positional.required).length - positionals.length;
  if (missing > 0) problems.push(`cdktf ${spec.name} needs ${declared.map((p) => p.name).join(", ")} (${spec.source})`);

  const rule = SELECTION[spec.name];
  if (rule && problems.length === 0) {
    const stackCount = context.stacks.dependencies.size;
    if (positionals.length === 0 && stackCount > 1) problems.push(`cdktf ${spec.name} needs a stack: the app has ${stackCount}`);
    else problems.push(...stackProblems(spec.name, positionals, flags, context.stacks));
  }
  return problems;
}

export interface Finding {
  readonly where: string;
  readonly command: string;
  readonly problem: string;
}

/** Every problem of every command in `files` (paths relative to `root`). */
export function checkDocs(root: string, files: readonly string[], context: CheckContext): { commands: DocCommand[]; findings: Finding[] } {
  const commands = files.flatMap((file) => snippetsOf(file, readFileSync(path.join(root, file), "utf8")).flatMap(commandsOf));
  return { commands, findings: commands.flatMap((command) => checkCommand(command, context)) };
}

export function checkCommand(command: DocCommand, context: CheckContext): Finding[] {
  const problems = command.tool === "npm" ? checkNpm(command, context) : checkCdktf(command, context);
  return problems.map((problem) => ({ where: `${command.file}:${command.line}`, command: command.text, problem }));
}
