import { spawnSync } from "child_process";
import { projectPath } from "../config/paths";
import { MASK_FUNCTION, MASK_SCRIPT } from "../constructs/observability/logging";
import { firstRunning, found, missing, onPath, requireTool } from "./tools";

/**
 * The masking filter Fluent Bit runs before logs reach Loki
 * (logging/mask.lua), run with a real Lua 5.4 interpreter on sample log lines:
 * what must be masked is, and ordinary log content is left alone. Without
 * `lua5.4` the suite is skipped with a line at the end of the run; with CRYPTOPULSE_REQUIRE_LUA=1 (CI)
 * it fails instead. Fluent Bit embeds LuaJIT (Lua 5.1): the script keeps to
 * what 5.1 and 5.4 share (patterns, gsub with a function, no integer division,
 * no goto), so the interpreter here runs the same code the collector does.
 */

const LUA = requireTool({
  suite: "Lua log-masking tests",
  requireVariable: "CRYPTOPULSE_REQUIRE_LUA",
  lookup: () => {
    const lua = firstRunning([onPath("lua5.4"), onPath("lua")], ["-v"]);
    return lua ? found(lua) : missing("no lua5.4 on PATH (apt-get install lua5.4)");
  },
});

/** Runs `lua` with the script loaded, then `program`; stdin in, stdout out. */
function lua(program: string, input = ""): string {
  const run = spawnSync(LUA.tool!, ["-e", `dofile(${JSON.stringify(projectPath(MASK_SCRIPT))})`, "-e", program], { input, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`lua failed (${run.status}): ${run.stderr}`);
  return run.stdout;
}

/** Each line through the filter's entry point as the `log` field of a record, as Fluent Bit calls it. */
function maskLines(lines: readonly string[]): string[] {
  const program = `for line in io.lines() do local code, _, record = ${MASK_FUNCTION}("kube.x", 0, { log = line }); io.write(code, "\\t", record.log, "\\n") end`;
  return lua(program, `${lines.join("\n")}\n`)
    .trimEnd()
    .split("\n")
    .map((line) => {
      const [code, ...rest] = line.split("\t");
      // 2: record changed, timestamp kept (Fluent Bit's contract for a filter's return code).
      expect(code).toBe("2");
      return rest.join("\t");
    });
}

// Credential-shaped samples are assembled here so no literal in the repository looks like a live secret.
const DO_TOKEN = `dop_v1_${"0123456789abcdef".repeat(4)}`;
const JWT = ["eyJhbGciOiJIUzI1NiJ9", "eyJzdWIiOiIxMjM0NSJ9", "c2lnbmF0dXJlLXNhbXBsZQ"].join(".");
const SLACK_PATH = ["T0001", "B0002", "x".repeat(24)].join("/");

/** [sample line, what Loki must store]. */
const MASKED: readonly (readonly [string, string])[] = [
  ["POST /login password=hunter2 status=200", "POST /login password=[REDACTED] status=200"],
  ['{"level":"warn","user":"42","password":"two words","retry":true}', '{"level":"warn","user":"42","password":"[REDACTED]","retry":true}'],
  ["db.password = hunter2; pool=5", "db.password = [REDACTED]; pool=5"],
  ["client_secret='abc def' x-api-key: 9f8e7d6c", "client_secret='[REDACTED]' x-api-key: [REDACTED]"],
  ["GET /v1/prices?api_key=AK12345&symbol=BTC 200", "GET /v1/prices?api_key=[REDACTED]&symbol=BTC 200"],
  ['{"access_token": "opaque-value-1", "refresh_token":"opaque-2"}', '{"access_token": "[REDACTED]", "refresh_token":"[REDACTED]"}'],
  ["Authorization: Bearer abcdef.123456~xyz", "Authorization: Bearer [REDACTED]"],
  [`Authorization: Bearer ${JWT}`, "Authorization: Bearer [REDACTED_JWT]"],
  [`session ${JWT} refreshed`, "session [REDACTED_JWT] refreshed"],
  ["proxy auth Basic dXNlcjpwYXNzd29yZA==", "proxy auth Basic [REDACTED]"],
  [`doctl using ${DO_TOKEN} for fra1`, "doctl using [REDACTED_DO_TOKEN] for fra1"],
  [`POST https://hooks.slack.com/services/${SLACK_PATH} 404`, "POST https://hooks.slack.com/services/[REDACTED] 404"],
  ["slack client xoxb-1234-5678-abcdefghij ready", "slack client [REDACTED_SLACK_TOKEN] ready"],
  ["registered user alice.smith+news@example.co.uk from 10.0.0.1", "registered user [REDACTED_EMAIL] from 10.0.0.1"],
  ['{"email":"bob@cryptopulse.app","plan":"pro"}', '{"email":"[REDACTED_EMAIL]","plan":"pro"}'],
];

/** Lines that look close to a secret but are not: they must reach Loki unchanged. */
const UNCHANGED: readonly string[] = [
  "trade executed id=42 pair=BTC/USDT side=buy price=64000.5 at 2026-11-27T12:30:00Z",
  "password_reset=requested secretary=jane tokens_used=42 token_count=3",
  '{"level":"info","msg":"password changed","token_count":5}',
  "pulled image registry.digitalocean.com/cryptopulse/backend@sha256:0f0f0f",
  "GET https://api.cryptopulse.app/health 200 12ms",
  "bearer of bad news: the exchange is down",
  "user@host has no domain so it is not an address",
];

LUA.describe("log masking (logging/mask.lua, real Lua)", () => {
  it.each(MASKED)("masks %s", (line, expected) => {
    expect(maskLines([line])).toEqual([expected]);
  });

  it("leaves ordinary lines alone", () => {
    expect(maskLines(UNCHANGED)).toEqual(UNCHANGED);
  });

  it("masks whole records: nested maps, sensitive field names, and nothing else", () => {
    const program = [
      `local _, _, r = ${MASK_FUNCTION}("kube.x", 0, {`,
      '  log = "login ok", password = "plain", level = "info",',
      '  request = { headers = { authorization = "Bearer abc123", ["x-request-id"] = "r-1" }, body = { email = "a@b.io", amount = 5 } },',
      '  kubernetes = { namespace_name = "cryptopulse", labels = { app = "backend" } },',
      "})",
      "print(r.log, r.password, r.level, r.request.headers.authorization, r.request.headers['x-request-id'], r.request.body.email, r.request.body.amount, r.kubernetes.namespace_name, r.kubernetes.labels.app)",
    ].join("\n");
    expect(lua(program).trimEnd().split("\t")).toEqual(["login ok", "[REDACTED]", "info", "[REDACTED]", "r-1", "[REDACTED_EMAIL]", "5", "cryptopulse", "backend"]);
  });
});
