import { execFile } from "child_process";
import { readFileSync } from "fs";
import { createServer } from "http";
import type { AddressInfo } from "net";
import * as path from "path";
import { REPORT_USAGE } from "../cost/report";
import { balance, billingApi, invoiceItem, json, slackWebhook, standIn, type StandIn } from "./fixtures/billing";

/**
 * scripts/cost-report.mjs, the daily cost report and budget alert, run as the
 * workflow runs it (a process) against loopback stand-ins of DigitalOcean's
 * billing API and of a Slack webhook (__tests__/fixtures/billing.ts). The
 * shipped budgets: production $2,500, staging $750, both warning at 80 %; the
 * account is held to their sum, $3,250.
 */

const ROOT = path.resolve(__dirname, "..");
const TOKEN = `dop_v1_${"a1".repeat(32)}`;

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The caller's CRYPTOPULSE_* settings are dropped, so only what a test sets counts. */
function run(args: readonly string[], env: Record<string, string>): Promise<Run> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("CRYPTOPULSE_")));
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, "scripts", "cost-report.mjs"), ...args], { cwd: ROOT, env: { ...inherited, ...env } }, (error, stdout, stderr) =>
      resolve({ status: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

const PRODUCTION = "cryptopulse-production";
const STAGING = "cryptopulse-staging";
/** Ten of December's 31 days gone. */
const DAY_TEN = "2026-12-11T00:00:00Z";

const ITEMS = [
  invoiceItem("Kubernetes Clusters", "400.00", PRODUCTION, "cryptopulse-production-fra1"),
  invoiceItem("Managed Databases", "300.00", PRODUCTION, "cryptopulse-production-pg"),
  invoiceItem("Kubernetes Clusters", "100.00", STAGING, "cryptopulse-staging-fra1"),
  invoiceItem("Managed Databases", "50.00", STAGING, "cryptopulse-staging-pg"),
  invoiceItem("Container Registry", "20.00"),
  invoiceItem("Spaces Subscription", "5.00"),
];

// Each case starts the script (node + an esbuild bundle of cost/report.ts): a generous bound for a busy machine.
jest.setTimeout(60_000);

const servers: StandIn[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function report(options: { usage?: string; at?: string; items?: readonly object[]; perPage?: number; args?: string[]; slack?: { status: number; body: string } }) {
  const api = await billingApi({ token: TOKEN, balance: balance(options.usage ?? "1000.00", options.at ?? DAY_TEN), items: options.items ?? ITEMS, perPage: options.perPage });
  const slack = await slackWebhook(options.slack);
  servers.push(api, slack);
  const result = await run(options.args ?? [], {
    CRYPTOPULSE_BILLING_TOKEN: TOKEN,
    CRYPTOPULSE_DIGITALOCEAN_API_ENDPOINT: api.url,
    CRYPTOPULSE_COST_SLACK_WEBHOOK_URL: `${slack.url}/services/T0000/B0000/XXXXXXXX`,
  });
  const posted = slack.requests.map((request) => (JSON.parse(request.body) as { text: string }).text);
  return { ...result, api, slack, posted };
}

describe("the daily cost report", () => {
  it("posts month to date against the budgets, by environment and product, with a forecast", async () => {
    const { status, stdout, stderr, api, posted } = await report({});
    expect([status, stderr]).toEqual([0, ""]);
    expect(posted).toHaveLength(1);
    const text = posted[0];
    expect(stdout).toBe(`${text}\n`);
    expect(text.split("\n")).toEqual([
      "*CryptoPulse DigitalOcean cost, 2026-12* — :white_check_mark: within budget (as of 2026-12-11T00:00:00Z)",
      "*Month to date*: $1,000.00 of $3,250.00 (31%); forecast for 2026-12: $3,100.00 (95% of the budget)",
      "*By environment* (invoice preview, by project): staging $150.00 of $750.00 (20%) · production $700.00 of $2,500.00 (28%) · not in an environment's project: (no project) $25.00",
      "*By product*: Kubernetes Clusters $500.00 · Managed Databases $350.00 · Container Registry $20.00 · Spaces Subscription $5.00",
    ]);
    expect(api.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      "GET /v2/customers/my/balance",
      "GET /v2/customers/my/invoices/preview?per_page=200&page=1",
    ]);
    expect(api.requests.every((request) => request.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it("flags a forecast above the budget without failing: early in a month one charge swings it", async () => {
    const { status, posted } = await report({ usage: "1500.00" });
    expect(status).toBe(0);
    expect(posted[0]).toContain("forecast for 2026-12: $4,650.00 (143% of the budget) :warning: above the budget at today's rate");
  });

  it("forecasts from the month's second day only", async () => {
    const { status, posted } = await report({ at: "2026-12-01T06:00:00Z" });
    expect(status).toBe(0);
    expect(posted[0]).toContain("; forecast: from the month's second day");
  });

  it("alerts and exits 1 when an environment reaches its warnAtPercent", async () => {
    const items = [invoiceItem("Kubernetes Clusters", "1400.00", PRODUCTION), invoiceItem("Managed Databases", "600.00", PRODUCTION)];
    const { status, stderr, posted } = await report({ usage: "2000.00", items });
    expect(status).toBe(1);
    expect(stderr).toBe("cost-report: approaching the budget: see the report above\n");
    expect(posted[0]).toContain(":warning: approaching the budget");
    expect(posted[0]).toContain("production $2,000.00 of $2,500.00 (80%) :warning: at or above 80%");
  });

  it("alerts and exits 1 when the account's month to date is over the sum of the budgets", async () => {
    const { status, stderr, posted } = await report({ usage: "3300.01", at: "2026-12-28T12:00:00Z" });
    expect(status).toBe(1);
    expect(stderr).toContain("OVER BUDGET");
    expect(posted[0]).toMatch(/^\*CryptoPulse DigitalOcean cost, 2026-12\* — :rotating_light: OVER BUDGET/);
    expect(posted[0]).toContain("*Month to date*: $3,300.01 of $3,250.00 (102%) :rotating_light: over budget");
  });

  it("reads every page of the invoice preview from the configured API, whatever host the next link names", async () => {
    const items = Array.from({ length: 450 }, (_, index) => invoiceItem("Droplets", "1.00", PRODUCTION, `node-${index}`));
    const { status, api, posted } = await report({ items, perPage: 200 });
    expect(status).toBe(0);
    expect(api.requests.map((request) => request.url).filter((url) => url.includes("invoices"))).toEqual([
      "/v2/customers/my/invoices/preview?per_page=200&page=1",
      "/v2/customers/my/invoices/preview?per_page=200&page=2",
      "/v2/customers/my/invoices/preview?per_page=200&page=3",
    ]);
    expect(posted[0]).toContain("production $450.00 of $2,500.00 (18%)");
  });

  it("prints without posting under --no-slack, with no webhook set", async () => {
    const api = await billingApi({ token: TOKEN, balance: balance("10.00", DAY_TEN), items: ITEMS });
    servers.push(api);
    const result = await run(["--no-slack"], { CRYPTOPULSE_BILLING_TOKEN: TOKEN, CRYPTOPULSE_DIGITALOCEAN_API_ENDPOINT: api.url });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("*Month to date*: $10.00 of $3,250.00 (0%)");
  });

  it("documents itself in --help", async () => {
    const result = await run(["--help"], {});
    expect(result).toEqual({ status: 0, stdout: `${REPORT_USAGE}\n`, stderr: "" });
    for (const name of ["CRYPTOPULSE_BILLING_TOKEN", "CRYPTOPULSE_COST_SLACK_WEBHOOK_URL", "CRYPTOPULSE_DIGITALOCEAN_API_ENDPOINT", "--no-slack"]) expect(REPORT_USAGE).toContain(name);
  });
});

describe("bad input and failed calls: one line, exit 2, nothing posted", () => {
  /** A port nothing listens on: bound, then closed. */
  async function closedPort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  async function failing(api: StandIn | string, env: Record<string, string> = {}) {
    const slack = await slackWebhook();
    servers.push(slack, ...(typeof api === "string" ? [] : [api]));
    const result = await run([], {
      CRYPTOPULSE_BILLING_TOKEN: TOKEN,
      CRYPTOPULSE_DIGITALOCEAN_API_ENDPOINT: typeof api === "string" ? api : api.url,
      CRYPTOPULSE_COST_SLACK_WEBHOOK_URL: `${slack.url}/services/T/B/X`,
      ...env,
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stderr).not.toContain(TOKEN);
    expect(slack.requests).toEqual([]);
    return result.stderr.trimEnd();
  }

  const answering = (status: number, contentType: string, body: string) =>
    standIn((_request, response) => {
      response.writeHead(status, { "Content-Type": contentType });
      response.end(body);
    });

  it("a missing token, before any request", async () => {
    const api = await billingApi({ token: TOKEN, balance: balance("1.00", DAY_TEN), items: [] });
    expect(await failing(api, { CRYPTOPULSE_BILLING_TOKEN: "  " })).toBe("cost-report: CRYPTOPULSE_BILLING_TOKEN is not set: a DigitalOcean API token with the billing:read scope");
    expect(api.requests).toEqual([]);
  });

  it("a token DigitalOcean refuses", async () => {
    const api = await billingApi({ token: "another", balance: balance("1.00", DAY_TEN), items: [] });
    expect(await failing(api)).toBe("cost-report: GET /v2/customers/my/balance answered 401 Unauthorized: unauthorized: Unable to authenticate you.");
  });

  it("an API base URL that is not one", async () => {
    expect(await failing("api.digitalocean.com")).toBe(
      'cost-report: CRYPTOPULSE_DIGITALOCEAN_API_ENDPOINT = "api.digitalocean.com": an absolute https:// or http:// URL without credentials',
    );
  });

  it("an API nobody answers at", async () => {
    const port = await closedPort();
    expect(await failing(`http://127.0.0.1:${port}`)).toBe(
      `cost-report: cannot reach the DigitalOcean API at http://127.0.0.1:${port} (CRYPTOPULSE_DIGITALOCEAN_API_ENDPOINT): ECONNREFUSED`,
    );
  });

  it("an answer that is not JSON (a proxy's login page)", async () => {
    expect(await failing(await answering(200, "text/html", "<html>sign in</html>"))).toBe(
      "cost-report: GET /v2/customers/my/balance answered 200 with a body that is not JSON (text/html)",
    );
  });

  it("a server error", async () => {
    expect(await failing(await answering(500, "text/plain", "oops"))).toBe("cost-report: GET /v2/customers/my/balance answered 500 Internal Server Error");
  });

  it("a balance of another shape", async () => {
    const api = await standIn((_request, response) => json(response, 200, { ...balance("1.00", DAY_TEN), month_to_date_usage: 11.21 }));
    expect(await failing(api)).toMatch(/^cost-report: GET \/v2\/customers\/my\/balance answered an unexpected shape: month_to_date_usage: /);
  });

  it("a missing or malformed webhook, without echoing it", async () => {
    const api = await billingApi({ token: TOKEN, balance: balance("1.00", DAY_TEN), items: [] });
    expect(await failing(api, { CRYPTOPULSE_COST_SLACK_WEBHOOK_URL: "" })).toBe(
      "cost-report: CRYPTOPULSE_COST_SLACK_WEBHOOK_URL is not set: the Slack incoming webhook URL (or pass --no-slack)",
    );
    const line = await failing(api, { CRYPTOPULSE_COST_SLACK_WEBHOOK_URL: "hooks.slack.com/services/T/B/secret-part" });
    expect(line).toBe("cost-report: CRYPTOPULSE_COST_SLACK_WEBHOOK_URL is not an absolute https:// URL without credentials (its value is not shown: it is a secret)");
    expect(api.requests).toEqual([]);
  });

  it("a webhook Slack refuses: the report is printed, the failure is one line", async () => {
    const { status, stdout, stderr } = await report({ slack: { status: 404, body: "no_service" } });
    expect(status).toBe(2);
    expect(stdout).toContain("*Month to date*");
    expect(stderr).toBe("cost-report: the Slack webhook answered 404 no_service\n");
  });
});

describe("the report's settings in the documentation", () => {
  const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
  const readByCode = [...new Set(read("cost/report.ts").match(/CRYPTOPULSE_[A-Z_]+/g))].sort();

  it("are the variables the code reads, each in docs/cost.md's settings table", () => {
    const lines = read("docs/cost.md").split("\n");
    const start = lines.indexOf("### Settings");
    const rows = lines.slice(start).filter((line) => /^\| `CRYPTOPULSE_/.test(line)).map((line) => /^\| `(\w+)`/.exec(line)![1]);
    expect(start).toBeGreaterThan(0);
    expect(rows.sort()).toEqual(readByCode);
  });

  it("name the workflow's secrets as docs/delivery.md's secrets table does", () => {
    const secrets = [...read(".github/workflows/cost-report.yml").matchAll(/secrets\.(\w+)/g)].map((match) => match[1]).sort();
    const row = read("docs/delivery.md").split("\n").find((line) => line.includes("| cost report |"));
    expect(row).toBeDefined();
    expect([...row!.matchAll(/`(CRYPTOPULSE_\w+)`/g)].map((match) => match[1]).sort()).toEqual(secrets);
    for (const secret of secrets) expect(readByCode).toContain(secret);
  });
});
