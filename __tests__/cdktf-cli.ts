import { readFileSync } from "fs";
import * as path from "path";
import ts from "typescript";

/**
 * The subcommands, positionals and options of the installed cdktf CLI, read
 * from its own yargs definitions rather than written down here, so the docs
 * check follows the CLI that `npm ci` installed. The bundle ships its
 * TypeScript sources in node_modules/cdktf-cli/bundle/bin/cdktf.js.map:
 * src/bin/cdktf.ts registers each command module (`.command(require("./cmds/diff"))`)
 * and the global options; each src/bin/cmds/<name>.ts declares
 * `command = "diff [stack]"`, its `aliases` and its `.option(...)`s.
 */

export interface Positional {
  readonly name: string;
  readonly required: boolean;
  /** `[stacks..]`, `[stacks...]`, `<provider...>`: any number of words. */
  readonly variadic: boolean;
}

export interface CliCommand {
  readonly name: string;
  readonly positionals: readonly Positional[];
  /** Long names and aliases without dashes, each mapped to whether the option takes a value. */
  readonly options: ReadonlyMap<string, boolean>;
  /** Nested commands (`cdktf provider add`), by name and alias. */
  readonly subcommands: ReadonlyMap<string, CliCommand>;
  /** The source file that declares it, e.g. src/bin/cmds/diff.ts. */
  readonly source: string;
}

export interface CdktfCli {
  readonly version: string;
  /** Top-level commands by name and alias. */
  readonly commands: ReadonlyMap<string, CliCommand>;
  /** Options every command accepts (src/bin/cdktf.ts), plus yargs' own --help and --version. */
  readonly globalOptions: ReadonlyMap<string, boolean>;
}

const stringOf = (node: ts.Node | undefined): string | undefined => (node && ts.isStringLiteralLike(node) ? node.text : undefined);

function walk(node: ts.Node, visit: (node: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

/** `.name(...)` calls in a builder chain. */
function callsNamed(file: ts.SourceFile, name: string): ts.CallExpression[] {
  const calls: ts.CallExpression[] = [];
  walk(file, (node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === name) calls.push(node);
  });
  return calls;
}

/** `.command(require("./x"))`: the required module paths, in order. */
function requiredCommands(file: ts.SourceFile): string[] {
  return callsNamed(file, "command").flatMap((call) => {
    const [argument] = call.arguments;
    if (!argument || !ts.isCallExpression(argument) || !ts.isIdentifier(argument.expression) || argument.expression.text !== "require") return [];
    const required = stringOf(argument.arguments[0]);
    return required ? [required] : [];
  });
}

/** `.option("name", { alias, type, boolean })`: the name and aliases, and whether a value follows. */
function optionsOf(file: ts.SourceFile): Map<string, boolean> {
  const options = new Map<string, boolean>();
  for (const call of callsNamed(file, "option")) {
    const [nameNode, settings] = call.arguments;
    const name = stringOf(nameNode);
    if (!name) continue;
    const names = [name];
    let takesValue = true;
    if (settings && ts.isObjectLiteralExpression(settings)) {
      for (const property of settings.properties) {
        if (!ts.isPropertyAssignment(property) || !ts.isIdentifier(property.name)) continue;
        const key = property.name.text;
        const value = property.initializer;
        if (key === "alias") names.push(...(ts.isArrayLiteralExpression(value) ? value.elements.map(stringOf) : [stringOf(value)]).filter((alias): alias is string => !!alias));
        if ((key === "type" && stringOf(value) === "boolean") || (key === "boolean" && value.kind === ts.SyntaxKind.TrueKeyword)) takesValue = false;
      }
    }
    for (const each of names) options.set(each, takesValue);
  }
  return options;
}

/** The string initializer of a class property, e.g. `command = "diff [stack]"`. */
function propertyOf(file: ts.SourceFile, name: string): ts.Expression | undefined {
  let found: ts.Expression | undefined;
  walk(file, (node) => {
    if (ts.isPropertyDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === name) found = node.initializer;
  });
  return found;
}

/** yargs' command syntax: `<required>`, `[optional]`, `..`/`...` for variadic. */
function parsePositionals(words: readonly string[]): Positional[] {
  return words.map((word) => {
    const match = /^([<[])([\w-]+?)(\.\.\.?)?[>\]]$/.exec(word);
    if (!match) throw new Error(`cannot read the positional ${word}`);
    return { name: match[2], required: match[1] === "<", variadic: !!match[3] };
  });
}

/** Reads the installed cdktf CLI's commands from the sources in its bundle's source map. */
export function loadCdktfCli(): CdktfCli {
  const root = path.dirname(require.resolve("cdktf-cli/package.json"));
  const version = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
  const map = JSON.parse(readFileSync(path.join(root, "bundle", "bin", "cdktf.js.map"), "utf8")) as { sources: string[]; sourcesContent: string[] };
  const sources = new Map<string, ts.SourceFile>();
  map.sources.forEach((source, index) => {
    const match = /(?:^|\/)(src\/bin\/.+\.ts)$/.exec(source);
    if (match && !source.includes("node_modules")) sources.set(match[1], ts.createSourceFile(match[1], map.sourcesContent[index], ts.ScriptTarget.ES2022, true));
  });
  const sourceFile = (name: string): ts.SourceFile => {
    const file = sources.get(name);
    if (!file) throw new Error(`cdktf-cli ${version}: ${name} is not in bundle/bin/cdktf.js.map`);
    return file;
  };

  const loadCommand = (name: string): CliCommand[] => {
    const file = sourceFile(name);
    const [commandName, ...positionalWords] = (stringOf(propertyOf(file, "command")) ?? "").split(/\s+/);
    if (!commandName) throw new Error(`cdktf-cli ${version}: ${name} declares no command`);
    const aliasesNode = propertyOf(file, "aliases");
    const aliases = aliasesNode && ts.isArrayLiteralExpression(aliasesNode) ? aliasesNode.elements.map(stringOf).filter((alias): alias is string => !!alias) : [];
    const subcommands = byName(requiredCommands(file).flatMap((required) => loadCommand(path.posix.join(path.posix.dirname(name), `${required}.ts`))));
    const command: CliCommand = { name: commandName, positionals: parsePositionals(positionalWords), options: optionsOf(file), subcommands, source: name };
    return [command, ...aliases.map((alias) => ({ ...command, name: alias }))];
  };

  const main = sourceFile("src/bin/cdktf.ts");
  const commands = byName(requiredCommands(main).flatMap((required) => loadCommand(path.posix.join("src/bin", `${required}.ts`))));
  // `.help()` and `.alias("h", "help")` in cdktf.ts; yargs adds --version unless told not to.
  const globalOptions = new Map([...optionsOf(main), ["help", false], ["h", false], ["version", false]]);
  return { version, commands, globalOptions };
}

function byName(commands: readonly CliCommand[]): Map<string, CliCommand> {
  return new Map(commands.map((command) => [command.name, command]));
}
