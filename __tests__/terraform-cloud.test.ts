import { mkdtempSync, readFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { parse } from "yaml";
import { readRuntimeOptions } from "../config/runtime";
import { NOTIFICATION_TRIGGERS } from "../constructs/bootstrap/stack-workspace";
import { synthesizePlatform } from "../stacks/platform-app";
import { BOOTSTRAP_STACK_NAME } from "../config/naming.mjs";
import { TERRAFORM_VERSION } from "../constructs/bootstrap/terraform-cloud";
import { runScript } from "./fixtures/ci/harness";
import { environmentNamed, problemsOf, shippedConfig, type TerraformJson } from "./helpers";

/**
 * The Terraform Cloud bootstrap stack (stacks/terraform-cloud-stack.ts) against what the app itself
 * synthesizes: one workspace per stack, remote-state sharing exactly where a stack has a
 * terraform_remote_state of another, run triggers exactly along the stack dependencies, agents exactly
 * for the stacks that talk to the Kubernetes API, variable sets naming what the stacks declare.
 */

const ROOT = path.resolve(__dirname, "..");
const BOOTSTRAP_ENV = { CRYPTOPULSE_TFC_BOOTSTRAP: "true", CRYPTOPULSE_TFC_ORGANIZATION: "cryptopulse", CRYPTOPULSE_STATE_BACKEND: "cloud" };

interface Synth {
  readonly stacks: ReadonlyMap<string, TerraformJson>;
  readonly dependencies: ReadonlyMap<string, readonly string[]>;
  readonly bootstrap: TerraformJson;
}

function synth(config?: unknown): Synth {
  const outdir = path.join(mkdtempSync(path.join(tmpdir(), "cryptopulse-tfc-")), "cdktf.out");
  synthesizePlatform({ env: BOOTSTRAP_ENV, outdir, ...(config === undefined ? {} : { config }) });
  const manifest = JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8")) as {
    stacks: Record<string, { synthesizedStackPath: string; dependencies?: string[] }>;
  };
  const all = new Map(Object.entries(manifest.stacks).map(([name, entry]) => [name, JSON.parse(readFileSync(path.join(outdir, entry.synthesizedStackPath), "utf8")) as TerraformJson]));
  const bootstrap = all.get(BOOTSTRAP_STACK_NAME);
  if (!bootstrap) throw new Error(`no ${BOOTSTRAP_STACK_NAME} in the manifest`);
  all.delete(BOOTSTRAP_STACK_NAME);
  const dependencies = new Map([...all.keys()].map((name) => [name, manifest.stacks[name].dependencies ?? []]));
  return { stacks: all, dependencies, bootstrap };
}

const resources = (json: TerraformJson, type: string): [string, TerraformJson][] => Object.entries((json.resource?.[type] ?? {}) as Record<string, TerraformJson>);

/** Workspace logical id -> workspace name, to read `${tfe_workspace.<id>.id}` references. */
function workspaceNames(bootstrap: TerraformJson): Map<string, string> {
  return new Map(resources(bootstrap, "tfe_workspace").map(([id, workspace]) => [`\${tfe_workspace.${id}.id}`, workspace.name as string]));
}

function nameOf(names: Map<string, string>, reference: string): string {
  const name = names.get(reference);
  if (!name) throw new Error(`${reference} is no workspace of the bootstrap stack`);
  return name;
}

const sortedEdges = (edges: Iterable<string>) => [...new Set(edges)].sort();

/** "producer -> consumer" for every terraform_remote_state of the synthesized stacks. */
function remoteStateEdges({ stacks }: Synth): string[] {
  return sortedEdges(
    [...stacks].flatMap(([consumer, json]) =>
      Object.values((json.data?.terraform_remote_state ?? {}) as Record<string, TerraformJson>).map((remote) => {
        expect(remote.backend).toBe("remote");
        return `${remote.config.workspaces.name as string} -> ${consumer}`;
      }),
    ),
  );
}

/** "producer -> consumer" for every workspace that shares its state, as the bootstrap configures it. */
function sharingEdges({ bootstrap }: Synth): string[] {
  const names = workspaceNames(bootstrap);
  return sortedEdges(
    resources(bootstrap, "tfe_workspace_settings").flatMap(([, settings]) => {
      expect(settings.global_remote_state).toBe(false);
      const producer = nameOf(names, settings.workspace_id);
      return ((settings.remote_state_consumer_ids ?? []) as string[]).map((consumer) => `${producer} -> ${nameOf(names, consumer)}`);
    }),
  );
}

function runTriggerEdges({ bootstrap }: Synth): string[] {
  const names = workspaceNames(bootstrap);
  return sortedEdges(resources(bootstrap, "tfe_run_trigger").map(([, trigger]) => `${nameOf(names, trigger.sourceable_id)} -> ${nameOf(names, trigger.workspace_id)}`));
}

/** "producer -> consumer" for every stack dependency outside production (production applies only through the deploy workflow). */
const dependencyEdges = ({ dependencies }: Synth) =>
  sortedEdges(
    [...dependencies]
      .filter(([consumer]) => !consumer.startsWith("cryptopulse-production-"))
      .flatMap(([consumer, producers]) => producers.map((producer) => `${producer} -> ${consumer}`)),
  );

const shipped = synth();

describe("the Terraform Cloud bootstrap stack", () => {
  it("is synthesized only when CRYPTOPULSE_TFC_BOOTSTRAP=true, and never for a subset of the environments", () => {
    expect(readRuntimeOptions({}, ["staging"]).terraformCloudBootstrap).toBeUndefined();
    expect(readRuntimeOptions({ CRYPTOPULSE_TFC_BOOTSTRAP: "false" }, ["staging"]).terraformCloudBootstrap).toBeUndefined();
    expect(readRuntimeOptions(BOOTSTRAP_ENV, ["staging"]).terraformCloudBootstrap).toEqual({ organization: "cryptopulse", hostname: "app.terraform.io", project: "cryptopulse" });
    expect(problemsOf(() => synthesizePlatform({ env: { ...BOOTSTRAP_ENV, CRYPTOPULSE_ENVIRONMENTS: "staging" } }))).toEqual([
      'CRYPTOPULSE_ENVIRONMENTS = "staging": must be unset when CRYPTOPULSE_TFC_BOOTSTRAP=true: the bootstrap manages the workspaces of every environment',
    ]);
    expect(problemsOf(() => synthesizePlatform({ env: { CRYPTOPULSE_TFC_BOOTSTRAP: "true" } }))).toEqual([
      "CRYPTOPULSE_TFC_ORGANIZATION = (missing): required when CRYPTOPULSE_TFC_BOOTSTRAP=true (the organization the bootstrap sets up)",
    ]);
    expect(problemsOf(() => synthesizePlatform({ env: { CRYPTOPULSE_TFC_BOOTSTRAP: "yes" } }))).toEqual([
      'CRYPTOPULSE_TFC_BOOTSTRAP = "yes": true (synthesize the Terraform Cloud bootstrap stack) or false',
    ]);
  });

  it("reaches Terraform Enterprise on a port of its own, and refuses a port out of range in one line", () => {
    const hostname = (value: string) => readRuntimeOptions({ ...BOOTSTRAP_ENV, CRYPTOPULSE_TFC_HOSTNAME: value }, ["staging"]).terraformCloudBootstrap?.hostname;
    expect(hostname("tfe.example.com:8443")).toBe("tfe.example.com:8443");
    expect(problemsOf(() => hostname("tfe.example.com:70000"))).toEqual([expect.stringMatching(/^CRYPTOPULSE_TFC_HOSTNAME = "tfe\.example\.com:70000": the port is out of range: /)]);
    for (const bad of ["tfe.example.com:", "tfe.example.com:84a3", ":8443"]) {
      expect(problemsOf(() => hostname(bad))).toEqual([`CRYPTOPULSE_TFC_HOSTNAME = "${bad}": a host name such as app.terraform.io`]);
    }
  });

  it("has a name no environment's stack pattern selects", () => {
    for (const environment of ["bootstrap", "cryptopulse", "tfc"]) expect(BOOTSTRAP_STACK_NAME.startsWith(`cryptopulse-${environment}-`)).toBe(false);
  });

  it("has one workspace per stack, named exactly like the stack and its cloud block", () => {
    const workspaces = resources(shipped.bootstrap, "tfe_workspace").map(([, workspace]) => workspace.name as string);
    expect(workspaces.sort()).toEqual([...shipped.stacks.keys()].sort());
    for (const [name, json] of shipped.stacks) expect(json.terraform.cloud.workspaces).toEqual({ name });
    const [project] = resources(shipped.bootstrap, "tfe_project");
    for (const [, workspace] of resources(shipped.bootstrap, "tfe_workspace")) {
      expect(workspace).toMatchObject({ organization: "cryptopulse", project_id: `\${tfe_project.${project[0]}.id}`, lifecycle: { prevent_destroy: true }, force_delete: false });
    }
  });

  it("shares each stack's state with exactly the stacks whose terraform_remote_state reads it", () => {
    const edges = remoteStateEdges(shipped);
    // The platform stacks read the backup buckets of every region: the sharing the hand-written table once missed.
    expect(edges).toContain("cryptopulse-production-backup-ams3 -> cryptopulse-production-platform-fra1");
    expect(sharingEdges(shipped)).toEqual(edges);
  });

  it("queues a run of each stack after every stack it depends on, outside production", () => {
    const edges = dependencyEdges(shipped);
    expect(edges).toContain("cryptopulse-staging-platform-fra1 -> cryptopulse-staging-edge");
    expect(edges).toContain("cryptopulse-staging-backup-fra1 -> cryptopulse-staging-platform-fra1");
    expect(runTriggerEdges(shipped)).toEqual(edges);
    expect(runTriggerEdges(shipped).filter((edge) => edge.includes("production"))).toEqual([]);
  });

  it("follows the stacks: a new region's stacks get workspaces, and the platform reads its backup bucket", () => {
    const config = shippedConfig();
    config.environments.staging.regions.push({ slug: "ams3", role: "dr", vpcCidr: "10.31.0.0/16" });
    const grown = synth(config);
    expect(resources(grown.bootstrap, "tfe_workspace").map(([, workspace]) => workspace.name)).toEqual(expect.arrayContaining(["cryptopulse-staging-network-ams3", "cryptopulse-staging-backup-ams3"]));
    expect(sharingEdges(grown)).toEqual(remoteStateEdges(grown));
    expect(sharingEdges(grown)).toContain("cryptopulse-staging-backup-ams3 -> cryptopulse-staging-platform-fra1");
    expect(runTriggerEdges(grown)).toEqual(dependencyEdges(grown));
  });

  it("runs on agents exactly the stacks whose providers talk to the Kubernetes API, the others remotely", () => {
    const names = workspaceNames(shipped.bootstrap);
    const pools = new Map(resources(shipped.bootstrap, "tfe_agent_pool").map(([id, pool]) => [`\${tfe_agent_pool.${id}.id}`, pool.name as string]));
    for (const [, settings] of resources(shipped.bootstrap, "tfe_workspace_settings")) {
      const stack = nameOf(names, settings.workspace_id);
      const providers = Object.keys(shipped.stacks.get(stack)?.terraform.required_providers ?? {});
      const kubernetes = providers.includes("kubernetes") || providers.includes("helm");
      expect([stack, settings.execution_mode]).toEqual([stack, kubernetes ? "agent" : "remote"]);
      const environment = stack.split("-")[1];
      expect([stack, kubernetes ? pools.get(settings.agent_pool_id) : settings.agent_pool_id]).toEqual([stack, kubernetes ? `cryptopulse-${environment}-kubernetes` : undefined]);
    }
    for (const [, allowed] of resources(shipped.bootstrap, "tfe_agent_pool_allowed_workspaces")) {
      const environment = (pools.get(allowed.agent_pool_id) as string).split("-")[1];
      expect((allowed.allowed_workspace_ids as string[]).map((id) => nameOf(names, id))).toEqual([`cryptopulse-${environment}-platform-fra1`]);
    }
    expect(shipped.bootstrap.output).toEqual({
      agent_token_production: expect.objectContaining({ sensitive: true }),
      agent_token_staging: expect.objectContaining({ sensitive: true }),
    });
  });

  it("declares per environment the variables its stacks declare and the credentials their providers read, sensitive and without a value", () => {
    const documented = [...readFileSync(path.join(ROOT, "docs", "variables.md"), "utf8").matchAll(/^\| `TF_VAR_([a-z0-9_]+)` \|/gm)].map((match) => match[1]);
    const sets = new Map(resources(shipped.bootstrap, "tfe_variable_set").map(([id, set]) => [`\${tfe_variable_set.${id}.id}`, (set.name as string).replace(/^cryptopulse-/, "")]));
    expect([...sets.values()].sort()).toEqual(["production", "staging"]);
    for (const environment of sets.values()) {
      const own = [...shipped.stacks].filter(([name]) => name.startsWith(`cryptopulse-${environment}-`)).map(([, json]) => json);
      const declared = [...new Set(own.flatMap((json) => Object.keys(json.variable ?? {})))].sort();
      const variables = resources(shipped.bootstrap, "tfe_variable").filter(([, variable]) => sets.get(variable.variable_set_id) === environment).map(([, variable]) => variable);
      for (const variable of variables) {
        expect(variable).toMatchObject({ sensitive: true, lifecycle: { ignore_changes: ["value"] } });
        expect(Object.keys(variable)).not.toContain("value");
      }
      const keys = (category: string) => variables.filter((variable) => variable.category === category).map((variable) => variable.key as string).sort();
      expect(keys("terraform")).toEqual(declared);
      for (const name of declared) expect(documented).toContain(name);
      expect(keys("env")).toEqual(["CLOUDFLARE_API_TOKEN", "DIGITALOCEAN_TOKEN", "SPACES_ACCESS_KEY_ID", "SPACES_SECRET_ACCESS_KEY"]);
    }
    const attached = resources(shipped.bootstrap, "tfe_workspace_variable_set").map(([, attachment]) => attachment);
    const names = workspaceNames(shipped.bootstrap);
    expect(attached.map((attachment) => `${nameOf(names, attachment.workspace_id)} ${sets.get(attachment.variable_set_id)}`).sort()).toEqual(
      [...shipped.stacks.keys()].map((name) => `${name} ${name.split("-")[1]}`).sort(),
    );
  });

  it("notifies each environment's own alert Slack webhook of failed runs and drift, from a variable", () => {
    const names = workspaceNames(shipped.bootstrap);
    const webhookOf = Object.fromEntries(["production", "staging"].map((environment) => [environment, environmentNamed(environment).alerts.slack[0].webhookUrlVariable]));
    const notifications = resources(shipped.bootstrap, "tfe_notification_configuration").map(([, notification]) => notification);
    expect(notifications).toHaveLength(shipped.stacks.size);
    for (const notification of notifications) {
      const environment = nameOf(names, notification.workspace_id).split("-")[1];
      expect(notification).toMatchObject({ destination_type: "slack", url: `\${var.${webhookOf[environment]}}`, enabled: true });
      expect(notification.triggers).toEqual(expect.arrayContaining(["run:errored", "assessment:drifted"]));
    }
    expect(NOTIFICATION_TRIGGERS).toContain("assessment:failed");
    for (const variable of new Set(Object.values(webhookOf))) expect(shipped.bootstrap.variable[variable]).toMatchObject({ sensitive: true });
  });

  it("protects production: nothing applies unconfirmed, no destroy plan, health assessments on", () => {
    for (const [, workspace] of resources(shipped.bootstrap, "tfe_workspace")) {
      const production = (workspace.name as string).startsWith("cryptopulse-production-");
      expect([workspace.name, workspace.auto_apply, workspace.auto_apply_run_trigger, workspace.allow_destroy_plan, workspace.assessments_enabled]).toEqual([
        workspace.name, !production, !production, !production, production,
      ]);
      expect(workspace).toMatchObject({ speculative_enabled: true, file_triggers_enabled: false, queue_all_runs: false });
      expect(workspace.working_directory).toBeUndefined();
    }
  });

  it("runs the Terraform version the workflows install", () => {
    for (const file of ["pull-request.yml", "deploy.yml", "drift.yml"]) {
      const workflow = parse(readFileSync(path.join(ROOT, ".github", "workflows", file), "utf8")) as { env: Record<string, string> };
      expect([file, workflow.env.TERRAFORM_VERSION]).toEqual([file, TERRAFORM_VERSION]);
    }
    for (const [, workspace] of resources(shipped.bootstrap, "tfe_workspace")) expect(workspace.terraform_version).toBe(TERRAFORM_VERSION);
  });

  it("uploads each stack whole: nothing a stack reads lies outside its folder (the workspace's working directory is the upload's root)", () => {
    for (const [name, json] of shipped.stacks) {
      const outside = JSON.stringify(json).match(/"\.\.\/[^"]*"/g) ?? [];
      expect([name, outside]).toEqual([name, []]);
    }
  });
});

describe("docs/terraform-cloud.md", () => {
  const doc = readFileSync(path.join(ROOT, "docs", "terraform-cloud.md"), "utf8");
  const rows = doc
    .split("\n")
    .map((line) => /^\| `(cryptopulse-[a-z0-9-]+)` \| (remote|agent) \| (.*) \| (.*) \|$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null);
  const list = (cell: string) => (cell === "—" ? [] : cell.split(", ").map((name) => name.replace(/`/g, "")));

  it("lists every workspace with its execution mode, the stacks it shares its state with and those it triggers, as synthesized", () => {
    const names = workspaceNames(shipped.bootstrap);
    const modes = new Map(resources(shipped.bootstrap, "tfe_workspace_settings").map(([, settings]) => [nameOf(names, settings.workspace_id), settings.execution_mode as string]));
    const sharing = sharingEdges(shipped);
    const triggers = runTriggerEdges(shipped);
    const consumers = (edges: string[], producer: string) => edges.filter((edge) => edge.startsWith(`${producer} -> `)).map((edge) => edge.split(" -> ")[1]).sort();
    expect(rows.map(([, name]) => name).sort()).toEqual([...shipped.stacks.keys()].sort());
    for (const [, name, mode, shares, triggered] of rows) {
      expect([name, mode, list(shares).sort(), list(triggered).sort()]).toEqual([name, modes.get(name), consumers(sharing, name), consumers(triggers, name)]);
    }
  });

  it("names the stack, its selection and the workflow modes as the code does", async () => {
    expect(doc).toContain(`**\`${BOOTSTRAP_STACK_NAME}\`**`);
    expect(doc).toMatch(/^\| `CRYPTOPULSE_TFC_BOOTSTRAP` \| `true` adds the stack `cryptopulse-bootstrap`/m);
    const refused = await runScript("run-engine.mjs", [], { env: { CRYPTOPULSE_RUN_ENGINE: "?" } });
    const modes = /allowed are (.+)$/m.exec(refused.stderr)?.[1].split(", ");
    const documented = [...doc.matchAll(/^\| `([a-z-]+)`(?: \(default, also unset\))? \| (?:on the GitHub runner|speculative runs)/gm)].map((match) => match[1]);
    expect(documented).toEqual(modes);
  });
});
