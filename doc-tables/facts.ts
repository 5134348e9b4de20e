import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { parse } from "yaml";
import { ConfigError, loadPlatformConfig } from "../config";
import { APP_METRICS, type AppMetric } from "../constructs/observability/app-metrics";
import { GuardrailError, RULES } from "../guardrails";
import { synthesizePlatform } from "../stacks/platform-app";
import { stackName } from "../config/naming.mjs";
import { LayerStack } from "../stacks/layer-stack";

/**
 * What the generated tables of the docs say, read from the code itself: the app as `cdktf synth`
 * builds it (every environment and the Terraform Cloud bootstrap stack) and its synthesized JSON,
 * the guardrail rule pack and the app services' metrics contract. Every project import the tables
 * need is in this file.
 */
export interface Facts {
  /** The configured environments, in the config's order. */
  readonly environments: readonly string[];
  readonly stacks: readonly StackFact[];
  readonly variables: readonly VariableFact[];
  /** Every Prometheus alert rule the platform stacks ship, per environment, in the order shipped. */
  readonly alerts: readonly AlertFact[];
  /** DigitalOcean's own alerts (monitor alerts on droplets and databases, uptime alerts), per stack. */
  readonly digitaloceanAlerts: readonly DigitaloceanAlertFact[];
  /** The Terraform Cloud workspaces of the bootstrap stack, sorted by name. */
  readonly workspaces: readonly WorkspaceFact[];
  readonly rules: typeof RULES;
  readonly metrics: readonly AppMetric[];
}

export interface StackFact {
  readonly name: string;
  readonly layer: string;
  readonly environment: string;
  /** Absent for a stack of the whole environment (edge). */
  readonly region?: string;
  /** The stacks that must apply first, as cdktf orders them. */
  readonly dependsOn: readonly string[];
}

export interface VariableFact {
  readonly name: string;
  readonly purpose: string;
  readonly sensitive: boolean;
  readonly stacks: readonly string[];
}

export interface AlertFact {
  readonly environment: string;
  readonly group: string;
  readonly alert: string;
  readonly for: string;
  readonly priority: string;
  readonly summary: string;
  readonly description: string;
  readonly runbook: string;
}

export interface DigitaloceanAlertFact {
  readonly environment: string;
  readonly layer: string;
  /** The alert's `type`: a monitor metric (`v1/insights/droplet/cpu`) or an uptime check's (`latency`). */
  readonly type: string;
  /** What it watches: the nodes or database of its description, the host of an uptime check. */
  readonly subject: string;
  readonly condition: string;
  readonly window: string;
}

export interface WorkspaceFact {
  readonly name: string;
  /** `remote` or `agent`. */
  readonly execution: string;
  /** The workspaces that may read its state. */
  readonly sharesStateWith: readonly string[];
  /** The workspaces a run trigger queues after its applies. */
  readonly triggers: readonly string[];
}

/** Input the tables cannot describe: one line, printed without a stack trace. */
export class DocsTableError extends Error {}

/** The errors the command prints as they are: its own, and a configuration or guardrail problem of the synth. */
export const isReportedError = (error: unknown): error is Error => error instanceof DocsTableError || error instanceof ConfigError || error instanceof GuardrailError;

/** The runtime settings of the synthesis: every environment (no filter) and the bootstrap stack. */
const SYNTH_ENV = { CRYPTOPULSE_TFC_BOOTSTRAP: "true", CRYPTOPULSE_TFC_ORGANIZATION: "cryptopulse" };

/** Synthesizes the shipped configuration into a temporary directory and reads the facts from it. */
export function collectFacts(): Facts {
  const outdir = mkdtempSync(path.join(tmpdir(), "cryptopulse-docs-tables-"));
  try {
    const app = synthesizePlatform({ env: SYNTH_ENV, outdir });
    const config = loadPlatformConfig();
    const stacks = app.node.children
      .filter((child): child is LayerStack => child instanceof LayerStack)
      .map((stack): StackFact => {
        const environment = config.environments.find((candidate) => candidate.name === stack.environment.name);
        const region = environment?.regions.map((r) => r.slug).find((slug) => stackName(stack.environment.name, stack.layer, slug) === stack.stackName);
        return {
          name: stack.stackName,
          layer: stack.layer,
          environment: stack.environment.name,
          ...(region ? { region } : {}),
          dependsOn: stack.dependencies.map((producer) => producer.node.id),
        };
      });
    const synthesized = readSynthesized(outdir);
    return {
      environments: config.environments.map((environment) => environment.name),
      stacks,
      variables: collectVariables(synthesized),
      alerts: collectAlerts(synthesized, stacks),
      digitaloceanAlerts: collectDigitaloceanAlerts(synthesized, stacks),
      workspaces: collectWorkspaces(synthesized),
      rules: RULES,
      metrics: APP_METRICS,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any -- Terraform JSON and Helm values are untyped */

/** Stack name -> its cdk.tf.json, every stack of the manifest, sorted by name. */
function readSynthesized(outdir: string): Map<string, any> {
  const manifest = JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
  return new Map(
    Object.entries(manifest.stacks)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, entry]) => [name, JSON.parse(readFileSync(path.join(outdir, entry.synthesizedStackPath), "utf8"))]),
  );
}

/** Every Terraform variable users set as TF_VAR_<name>, sorted by name; one purpose and sensitivity each. */
function collectVariables(synthesized: Map<string, any>): VariableFact[] {
  const variables = new Map<string, { purpose: string; sensitive: boolean; stacks: string[] }>();
  for (const [stack, json] of synthesized) {
    for (const [name, variable] of Object.entries<any>(json.variable ?? {})) {
      const purpose = String(variable.description ?? "").replace(` (set TF_VAR_${name})`, "");
      const sensitive = variable.sensitive === true;
      const known = variables.get(name);
      if (!known) variables.set(name, { purpose, sensitive, stacks: [stack] });
      else if (known.purpose !== purpose || known.sensitive !== sensitive) {
        throw new DocsTableError(`variable ${name} is declared differently in ${known.stacks[0]} and ${stack}; one variable, one purpose`);
      } else known.stacks.push(stack);
    }
  }
  return [...variables].sort(([a], [b]) => a.localeCompare(b)).map(([name, variable]) => ({ name, ...variable }));
}

/**
 * The alert rules of every platform stack, from the values of its Helm releases
 * (kube-prometheus-stack's `additionalPrometheusRulesMap`): what Prometheus gets, not what a
 * construct might build.
 */
function collectAlerts(synthesized: Map<string, any>, stacks: readonly StackFact[]): AlertFact[] {
  return stacks
    .filter((stack) => stack.layer === "platform")
    .flatMap((stack) =>
      Object.values<any>(synthesized.get(stack.name)?.resource?.helm_release ?? {})
        .flatMap((release) => (release.values ?? []) as string[])
        // A value that is a whole Terraform expression (yamlencode of stack outputs) holds no rules.
        .filter((values) => !/^\$\{[\s\S]*\}$/.test(values))
        .flatMap((values) => Object.entries<any>(parse(unescapeTerraform(values))?.additionalPrometheusRulesMap ?? {}))
        .flatMap(([, file]) => (file.groups ?? []) as any[])
        .flatMap((group) =>
          (group.rules as any[])
            .filter((rule) => typeof rule.alert === "string")
            .map((rule) => ({
              environment: stack.environment,
              group: String(group.name),
              alert: String(rule.alert),
              for: String(rule.for ?? "0m"),
              priority: String(rule.labels?.priority ?? ""),
              summary: String(rule.annotations?.summary ?? ""),
              description: String(rule.annotations?.description ?? ""),
              runbook: String(rule.annotations?.runbook ?? ""),
            })),
        ),
    );
}

/** The name of the stack with the Terraform Cloud workspaces (CRYPTOPULSE_TFC_BOOTSTRAP). */
const BOOTSTRAP_STACK = "cryptopulse-bootstrap";

/** Every workspace of the bootstrap stack with its settings and run triggers, by the workspaces' names. */
function collectWorkspaces(synthesized: Map<string, any>): WorkspaceFact[] {
  const resources = synthesized.get(BOOTSTRAP_STACK)?.resource;
  if (!resources) throw new DocsTableError(`the synthesized app has no ${BOOTSTRAP_STACK} stack`);
  const names = new Map(Object.entries<any>(resources.tfe_workspace ?? {}).map(([id, workspace]) => [`\${tfe_workspace.${id}.id}`, String(workspace.name)]));
  const nameOf = (reference: string) => {
    const name = names.get(reference);
    if (!name) throw new DocsTableError(`${BOOTSTRAP_STACK}: ${reference} is no workspace of the stack`);
    return name;
  };
  const triggers = Object.values<any>(resources.tfe_run_trigger ?? {}).map((trigger) => [nameOf(trigger.sourceable_id), nameOf(trigger.workspace_id)] as const);
  return Object.values<any>(resources.tfe_workspace_settings ?? {})
    .map((settings) => {
      const name = nameOf(settings.workspace_id);
      return {
        name,
        execution: String(settings.execution_mode),
        sharesStateWith: ((settings.remote_state_consumer_ids ?? []) as string[]).map(nameOf).sort(),
        triggers: triggers.filter(([source]) => source === name).map(([, target]) => target).sort(),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Units of the uptime alerts' thresholds (DigitalOcean's API: latency in milliseconds, certificate expiry in days). */
const UPTIME_UNITS: Readonly<Record<string, string>> = { latency: " ms", ssl_expiry: " days" };
const COMPARISONS: Readonly<Record<string, string>> = { greater_than: ">", less_than: "<" };

/** The monitor and uptime alerts of every stack; an environment's name in a subject reads `<env>`. */
function collectDigitaloceanAlerts(synthesized: Map<string, any>, stacks: readonly StackFact[]): DigitaloceanAlertFact[] {
  return stacks.flatMap((stack) => {
    const resources = synthesized.get(stack.name)?.resource ?? {};
    const general = (text: string) => text.replaceAll(`cryptopulse-${stack.environment}`, "cryptopulse-<env>");
    const monitors = Object.values<any>(resources.digitalocean_monitor_alert ?? {}).map((alert) => {
      const [subject, condition] = String(alert.description).split(": ");
      return { type: String(alert.type), subject: general(subject), condition: condition.replace(` for ${alert.window}`, ""), window: String(alert.window) };
    });
    const uptime = Object.values<any>(resources.digitalocean_uptime_alert ?? {}).map((alert) => ({
      type: String(alert.type),
      subject: String(alert.name).split(": ")[0],
      condition: alert.comparison ? `${COMPARISONS[alert.comparison] ?? alert.comparison} ${alert.threshold}${UPTIME_UNITS[alert.type] ?? ""}` : String(alert.type).replaceAll("_", " "),
      window: String(alert.period),
    }));
    return [...monitors, ...uptime].map((alert) => ({ environment: stack.environment, layer: stack.layer, ...alert }));
  });
}

/** A string as Terraform reads it: cdk.tf.json writes a literal `${` as `$${` and `%{` as `%%{`. */
const unescapeTerraform = (text: string) => text.replaceAll("$${", "${").replaceAll("%%{", "%{");
