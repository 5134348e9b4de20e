import { z } from "zod";
import { ConfigError, loadPlatformConfig } from "../config";
import { environmentProjectName } from "../config/allocation";
import { readServiceEndpoints } from "../config/runtime";
import { formatUsd } from "./estimate";
import { defineCli, HELP } from "../scripts/lib/cli.mjs";

/**
 * The daily cost report and budget alert (the guide's Cost Monitoring → Daily
 * Reports, Budget Alerts) on what DigitalOcean has actually billed this month,
 * where `npm run cost` estimates what the configuration should cost. It reads
 * the account's month-to-date usage and the invoice preview's items from
 * DigitalOcean's billing API, splits them by project (one per environment),
 * compares them with the budgets in config/, forecasts the month's end and
 * posts the result to Slack. scripts/cost-report.mjs runs it.
 */

export const TOKEN_VARIABLE = "CRYPTOPULSE_BILLING_TOKEN";
export const WEBHOOK_VARIABLE = "CRYPTOPULSE_COST_SLACK_WEBHOOK_URL";
const ENDPOINT_VARIABLE = "CRYPTOPULSE_DIGITALOCEAN_API_ENDPOINT";
const DEFAULT_API = "https://api.digitalocean.com";

export const REPORT_USAGE = `usage: npm run cost:report -- [--no-slack]

Month-to-date DigitalOcean spend against the budgets in config/ (budget.monthlyUsd
per environment; the account against their sum), split by environment (the
invoice items' project) and by product, with a straight-line forecast for the
month's end; posted to Slack.

  --no-slack       print the report only (no webhook needed)

Environment:
  ${TOKEN_VARIABLE}
      a DigitalOcean API token with the billing:read scope (required)
  ${WEBHOOK_VARIABLE}
      the Slack incoming webhook to post to (required without --no-slack)
  ${ENDPOINT_VARIABLE}
      the API's base URL (default ${DEFAULT_API})

Exit status: 0; 1 when month-to-date spend has reached an environment's or the
account's warnAtPercent of its budget, or gone over it (the message says so);
2 on a usage error, missing or invalid settings, or an API or Slack failure.`;

/** Bad settings or a failed call: one line, then exit 2. */
export class ReportError extends Error {}

export interface ReportIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** How long one HTTP call may take: a hung API must not hold the scheduled run for its whole timeout. */
const REQUEST_TIMEOUT_MS = 30_000;
/** DigitalOcean's largest page; a guard against a `next` link that never ends. */
const PER_PAGE = 200;
const MAX_PAGES = 50;
const DAY_MS = 24 * 60 * 60 * 1000;

// ---------------------------------------------------------------- DigitalOcean's answers

/** A USD amount as the billing API writes it: a decimal string such as "11.21" or "-5.00". */
const usd = z.string().regex(/^-?\d+(\.\d+)?$/, "not a USD amount such as \"11.21\"");
const cents = (amount: string) => Math.round(Number(amount) * 100);

/**
 * `GET /v2/customers/my/balance` (openapi: specification/resources/billing/models/balance.yml): the two fields
 * the report uses. `account_balance` and `month_to_date_balance` are what is owed, earlier activity included, not this month's usage.
 */
const balanceSchema = z.object({
  month_to_date_usage: usd,
  generated_at: z.iso.datetime({ offset: true, message: "not an ISO 8601 time" }),
});

/** One page of `GET /v2/customers/my/invoices/preview` (openapi: billing/responses/invoice.yml, models/invoice_item.yml). */
const invoicePageSchema = z.object({
  invoice_items: z.array(z.object({ product: z.string().default("(no product)"), amount: usd, project_name: z.string().optional() })),
  links: z.object({ pages: z.object({ next: z.string().optional() }).optional() }).optional(),
  meta: z.object({ total: z.int().min(0) }).optional(),
});

type Balance = z.output<typeof balanceSchema>;
type InvoiceItem = z.output<typeof invoicePageSchema>["invoice_items"][number];

/** DigitalOcean's error body (openapi: specification/shared/models/error.yml): `{ id, message }`. */
function errorMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { id?: unknown; message?: unknown };
    return typeof parsed.message === "string" ? `${typeof parsed.id === "string" ? `${parsed.id}: ` : ""}${parsed.message}` : undefined;
  } catch {
    return undefined;
  }
}

/** Why fetch failed, from its cause (ECONNREFUSED, ENOTFOUND, a timeout). */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (error instanceof Error && error.name === "TimeoutError") return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

async function getJson<Schema extends z.ZodType>(base: string, path: string, token: string, schema: Schema): Promise<z.output<Schema>> {
  const url = new URL(path, `${base.replace(/\/+$/, "")}/`);
  const shown = `GET ${url.pathname}${url.search}`;
  let response: Response;
  try {
    response = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new ReportError(`cannot reach the DigitalOcean API at ${url.origin} (${ENDPOINT_VARIABLE}): ${networkReason(error)}`);
  }
  const body = await response.text();
  if (!response.ok) {
    const detail = errorMessage(body);
    throw new ReportError(`${shown} answered ${response.status} ${response.statusText}${detail ? `: ${detail}` : ""}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new ReportError(`${shown} answered ${response.status} with a body that is not JSON (${response.headers.get("content-type") ?? "no content type"})`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ReportError(`${shown} answered an unexpected shape: ${issue.path.join(".") || "(body)"}: ${issue.message}`);
  }
  return parsed.data;
}

/** Every item of the invoice preview, page by page, always from `base` (a `next` link elsewhere is not followed with the token). */
async function invoicePreviewItems(base: string, token: string): Promise<InvoiceItem[]> {
  const items: InvoiceItem[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const answer = await getJson(base, `v2/customers/my/invoices/preview?per_page=${PER_PAGE}&page=${page}`, token, invoicePageSchema);
    items.push(...answer.invoice_items);
    const done = answer.invoice_items.length === 0 || !answer.links?.pages?.next || (answer.meta !== undefined && items.length >= answer.meta.total);
    if (done) return items;
  }
  throw new ReportError(`GET /v2/customers/my/invoices/preview: still more pages after ${MAX_PAGES} of ${PER_PAGE} items`);
}

// ---------------------------------------------------------------- the report

export type SpendStatus = "within" | "warning" | "over";

export interface BudgetLine {
  /** An environment's name, or "account". */
  readonly name: string;
  readonly spentCents: number;
  readonly budgetCents: number;
  readonly warnAtPercent: number;
  readonly percent: number;
  readonly status: SpendStatus;
}

export interface CostReport {
  readonly generatedAt: string;
  /** `YYYY-MM`, UTC: DigitalOcean bills calendar months. */
  readonly month: string;
  /** The account's month-to-date usage against the sum of the environments' budgets. */
  readonly account: BudgetLine;
  /** Each environment's project in the invoice preview against its own budget. */
  readonly environments: readonly BudgetLine[];
  /** Invoice items in no environment's project (the registry, the Spaces subscription, …). */
  readonly otherProjects: readonly { readonly name: string; readonly cents: number }[];
  readonly products: readonly { readonly name: string; readonly cents: number }[];
  /** The month's spend at today's daily rate; absent in a month's first day, when one charge would swing it wildly. */
  readonly forecastCents?: number;
  readonly status: SpendStatus;
}

interface EnvironmentBudget {
  readonly name: string;
  readonly monthlyUsd: number;
  readonly warnAtPercent: number;
}

function budgetLine(name: string, spentCents: number, budgetCents: number, warnAtPercent: number): BudgetLine {
  const status: SpendStatus = spentCents > budgetCents ? "over" : spentCents * 100 >= warnAtPercent * budgetCents ? "warning" : "within";
  return { name, spentCents, budgetCents, warnAtPercent, percent: Math.round((spentCents * 100) / budgetCents), status };
}

function sumBy(items: readonly InvoiceItem[], key: (item: InvoiceItem) => string): Map<string, number> {
  const sums = new Map<string, number>();
  for (const item of items) sums.set(key(item), (sums.get(key(item)) ?? 0) + cents(item.amount));
  return sums;
}

const largestFirst = (sums: Map<string, number>) => [...sums].map(([name, amount]) => ({ name, cents: amount })).sort((a, b) => b.cents - a.cents || a.name.localeCompare(b.name));

/** The report of one day: pure, so the tests can check its arithmetic without a server. */
export function buildReport(balance: Balance, items: readonly InvoiceItem[], budgets: readonly EnvironmentBudget[]): CostReport {
  const at = new Date(balance.generated_at);
  const monthStart = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1);
  const monthEnd = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1);
  const elapsed = at.getTime() - monthStart;
  const spentCents = cents(balance.month_to_date_usage);

  const byProject = sumBy(items, (item) => item.project_name ?? "");
  const environments = budgets.map((budget) =>
    budgetLine(budget.name, byProject.get(environmentProjectName(budget.name)) ?? 0, Math.round(budget.monthlyUsd * 100), budget.warnAtPercent),
  );
  const ours = new Set(budgets.map((budget) => environmentProjectName(budget.name)));
  const otherProjects = largestFirst(new Map([...byProject].filter(([project]) => !ours.has(project)).map(([project, amount]) => [project || "(no project)", amount])));

  const totalBudget = environments.reduce((sum, line) => sum + line.budgetCents, 0);
  // The account is held to the strictest warning level of its environments.
  const account = budgetLine("account", spentCents, totalBudget, Math.min(...budgets.map((budget) => budget.warnAtPercent)));
  const lines = [account, ...environments];
  const status: SpendStatus = lines.some((line) => line.status === "over") ? "over" : lines.some((line) => line.status === "warning") ? "warning" : "within";
  return {
    generatedAt: balance.generated_at,
    month: `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, "0")}`,
    account,
    environments,
    otherProjects,
    products: largestFirst(sumBy(items, (item) => item.product)),
    ...(elapsed >= DAY_MS ? { forecastCents: Math.round((spentCents * (monthEnd - monthStart)) / elapsed) } : {}),
    status,
  };
}

const HEADLINE = { within: ":white_check_mark: within budget", warning: ":warning: approaching the budget", over: ":rotating_light: OVER BUDGET" } as const;

function budgetText(line: BudgetLine): string {
  const mark = line.status === "within" ? "" : line.status === "warning" ? ` :warning: at or above ${line.warnAtPercent}%` : " :rotating_light: over budget";
  return `${formatUsd(line.spentCents)} of ${formatUsd(line.budgetCents)} (${line.percent}%)${mark}`;
}

/** The Slack message (mrkdwn), also what the report prints. */
export function reportText(report: CostReport): string {
  const { account } = report;
  const forecast =
    report.forecastCents === undefined
      ? "forecast: from the month's second day"
      : `forecast for ${report.month}: ${formatUsd(report.forecastCents)} (${Math.round((report.forecastCents * 100) / account.budgetCents)}% of the budget)${
          report.forecastCents > account.budgetCents ? " :warning: above the budget at today's rate" : ""
        }`;
  const other = report.otherProjects.map((project) => `${project.name} ${formatUsd(project.cents)}`);
  return [
    `*CryptoPulse DigitalOcean cost, ${report.month}* — ${HEADLINE[report.status]} (as of ${report.generatedAt})`,
    `*Month to date*: ${budgetText(account)}; ${forecast}`,
    `*By environment* (invoice preview, by project): ${report.environments.map((line) => `${line.name} ${budgetText(line)}`).join(" · ")}${other.length > 0 ? ` · not in an environment's project: ${other.join(", ")}` : ""}`,
    `*By product*: ${report.products.length > 0 ? report.products.map((product) => `${product.name} ${formatUsd(product.cents)}`).join(" · ") : "no invoice items yet"}`,
  ].join("\n");
}

// ---------------------------------------------------------------- running it

interface Settings {
  readonly token: string;
  readonly api: string;
  readonly webhook?: string;
}

/** `npm run cost:report`'s command line (scripts/lib/cli.mjs: --help, and one line for a bad argument). */
export const REPORT_CLI = defineCli({
  name: "cost-report",
  usage: REPORT_USAGE,
  options: { "no-slack": { type: "boolean" } },
  check: ({ values }): { readonly slack: boolean } => ({ slack: !values["no-slack"] }),
});

/** The command line of `npm run cost:report`; throws UsageError. Exported so the docs' commands are held to it. */
export const parseReportArguments = (argv: readonly string[]): { readonly slack: boolean } | typeof HELP => REPORT_CLI.parse(argv);

function readSettings(options: { readonly slack: boolean }, env: NodeJS.ProcessEnv): Settings {
  const token = env[TOKEN_VARIABLE]?.trim();
  if (!token) throw new ReportError(`${TOKEN_VARIABLE} is not set: a DigitalOcean API token with the billing:read scope`);
  if (/\s/.test(token)) throw new ReportError(`${TOKEN_VARIABLE} holds whitespace: one token, nothing else`);
  const api = readServiceEndpoints(env).digitaloceanApi ?? DEFAULT_API;
  if (!options.slack) return { token, api };
  const webhook = env[WEBHOOK_VARIABLE]?.trim();
  if (!webhook) throw new ReportError(`${WEBHOOK_VARIABLE} is not set: the Slack incoming webhook URL (or pass --no-slack)`);
  let url: URL | undefined;
  try {
    url = new URL(webhook);
  } catch {
    url = undefined;
  }
  // The URL is a secret: never echoed.
  if (!url || !["https:", "http:"].includes(url.protocol) || url.username || url.password) {
    throw new ReportError(`${WEBHOOK_VARIABLE} is not an absolute https:// URL without credentials (its value is not shown: it is a secret)`);
  }
  return { token, api, webhook };
}

/** Slack answers 200 "ok", or an error code such as 404 no_service (api.slack.com/messaging/webhooks#handling_errors). */
async function postToSlack(webhook: string, text: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(webhook, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text }), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new ReportError(`cannot reach the Slack webhook (${WEBHOOK_VARIABLE}): ${networkReason(error)}`);
  }
  const body = (await response.text()).trim().slice(0, 200);
  if (!response.ok) throw new ReportError(`the Slack webhook answered ${response.status}${body ? ` ${body}` : ""}`);
}

/** Runs the report; resolves to the exit status. */
export async function runCostReport(argv: readonly string[], env: NodeJS.ProcessEnv, io: ReportIo): Promise<number> {
  const { args: options, status } = REPORT_CLI.command(argv, io);
  if (status !== undefined) return status;
  try {
    const settings = readSettings(options, env);
    const budgets = loadPlatformConfig().environments.map((environment) => ({ name: environment.name, ...environment.budget }));
    const balance = await getJson(settings.api, "v2/customers/my/balance", settings.token, balanceSchema);
    const items = await invoicePreviewItems(settings.api, settings.token);
    const report = buildReport(balance, items, budgets);
    const text = reportText(report);
    io.stdout(`${text}\n`);
    if (settings.webhook) await postToSlack(settings.webhook, text);
    if (report.status !== "within") io.stderr(`cost-report: ${report.status === "over" ? "OVER BUDGET" : "approaching the budget"}: see the report above\n`);
    return report.status === "within" ? 0 : 1;
  } catch (error) {
    if (error instanceof ReportError || error instanceof ConfigError) {
      io.stderr(`cost-report: ${error instanceof ConfigError ? error.problems.join("; ") : error.message}\n`);
      return 2;
    }
    throw error;
  }
}
