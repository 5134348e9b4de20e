// Not doks-releases.json: beside this module, require("./doks-releases") would resolve to the JSON under ts-node.
import releases from "./doks-offer.json";

/**
 * The DOKS releases DigitalOcean offers, as read from its API on
 * `DOKS_RELEASES_READ_ON` (config/doks-offer.json). The configuration's
 * `cluster.versionPrefix` must name one of their minors, and the plan
 * rehearsal's stand-in API serves exactly these slugs
 * (scripts/rehearsal/fixtures.mjs imports the same file). DigitalOcean adds a
 * minor every few months and retires the oldest: re-read the list with
 * `doctl kubernetes options versions` and update the file and its date.
 */
export const DOKS_RELEASE_SLUGS: readonly string[] = releases.slugs;
export const DOKS_RELEASES_READ_ON: string = releases.readOn;

/** `1.35.1-do.2` → `1.35`. */
export function minorOf(slug: string): string {
  return slug.split(".").slice(0, 2).join(".");
}

/** The minors on offer, newest first, each once: `["1.35", "1.34", "1.33"]`. */
export const DOKS_MINORS: readonly string[] = [...new Set(DOKS_RELEASE_SLUGS.map(minorOf))];
