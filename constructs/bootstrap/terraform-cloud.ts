import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { AgentPool } from "@cdktf/provider-tfe/lib/agent-pool";
import { AgentPoolAllowedWorkspaces } from "@cdktf/provider-tfe/lib/agent-pool-allowed-workspaces";
import { AgentToken } from "@cdktf/provider-tfe/lib/agent-token";
import { Project } from "@cdktf/provider-tfe/lib/project";
import { RunTrigger } from "@cdktf/provider-tfe/lib/run-trigger";
import { Variable } from "@cdktf/provider-tfe/lib/variable";
import { VariableSet } from "@cdktf/provider-tfe/lib/variable-set";
import { WorkspaceSettings } from "@cdktf/provider-tfe/lib/workspace-settings";
import type { AlertsConfig } from "../../config";
import { BOOTSTRAP_STACK_NAME, environmentPrefix } from "../../config/naming.mjs";
import { slackChannel } from "../core/alert-contacts";
import { StackWorkspace } from "./stack-workspace";

/** One stack as Terraform Cloud needs to know it. */
export interface WorkspaceStack {
  /** The stack name: also its workspace. */
  readonly name: string;
  readonly environment: string;
  readonly production: boolean;
  /** Stacks whose state this one reads through `terraform_remote_state` (they must share it). */
  readonly readsStateOf: readonly string[];
  /** Every stack that must apply first (remote state and explicit dependencies alike). */
  readonly dependsOn: readonly string[];
  /** True when one of its providers talks to the private Kubernetes API: it needs an agent. */
  readonly kubernetesApi: boolean;
  /** The Terraform variables it declares (all sensitive), by name. */
  readonly variables: ReadonlyMap<string, string>;
  /** The environment variables its providers read their credentials from. */
  readonly credentials: readonly string[];
  /** The environment's alert Slack channels, each with the variable holding its webhook URL. */
  readonly slackAlerts: AlertsConfig["slack"];
}

/** The engine of remote runs: the TERRAFORM_VERSION the workflows install (a test holds them equal). */
export const TERRAFORM_VERSION = "1.11.4";

/** The environment variables each provider (by Terraform type) reads its credentials from. */
export type CredentialProviders = Readonly<Record<string, readonly string[]>>;

export interface TerraformCloudWorkspacesProps {
  readonly organization: string;
  /** The Terraform Cloud project holding every workspace. */
  readonly project: string;
  readonly stacks: readonly WorkspaceStack[];
  readonly credentialProviders: CredentialProviders;
}

/**
 * Terraform Cloud set up for the stacks: a project, one workspace per stack
 * named exactly like it, remote execution where the APIs are public and an
 * agent pool per environment for the stacks that talk to the private
 * Kubernetes API, remote-state sharing and (outside production) run triggers
 * from the stacks' own graph, and one variable set per environment declaring
 * its credentials and secrets. Built in the scope it is given (the bootstrap
 * stack), so every logical id stays the one deployed state knows.
 */
export function terraformCloudWorkspaces(scope: Construct, props: TerraformCloudWorkspacesProps): void {
  const { organization } = props;
  const projectId = new Project(scope, "project", {
    name: props.project,
    organization,
    description: `CryptoPulse: one workspace per cdktf stack (managed by the ${BOOTSTRAP_STACK_NAME} stack)`,
  }).id;

  const environments = [...new Set(props.stacks.map((stack) => stack.environment))];
  const variableSets = new Map(environments.map((environment) => [environment, variableSet(scope, organization, environment, props.stacks, props.credentialProviders)]));
  const workspaces = new Map(
    props.stacks.map((stack) => {
      const notifications = stack.slackAlerts.map((entry) => slackChannel(scope, entry));
      const workspace = new StackWorkspace(scope, `workspace-${stack.name}`, {
        name: stack.name,
        organization,
        projectId,
        description: `cdktf stack ${stack.name} (${stack.environment})`,
        production: stack.production,
        terraformVersion: TERRAFORM_VERSION,
        variableSetId: variableSets.get(stack.environment) as string,
        notifications,
      }).workspace;
      return [stack.name, workspace] as const;
    }),
  );
  const workspaceId = (name: string) => (workspaces.get(name) as StackWorkspace["workspace"]).id;
  const agentPools = new Map(
    environments.flatMap((environment) => {
      const agentStacks = props.stacks.filter((stack) => stack.environment === environment && stack.kubernetesApi);
      return agentStacks.length ? [[environment, agentPool(scope, organization, environment, agentStacks.map((stack) => workspaceId(stack.name)))] as const] : [];
    }),
  );

  for (const stack of props.stacks) {
    const consumers = props.stacks.filter((consumer) => consumer.readsStateOf.includes(stack.name));
    new WorkspaceSettings(scope, `settings-${stack.name}`, {
      workspaceId: workspaceId(stack.name),
      executionMode: stack.kubernetesApi ? "agent" : "remote",
      ...(stack.kubernetesApi ? { agentPoolId: agentPools.get(stack.environment) } : {}),
      globalRemoteState: false,
      remoteStateConsumerIds: consumers.map((consumer) => workspaceId(consumer.name)),
    });
    // A producer's apply queues (and in staging applies) a run of each stack that depends on it. Not in production:
    // its applies go through the reviewed deploy workflow wave by wave, and a triggered run there would plan the
    // consumer's previous configuration, wait for a confirmation and hold the workflow's next wave behind it.
    for (const producer of stack.production ? [] : stack.dependsOn) {
      new RunTrigger(scope, `run-trigger-${stack.name}-after-${producer}`, { workspaceId: workspaceId(stack.name), sourceableId: workspaceId(producer) });
    }
  }
}

/**
 * The environment's variable set: every Terraform variable its stacks declare
 * and every credential their providers read, all sensitive and without a
 * value. The admin enters the values in Terraform Cloud; `ignore_changes`
 * keeps a later apply from resetting them.
 */
function variableSet(
scope: Construct,
organization: string,
environment: string,
stacks: readonly WorkspaceStack[],
credentialProviders: CredentialProviders,
): string {
  const own = stacks.filter((stack) => stack.environment === environment);
  const set = new VariableSet(scope, `variable-set-${environment}`, {
    name: environmentPrefix(environment),
    organization,
    description: `Credentials and secrets of the ${environment} stacks (values entered in Terraform Cloud, never in code)`,
  });
  const terraform = new Map(own.flatMap((stack) => [...stack.variables]));
  const credentials = [...new Set(own.flatMap((stack) => stack.credentials))];
  const declare = (key: string, category: "terraform" | "env", description: string) =>
    new Variable(scope, `variable-${environment}-${key}`, {
      variableSetId: set.id,
      key,
      category,
      description,
      sensitive: true,
      lifecycle: { ignoreChanges: ["value"] },
    });
  for (const [name, purpose] of [...terraform].sort(([a], [b]) => a.localeCompare(b))) declare(name, "terraform", purpose);
  for (const name of credentials.sort()) declare(name, "env", `Credential the ${providerReading(credentialProviders, name)} provider reads from the run's environment`);
  return set.id;
}

/** The agent pool of an environment's Kubernetes stacks; its token is an output for the agents' host. */
function agentPool(scope: Construct, organization: string, environment: string, workspaceIds: readonly string[]): string {
  const pool = new AgentPool(scope, `agent-pool-${environment}`, { name: `${environmentPrefix(environment)}-kubernetes`, organization, organizationScoped: false });
  new AgentPoolAllowedWorkspaces(scope, `agent-pool-${environment}-workspaces`, { agentPoolId: pool.id, allowedWorkspaceIds: [...workspaceIds] });
  const token = new AgentToken(scope, `agent-token-${environment}`, {
    agentPoolId: pool.id,
    description: `${environmentPrefix(environment)} agents: run where cluster.adminCidrs admits them`,
  });
  new TerraformOutput(scope, `agent_token_${environment}`, {
    value: token.token,
    sensitive: true,
    description: `TFC_AGENT_TOKEN of the ${environment} agents (terraform output -raw agent_token_${environment})`,
  });
  return pool.id;
}

/** The provider (Terraform type) that reads the credential `name`. */
function providerReading(credentialProviders: CredentialProviders, name: string): string {
  return Object.keys(credentialProviders).find((provider) => credentialProviders[provider].includes(name)) ?? "unknown";
}
