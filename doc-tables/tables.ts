import * as path from "path";
import { DocsTableError, type AlertFact, type DigitaloceanAlertFact, type Facts } from "./facts";

/** One generated table: the page and the name of its marked region, and what it is made from. */
export interface GeneratedTable {
  /** The page, relative to the repository root. */
  readonly page: string;
  /** The region's name: `<!-- generated:<name> ... -->` to `<!-- /generated:<name> -->`. */
  readonly name: string;
  /** Where to change what the table says (shown in the region's opening marker). */
  readonly source: string;
  render(facts: Facts, page: string): string;
}

/** A markdown table; cells are written on one line, with `|` escaped (also inside code spans, as GFM wants). */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((cell) => cell.replace(/\s*\n\s*/g, " ").replaceAll("|", "\\|")).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

const code = (text: string) => `\`${text}\``;
const list = (items: readonly string[]) => (items.length > 0 ? items.map(code).join(", ") : "—");

/** Markdown text's code spans and the text between them, in order: odd indexes are code. */
const spans = (text: string) => text.split(/(`[^`]*`)/);

/** Plain text as a table cell: characters markdown would take for markup (`<tag>`, `*`) print as they are. */
function prose(text: string): string {
  return spans(text)
    .map((part, index) => (index % 2 === 1 ? part : part.replaceAll("*", "\\*").replaceAll("<", "&lt;").replaceAll(">", "&gt;")))
    .join("");
}

/**
 * An alert annotation as a table cell: Prometheus' templates become the label they print
 * (*instance*, or `<instance>` inside a code span), and a docs page it names becomes a link from `page`.
 */
function annotation(text: string, page: string, alert: string): string {
  return spans(text)
    .map((part, index) => {
      const inCode = index % 2 === 1;
      const placeholder = (name: string) => (inCode ? `<${name}>` : `*${name}*`);
      const escaped = inCode ? part : prose(part);
      const rendered = escaped
        .replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_match, label: string) => placeholder(label))
        .replace(/\{\{\s*\$value\b[^}]*\}\}/g, () => placeholder("value"));
      if (rendered.includes("{{")) throw new DocsTableError(`alert ${alert}: the template in ${JSON.stringify(text)} is not one the docs can render ({{ $labels.<name> }}, {{ $value ... }})`);
      if (inCode) return rendered;
      return rendered.replace(/(?<![\w./-])docs\/[\w./-]+?\.md\b/g, (target) => `[${target}](${path.posix.relative(path.posix.dirname(page), target)})`);
    })
    .join("");
}

/** One alert of every environment that ships it: a field that differs is given per environment. */
function mergedAlerts(facts: Facts, groups?: readonly string[]) {
  const byAlert = new Map<string, AlertFact[]>();
  for (const alert of facts.alerts) {
    if (groups && !groups.includes(alert.group)) continue;
    const key = `${alert.group}/${alert.alert}`;
    byAlert.set(key, [...(byAlert.get(key) ?? []), alert]);
  }
  return [...byAlert.values()].map((instances) => {
    const field = (pick: (alert: AlertFact) => string) => {
      const values = new Set(instances.map(pick));
      return values.size === 1 ? [...values][0] : instances.map((alert) => `${alert.environment}: ${pick(alert)}`).join("; ");
    };
    const environments = instances.map((alert) => alert.environment);
    const only = environments.length < facts.environments.length ? ` (${environments.join(", ")} only)` : "";
    return { first: instances[0], field, only };
  });
}

function alertsTable(facts: Facts, page: string, groups?: readonly string[]): string {
  const alerts = mergedAlerts(facts, groups);
  if (alerts.length === 0) throw new DocsTableError(`no alert rule of ${groups?.join(", ") ?? "any group"} is shipped`);
  const showGroup = !groups || groups.length > 1;
  const header = [...(showGroup ? ["group"] : []), "alert", "priority", "for", "summary", "what it means", "first steps"];
  const rows = alerts.map(({ first, field, only }) => [
    ...(showGroup ? [code(first.group)] : []),
    `${code(first.alert)}${only}`,
    field((alert) => alert.priority),
    field((alert) => alert.for),
    annotation(field((alert) => alert.summary), page, first.alert),
    annotation(field((alert) => alert.description), page, first.alert),
    annotation(field((alert) => alert.runbook), page, first.alert),
  ]);
  return table(header, rows);
}

/**
 * DigitalOcean's alerts, one row per layer and alert type: what each watches, per environment where
 * that differs (the uptime checks' hosts).
 */
function digitaloceanAlertsTable(facts: Facts): string {
  const rows = new Map<string, DigitaloceanAlertFact[]>();
  for (const alert of facts.digitaloceanAlerts) {
    const key = `${alert.layer} ${alert.type}`;
    rows.set(key, [...(rows.get(key) ?? []), alert]);
  }
  if (rows.size === 0) throw new DocsTableError("no stack ships a DigitalOcean monitor or uptime alert");
  return table(
    ["layer", "type", "on", "fires when", "window"],
    [...rows.values()].map((alerts) => {
      const perEnvironment = (pick: (alert: DigitaloceanAlertFact) => string, format: (values: string[]) => string) => {
        const byEnvironment = new Map<string, string[]>();
        for (const alert of alerts) byEnvironment.set(alert.environment, [...new Set([...(byEnvironment.get(alert.environment) ?? []), pick(alert)])]);
        const texts = new Map([...byEnvironment].map(([environment, values]) => [environment, format(values)]));
        const distinct = new Set(texts.values());
        return distinct.size === 1 ? [...distinct][0] : [...texts].map(([environment, text]) => `${environment}: ${text}`).join("; ");
      };
      return [
        alerts[0].layer,
        code(alerts[0].type),
        perEnvironment((alert) => alert.subject, (subjects) => subjects.map(code).join(", ")),
        perEnvironment((alert) => alert.condition, (conditions) => prose(conditions.join(", "))),
        perEnvironment((alert) => alert.window, (windows) => windows.join(", ")),
      ];
    }),
  );
}

/** Every generated table of the docs, page by page. */
export const GENERATED_TABLES: readonly GeneratedTable[] = [
  {
    page: "docs/architecture.md",
    name: "stacks",
    source: "stacks/ and config/environments/",
    render: (facts) =>
      table(
        ["stack", "layer", "environment", "region", "depends on"],
        facts.stacks.map((stack) => [code(stack.name), stack.layer, stack.environment, stack.region ?? "— (the whole environment)", list(stack.dependsOn)]),
      ),
  },
  {
    page: "docs/terraform-cloud.md",
    name: "workspaces",
    source: "the synthesized cryptopulse-bootstrap stack (stacks/terraform-cloud-stack.ts)",
    render: (facts) =>
      table(
        ["workspace", "execution", "shares its state with", "its applies trigger"],
        facts.workspaces.map((workspace) => [code(workspace.name), workspace.execution, list(workspace.sharesStateWith), list(workspace.triggers)]),
      ),
  },
  {
    page: "docs/variables.md",
    name: "variables",
    source: "the synthesized stacks' variables (SensitiveVariable)",
    render: (facts) =>
      table(
        ["variable", "purpose", "declared by the stacks", "sensitive"],
        facts.variables.map((variable) => [code(`TF_VAR_${variable.name}`), prose(variable.purpose), list(variable.stacks), variable.sensitive ? "yes" : "no"]),
      ),
  },
  {
    page: "docs/guardrails.md",
    name: "rules",
    source: "guardrails/rules/",
    render: (facts) =>
      table(
        ["rule", "tiers", "applies to", "requires", "because"],
        facts.rules.map((rule) => [code(rule.id), rule.tiers ? rule.tiers.join(", ") : "all", prose(rule.scope), prose(rule.fix), prose(rule.reason)]),
      ),
  },
  {
    page: "docs/observability.md",
    name: "alerts",
    source: "constructs/observability/alert-rules.ts and backupAlertRules in constructs/backup/backup-jobs.ts",
    render: (facts, page) => alertsTable(facts, page),
  },
  {
    page: "docs/observability.md",
    name: "digitalocean-alerts",
    source: "constructs/cluster/node-alerts.ts, constructs/data/managed-database.ts and constructs/observability/uptime-checks.ts",
    render: (facts) => digitaloceanAlertsTable(facts),
  },
  {
    page: "docs/observability.md",
    name: "metrics",
    source: "constructs/observability/app-metrics.ts",
    render: (facts) =>
      table(
        ["metric", "type", "labels", "exported by", "meaning"],
        facts.metrics.map((metric) => [code(metric.name), metric.type, metric.labels.length > 0 ? metric.labels.map(code).join(", ") : "—", metric.exportedBy, prose(metric.help)]),
      ),
  },
  {
    page: "docs/alerting.md",
    name: "security-alerts",
    source: "the cryptopulse.security group of constructs/observability/alert-rules.ts",
    render: (facts, page) => alertsTable(facts, page, ["cryptopulse.security"]),
  },
  {
    page: "docs/backup-and-dr.md",
    name: "backup-alerts",
    source: "backupAlertRules in constructs/backup/backup-jobs.ts",
    render: (facts, page) => alertsTable(facts, page, ["cryptopulse.backups"]),
  },
];
