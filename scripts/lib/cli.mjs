// The command line every script of the project shares, on node:util parseArgs:
//   -h or --help (anywhere before `--`) prints the script's usage on stdout and exits 0, doing nothing else;
//   a bad argument is one line on stderr, `<script>: <what is wrong> (see --help)`, and exit 2, before the script
//   has run or written anything.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

/** A bad command line: its message is the one line the user sees, without the script's name. */
export class UsageError extends Error {}

/** What `parse` returns for -h/--help. */
export const HELP = 'help';

/** The leading `//` comment block of the script at `scriptUrl` (its import.meta.url), without the shebang: its usage. */
export function leadingComment(scriptUrl) {
  const lines = readFileSync(new URL(scriptUrl), 'utf8').split('\n');
  const start = lines[0].startsWith('#!') ? 1 : 0;
  const end = lines.findIndex((line, index) => index >= start && !line.startsWith('//'));
  return lines.slice(start, end === -1 ? undefined : end).map((line) => line.replace(/^\/\/ ?/, '')).join('\n');
}

/**
 * One script's command line.
 *
 * @template T
 * @param {object} spec
 * @param {string} spec.name the script's name, first on every line it prints about its arguments
 * @param {string} spec.usage what --help prints (leadingComment(import.meta.url) for the script's header)
 * @param {Record<string, import('node:util').ParseArgsOptionConfig>} [spec.options] parseArgs options; -h/--help is added
 * @param {boolean} [spec.positionals] whether arguments other than options are taken (default: not)
 * @param {(args: { values: Record<string, any>, positionals: string[] }) => T} [spec.check] turns the parsed
 *   arguments into what the script uses (default: the options' values); throws UsageError for a value it does not accept
 */
export function defineCli({ name, usage, options = {}, positionals = false, check = ({ values }) => /** @type {T} */ (values) }) {
  const config = { options: { ...options, help: { type: /** @type {const} */ ('boolean'), short: 'h' } }, allowPositionals: positionals, strict: true };
  const known = Object.entries(config.options).map(([option, { short }]) => (short ? `-${short}/--${option}` : `--${option}`));
  /** One line about what parseArgs refused, naming the option and what is allowed. */
  const describe = (error) => {
    const option = (error.message.match(/--?[\w-]+/g) ?? []).pop() ?? '';
    const quoted = /'([^']*)'/.exec(error.message)?.[1];
    switch (error.code) {
      case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
        return `unknown option ${quoted}; the options are ${known.join(', ')}`;
      case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
        return `unexpected argument ${JSON.stringify(quoted)}; ${name} takes no arguments, only the options ${known.join(', ')}`;
      case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
        if (/does not take an argument/.test(error.message)) return `${option} takes no value`;
        if (/ambiguous/.test(error.message)) return `${option} needs a value (one that starts with "-" is written ${option}=-…)`;
        return `${option} needs a value`;
      default:
        return error.message.split('\n')[0];
    }
  };

  const cli = {
    name,
    usage,
    /**
     * The checked arguments of `argv` (without node and the script), or HELP; throws UsageError.
     * @param {readonly string[]} argv
     * @returns {T | typeof HELP}
     */
    parse(argv) {
      const terminator = argv.indexOf('--');
      if ((terminator === -1 ? argv : argv.slice(0, terminator)).some((arg) => arg === '-h' || arg === '--help')) return HELP;
      let parsed;
      try {
        parsed = parseArgs({ ...config, args: [...argv] });
      } catch (error) {
        if (typeof error?.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS_')) throw new UsageError(describe(error));
        throw error;
      }
      const values = { ...parsed.values };
      delete values.help;
      return check({ values, positionals: parsed.positionals });
    },
    /** The one line for a usage problem. */
    line: (problem) => `${name}: ${problem} (see --help)`,
    /** A usage problem found after parsing (an unusable folder, say), before anything is written: its line, exit 2. */
    fail(problem) {
      console.error(cli.line(problem));
      process.exit(2);
    },
    /**
     * For a main that returns its exit status: { args }, the checked arguments; or { status } to return at once, 0
     * after printing the usage for -h/--help, 2 after printing the line for a usage problem. `io` defaults to the
     * process's stdout and stderr.
     * @param {readonly string[]} argv
     * @param {{ stdout?: (text: string) => unknown, stderr?: (text: string) => unknown }} [io]
     * @returns {{ args: T, status?: undefined } | { status: number, args?: undefined }}
     */
    command(argv, { stdout = (text) => process.stdout.write(text), stderr = (text) => process.stderr.write(text) } = {}) {
      let result;
      try {
        result = cli.parse(argv);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        stderr(`${cli.line(error.message)}\n`);
        return { status: 2 };
      }
      if (result !== HELP) return { args: result };
      stdout(usage.endsWith('\n') ? usage : `${usage}\n`);
      return { status: 0 };
    },
    /**
     * This process's checked arguments; exits after printing the usage (0) on -h/--help, or the line (2) on a usage
     * problem.
     * @returns {T}
     */
    read(argv = process.argv.slice(2)) {
      const { args, status } = cli.command(argv);
      if (status !== undefined) process.exit(status);
      return args;
    },
  };
  return cli;
}
