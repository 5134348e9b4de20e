import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { markdownFiles } from "./doc-commands";

/**
 * Every relative link of README.md and docs/**.md resolves: the file or folder exists, and a
 * `#anchor` (to the same page or another markdown page) is the GitHub slug of one of its headings.
 * Links inside code (fenced blocks, inline code spans) are text, not links, and are not checked.
 */

const ROOT = path.resolve(__dirname, "..");

/** GitHub's heading anchor: lowercase, punctuation dropped, spaces to hyphens; repeats get -1, -2, … */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of outsideFences(markdown)) {
    const heading = /^#{1,6} +(.+?) *#*$/.exec(line);
    if (!heading) continue;
    const text = heading[1].replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
    const slug = text.toLowerCase().replace(/[^\p{L}\p{N}\p{M}_\- ]/gu, "").replace(/ /g, "-");
    const repeats = seen.get(slug) ?? 0;
    seen.set(slug, repeats + 1);
    anchors.add(repeats === 0 ? slug : `${slug}-${repeats}`);
  }
  return anchors;
}

/** The lines with fenced blocks blanked (line numbers kept). */
function outsideFences(markdown: string): string[] {
  let fenced = false;
  return markdown.split("\n").map((line) => {
    if (/^ *(```|~~~)/.test(line)) {
      fenced = !fenced;
      return "";
    }
    return fenced ? "" : line;
  });
}

/** The lines outside fenced blocks, with inline code spans blanked too: what is left of links is real. */
function withoutCode(markdown: string): string[] {
  return outsideFences(markdown).map((line) => line.replace(/(`+)[^`]*?\1/g, ""));
}

/** Each broken relative link of the given pages, as `file:line: target: why`. */
function brokenLinks(root: string, files: readonly string[]): string[] {
  const anchorCache = new Map<string, Set<string>>();
  const anchorsIn = (file: string) => {
    if (!anchorCache.has(file)) anchorCache.set(file, anchorsOf(readFileSync(file, "utf8")));
    return anchorCache.get(file)!;
  };
  const findings: string[] = [];
  for (const file of files) {
    const source = path.join(root, file);
    withoutCode(readFileSync(source, "utf8")).forEach((line, index) => {
      for (const [, target] of line.matchAll(/\]\(<?([^)\s>]+)>?(?: "[^"]*")?\)/g)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
        const [linkPath, anchor] = target.split("#", 2) as [string, string | undefined];
        const resolved = linkPath === "" ? source : path.resolve(path.dirname(source), decodeURIComponent(linkPath));
        const where = `${file}:${index + 1}: ${target}`;
        if (!resolved.startsWith(root + path.sep) && resolved !== root) findings.push(`${where}: outside the repository`);
        else if (!existsSync(resolved)) findings.push(`${where}: no such file`);
        else if (anchor !== undefined) {
          if (!resolved.endsWith(".md") || statSync(resolved).isDirectory()) findings.push(`${where}: an anchor into a file that is not markdown`);
          else if (!anchorsIn(resolved).has(anchor)) findings.push(`${where}: no heading with that anchor in ${path.relative(root, resolved)}`);
        }
      }
    });
  }
  return findings;
}

describe("relative links in README.md and docs/", () => {
  it("all resolve, anchors included", () => {
    expect(brokenLinks(ROOT, markdownFiles(ROOT))).toEqual([]);
  });
});

describe("the link check", () => {
  const root = mkdtempSync(path.join(tmpdir(), "docs-links-"));
  mkdirSync(path.join(root, "docs", "runbooks"), { recursive: true });
  mkdirSync(path.join(root, "config"));
  writeFileSync(path.join(root, "config", "seed.ts"), "");
  const page = (file: string, text: string) => {
    writeFileSync(path.join(root, file), text);
    return brokenLinks(root, [file]);
  };
  writeFileSync(
    path.join(root, "docs", "data.md"),
    "# Data layer\n\n## Plan rehearsal (`npm run test:plan`)\n\n## Tests\n\n## Tests\n\n## Configuration reference: `data`\n\n```sh\n# not a heading\n```\n",
  );

  it.each([
    ["a file", "[seed](config/seed.ts)"],
    ["a folder", "[config](config)"],
    ["a page and its title", "[data](docs/data.md#data-layer)"],
    ["a heading with code and punctuation", "[rehearsal](docs/data.md#plan-rehearsal-npm-run-testplan)"],
    ["a repeated heading", "[second tests](docs/data.md#tests-1)"],
    ["a heading with a colon", "[config](docs/data.md#configuration-reference-data)"],
    ["an anchor on the same page", "# Set up\n\n[up](#set-up)"],
    ["an absolute address", "[guide](https://example.com/x#y)"],
    ["a link inside inline code", "`[x](missing.md)`"],
    ["a link inside a fence", "```\n[x](missing.md)\n```"],
  ])("accepts %s", (_what, markdown) => {
    expect(page("README.md", markdown)).toEqual([]);
  });

  it.each([
    ["a missing file", "[x](docs/missing.md)", "README.md:1: docs/missing.md: no such file"],
    ["a missing anchor", "[x](docs/data.md#restore)", "README.md:1: docs/data.md#restore: no heading with that anchor in docs/data.md"],
    ["a missing anchor on the same page", "# Set up\n[x](#setup)", "README.md:2: #setup: no heading with that anchor in README.md"],
    ["a comment in a fence taken for a heading", "[x](docs/data.md#not-a-heading)", "README.md:1: docs/data.md#not-a-heading: no heading with that anchor in docs/data.md"],
    ["a third repeat that does not exist", "[x](docs/data.md#tests-2)", "README.md:1: docs/data.md#tests-2: no heading with that anchor in docs/data.md"],
    ["a path outside the repository", "[x](../../etc/passwd)", "README.md:1: ../../etc/passwd: outside the repository"],
  ])("reports %s", (_what, markdown, finding) => {
    expect(page("README.md", markdown)).toEqual([finding]);
  });

  it("resolves a docs page's links from its own folder", () => {
    expect(page("docs/runbooks/x.md", "[data](../data.md#tests) [seed](../../config/seed.ts) [wrong](data.md)")).toEqual([
      "docs/runbooks/x.md:1: data.md: no such file",
    ]);
  });
});

/**
 * Code points operators at the docs too: alert runbooks, comments, error lines. Every
 * `docs/<page>.md` the sources name must exist, so that a moved page cannot leave a 3 a.m. alert
 * pointing nowhere.
 */
describe("the docs pages the sources name", () => {
  const SOURCE_DIRS = ["config", "constructs", "guardrails", "stacks", "helm-values", "scripts", "backup", "toolbox", ".github"];
  const named = SOURCE_DIRS.flatMap((dir) =>
    readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
      .filter((file) => /\.(ts|mjs|cjs|sh|ya?ml|json)$/.test(file))
      .flatMap((file) => [...readFileSync(path.join(ROOT, dir, file), "utf8").matchAll(/(?<![\w./-])docs\/[\w./-]+?\.md\b/g)].map(([page]) => `${dir}/${file}: ${page}`)),
  );

  it("are named somewhere (the check has something to check)", () => {
    expect(named.length).toBeGreaterThan(10);
  });

  it("exist", () => {
    expect(named.filter((entry) => !existsSync(path.join(ROOT, entry.split(": ")[1])))).toEqual([]);
  });
});
