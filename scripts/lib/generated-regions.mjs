// The marked regions of the docs that a command writes (npm run docs:tables, npm run bench -- --write-docs):
//
//     <!-- generated:<name> ... -->
//     (what the command writes)
//     <!-- /generated:<name> -->
//
// A command replaces its region, markers included; the prose around it stays the author's.

const OPEN = /^<!-- generated:([a-z-]+)\b.*-->$/;

/** The closing marker of the region `name`. */
export const closingMarker = (name) => `<!-- /generated:${name} -->`;

/** The opening marker of the region `name`: which command writes it, and what to change instead of the region. */
export const openingMarker = (name, note) => `<!-- generated:${name} ${note} -->`;

/**
 * The marked regions of a page, as line indexes of their opening and closing marker; a marker without its
 * partner is an error naming the page and line.
 *
 * @param {string} page the page's path, for messages
 * @param {readonly string[]} lines the page's lines
 * @param {new (message: string) => Error} [Failure] the error class thrown
 * @returns {{ name: string, start: number, end: number }[]}
 */
export function regionsOf(page, lines, Failure = Error) {
  const regions = [];
  for (let start = 0; start < lines.length; start++) {
    const name = OPEN.exec(lines[start])?.[1];
    if (!name) continue;
    const end = lines.findIndex((line, index) => index > start && line === closingMarker(name));
    if (end === -1) throw new Failure(`${page}:${start + 1}: generated:${name} has no closing ${closingMarker(name)}`);
    regions.push({ name, start, end });
    start = end;
  }
  return regions;
}

/**
 * The one region `name` of a page: its line indexes and its text, markers included; an error when the page has
 * none or more than one.
 *
 * @param {string} page
 * @param {string} text the page's text
 * @param {string} name
 * @param {new (message: string) => Error} [Failure]
 * @returns {{ start: number, end: number, text: string }}
 */
export function regionNamed(page, text, name, Failure = Error) {
  const lines = text.split('\n');
  const found = regionsOf(page, lines, Failure).filter((region) => region.name === name);
  if (found.length !== 1) throw new Failure(`${page}: needs exactly one region <!-- generated:${name} --> ... ${closingMarker(name)}, has ${found.length}`);
  const [{ start, end }] = found;
  return { start, end, text: lines.slice(start, end + 1).join('\n') };
}

/**
 * The page's text with its region `name` replaced by `region` (markers included).
 *
 * @param {string} page
 * @param {string} text
 * @param {string} name
 * @param {string} region
 * @param {new (message: string) => Error} [Failure]
 */
export function replaceRegion(page, text, name, region, Failure = Error) {
  const { start, end } = regionNamed(page, text, name, Failure);
  const lines = text.split('\n');
  return [...lines.slice(0, start), ...region.split('\n'), ...lines.slice(end + 1)].join('\n');
}
