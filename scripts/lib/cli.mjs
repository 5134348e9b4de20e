// What the project's scripts share on the command line: the --help text is the script's leading comment block,
// and a bad argument is one line on stderr, exit 2.
import { readFileSync } from 'node:fs';

/** The leading `//` comment block of the script at `scriptUrl` (import.meta.url), without the shebang. */
export function helpText(scriptUrl) {
  const lines = readFileSync(new URL(scriptUrl), 'utf8').split('\n');
  const start = lines[0].startsWith('#!') ? 1 : 0;
  const end = lines.findIndex((line, index) => index >= start && !line.startsWith('//'));
  return lines.slice(start, end === -1 ? undefined : end).map((line) => line.replace(/^\/\/ ?/, '')).join('\n');
}

/** Without `error`: prints the help text and exits 0. With it: prints "<name>: <error> (see --help)" and exits 2. */
export function usage(name, scriptUrl, error) {
  if (error) {
    console.error(`${name}: ${error} (see --help)`);
    process.exit(2);
  }
  console.log(helpText(scriptUrl));
  process.exit(0);
}
