import { SECRET_PATTERNS, secretPatternIn } from "../guardrails/secrets";

/**
 * Whether every match of `source` (a RegExp's `source`, `flags` its flags) holds `literal`: the literal stands in it
 * as plain characters (a metacharacter escaped, and `/`, which `source` always escapes) outside any group and class,
 * no quantifier follows it, no `|` divides the expression at the top, and under `i` the literal has no letters whose
 * case could differ.
 */
function everyMatchHolds(source: string, flags: string, literal: string): boolean {
  if (flags.includes("i") && literal.toLowerCase() !== literal.toUpperCase()) return false;
  const text = [...literal].map((character) => (/[\\^$.|?*+()[\]{}/]/.test(character) ? `\\${character}` : character)).join("");
  const topLevel: number[] = [];
  let depth = 0;
  let inClass = false;
  for (let index = 0; index < source.length; index++) {
    const character = source[index];
    if (!inClass && depth === 0) topLevel.push(index);
    if (character === "\\") index++;
    else if (inClass) inClass = character !== "]";
    else if (character === "[") inClass = true;
    else if (character === "(") depth++;
    else if (character === ")") depth--;
    else if (character === "|" && depth === 0) return false;
  }
  return topLevel.some((index) => source.startsWith(text, index) && !/^[?*{]/.test(source.slice(index + text.length)));
}

/** One made-up value of each shape, with the pattern that should name it first; then values that are no secret. */
const EXAMPLES: readonly [string, string | undefined][] = [
  [`owner-dop_v1_${"0a".repeat(32)}`, "digitalocean-token"],
  ["DO1234567890ABCDEFGH", "spaces-access-key"],
  [`spaces_secret_key: ${"Ab9+".repeat(10)}`, "spaces-secret-key"],
  [`cloudflare_api_token = ${"a".repeat(40)}`, "cloudflare-token"],
  ["https://hooks.slack.com/services/T0000000/B0000000/XXXXXXXXXXXX", "slack-webhook"],
  ["xoxb-1234567890-abcdef", "slack-token"],
  ["-----BEGIN RSA PRIVATE KEY-----", "private-key"],
  ["eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijk", "jwt"],
  [`token: A1b2C3d4E5f6G7.atlasv1.${"x".repeat(60)}`, "terraform-cloud-token"],
  [`ghp_${"a1".repeat(18)}`, "github-token"],
  ["AKIAABCDEFGHIJKLMNOP", "aws-access-key"],
  ["postgresql://app:s3cretpass@db.internal:25060/app", "url-credentials"],
  ["POSTGRESQL://app:s3cretpass@db.internal:25060/app", "url-credentials"],
  ["password: hunter2hunter2x9", "password-assignment"],
  ["https://grafana.example.com/d/abc?orgId=1", undefined],
  ["postgresql://app@db.internal:25060/app", undefined],
  ["${digitalocean_database_cluster.db.private_uri}", undefined],
  ["A1b2C3d4E5f6G7.atlasv1.short", undefined],
  ["atlasv1", undefined],
  ["", undefined],
];

describe("secret patterns", () => {
  it("gives a pattern a shortcut literal only where every match holds it", () => {
    const shortcuts = SECRET_PATTERNS.filter((pattern) => pattern.contains !== undefined);
    expect(shortcuts.map((pattern) => pattern.id)).toEqual(["terraform-cloud-token", "url-credentials"]);
    for (const pattern of shortcuts) {
      expect([pattern.id, everyMatchHolds(pattern.regex.source, pattern.regex.flags, pattern.contains ?? "")]).toEqual([pattern.id, true]);
    }
  });

  it("proves nothing for a literal that a match can lack", () => {
    expect(everyMatchHolds("a(bc|d)e", "", "bc")).toBe(false);
    expect(everyMatchHolds("x|:\\/\\/", "", "://")).toBe(false);
    expect(everyMatchHolds("ab?c", "", "ab")).toBe(false);
    expect(everyMatchHolds("ab*", "", "ab")).toBe(false);
    expect(everyMatchHolds("ab{0,2}", "", "ab")).toBe(false);
    expect(everyMatchHolds("[\\.atlasv1\\.]x", "", ".atlasv1.")).toBe(false);
    expect(everyMatchHolds("\\b.atlasv1.", "", ".atlasv1.")).toBe(false);
    expect(everyMatchHolds("(?=:\\/\\/)x", "", "://")).toBe(false);
    expect(everyMatchHolds("atlas", "i", "atlas")).toBe(false);
    expect(everyMatchHolds("\\b[a-z]+\\.atlasv1\\.x+", "", ".atlasv1.")).toBe(true);
    expect(everyMatchHolds(new RegExp("[a-z]+://x", "i").source, "i", "://")).toBe(true);
  });

  it("scans a text once, however often it is asked about", () => {
    const tests = jest.spyOn(RegExp.prototype, "test");
    try {
      for (const [text, id] of [
        ["password: asked4twice-hunter2", "password-assignment"],
        ["no secret in here, asked twice", undefined],
      ] as const) {
        const before = tests.mock.calls.length;
        expect(secretPatternIn(text)?.id).toBe(id);
        const scanned = tests.mock.calls.length;
        expect(scanned).toBeGreaterThan(before);
        expect(secretPatternIn(text)?.id).toBe(id);
        expect(tests.mock.calls.length).toBe(scanned);
      }
    } finally {
      tests.mockRestore();
    }
  });

  it.each(EXAMPLES)("names %j as the expressions alone do (%s)", (text, id) => {
    expect(secretPatternIn(text)?.id).toBe(id);
    expect(SECRET_PATTERNS.find((pattern) => pattern.regex.test(text))?.id).toBe(id);
  });
});
