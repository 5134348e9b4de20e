import { App, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AgentPool } from "@cdktf/provider-tfe/lib/agent-pool";
import { AgentPoolAllowedWorkspaces } from "@cdktf/provider-tfe/lib/agent-pool-allowed-workspaces";
import { AgentToken } from "@cdktf/provider-tfe/lib/agent-token";
import { Project } from "@cdktf/provider-tfe/lib/project";
import { TfeProvider } from "@cdktf/provider-tfe/lib/provider";
import { RunTrigger } from "@cdktf/provider-tfe/lib/run-trigger";
import { Variable } from "@cdktf/provider-tfe/lib/variable";
import { VariableSet } from "@cdktf/provider-tfe/lib/variable-set";
import { WorkspaceSettings } from "@cdktf/provider-tfe/lib/workspace-settings";
import { BOOTSTRAP_STACK_NAME, environmentPrefix } from "../config/naming.mjs";
import type { StateBackendOptions, TerraformCloudBootstrapOptions } from "../config/runtime";
import { slackChannel } from "../constructs/core/alert-contacts";
import { StackWorkspace } from "../constructs/bootstrap/stack-workspace";
import { applyGuardrails } from "../guardrails";
import { PROVIDER_CREDENTIALS } from "./providers";
import type { StackNode } from "./stack-graph";
import { attachStateBackend } from "./state-backend";


/** The engine of remote runs: the TERRAFORM_VERSION the workflows install (a test holds them equal). */
export const TERRAFORM_VERSION = "1.11.4";

export interface TerraformCloudBootstrapStackProps {
  readonly options: TerraformCloudBootstrapOptions;
  /** Where the bootstrap keeps its own state (never one of the workspaces it manages). */
  readonly state: StateBackendOptions;
  /** Every stack of every environment, as the constructed app has them (stackGraph). */
  readonly stacks: readonly StackNode[];
}

/**
 * Terraform Cloud set up for the stacks, applied once per organization by an
 * admin (docs/terraform-cloud.md): a project, one workspace per stack named
 * exactly like it, remote execution where the APIs are public and an agent
 * pool per environment for the stacks that talk to the private Kubernetes
 * API, remote-state sharing and (outside production) run triggers from the
 * stacks' own graph, one
 * variable set per environment declaring its credentials and secrets (values
 * are entered in Terraform Cloud, never here), and Slack notifications of
 * failed runs and drift. The provider reads its token from TFE_TOKEN (or the
 * CLI credentials of the host).
 */
export class TerraformCloudBootstrapStack extends TerraformStack {
  constructor(scope: Construct, props: TerraformCloudBootstrapStackProps) {
    super(scope, BOOTSTRAP_STACK_NAME);
    const { organization, hostname, project } = props.options;
    new TfeProvider(this, "tfe", { hostname, organization });
    attachStateBackend(this, BOOTSTRAP_STACK_NAME, props.state, App.of(this).outdir);
    applyGuardrails(this, { tier: "production" });

    const projectId = new Project(this, "project", {
      name: project,
      organization,
      description: `CryptoPulse: one workspace per cdktf stack (managed by the ${BOOTSTRAP_STACK_NAME} stack)`,
    }).id;

    const environments = [...new Set(props.stacks.map((stack) => stack.environment))];
    const variableSets = new Map(environments.map((environment) => [environment, this.variableSet(organization, environment, props.stacks)]));
    const workspaces = new Map(
      props.stacks.map((stack) => {
        const notifications = stack.slackAlerts.map((entry) => slackChannel(this, entry));
        const workspace = new StackWorkspace(this, `workspace-${stack.name}`, {
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
        return agentStacks.length ? [[environment, this.agentPool(organization, environment, agentStacks.map((stack) => workspaceId(stack.name)))] as const] : [];
      }),
    );

    for (const stack of props.stacks) {
      const consumers = props.stacks.filter((consumer) => consumer.readsStateOf.includes(stack.name));
      new WorkspaceSettings(this, `settings-${stack.name}`, {
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
        new RunTrigger(this, `run-trigger-${stack.name}-after-${producer}`, { workspaceId: workspaceId(stack.name), sourceableId: workspaceId(producer) });
      }
    }
  }

  /**
   * The environment's variable set: every Terraform variable its stacks declare
   * and every credential their providers read, all sensitive and without a
   * value. The admin enters the values in Terraform Cloud; `ignore_changes`
   * keeps a later apply from resetting them.
   */
  private variableSet(organization: string, environment: string, stacks: readonly StackNode[]): string {
    const own = stacks.filter((stack) => stack.environment === environment);
    const set = new VariableSet(this, `variable-set-${environment}`, {
      name: environmentPrefix(environment),
      organization,
      description: `Credentials and secrets of the ${environment} stacks (values entered in Terraform Cloud, never in code)`,
    });
    const terraform = new Map(own.flatMap((stack) => [...stack.variables]));
    const credentials = [...new Set(own.flatMap((stack) => stack.credentials))];
    const declare = (key: string, category: "terraform" | "env", description: string) =>
      new Variable(this, `variable-${environment}-${key}`, {
        variableSetId: set.id,
        key,
        category,
        description,
        sensitive: true,
        lifecycle: { ignoreChanges: ["value"] },
      });
    for (const [name, purpose] of [...terraform].sort(([a], [b]) => a.localeCompare(b))) declare(name, "terraform", purpose);
    for (const name of credentials.sort()) declare(name, "env", `Credential the ${providerReading(name)} provider reads from the run's environment`);
    return set.id;
  }

  /** The agent pool of an environment's Kubernetes stacks; its token is an output for the agents' host. */
  private agentPool(organization: string, environment: string, workspaceIds: readonly string[]): string {
    const pool = new AgentPool(this, `agent-pool-${environment}`, { name: `${environmentPrefix(environment)}-kubernetes`, organization, organizationScoped: false });
    new AgentPoolAllowedWorkspaces(this, `agent-pool-${environment}-workspaces`, { agentPoolId: pool.id, allowedWorkspaceIds: [...workspaceIds] });
    const token = new AgentToken(this, `agent-token-${environment}`, {
      agentPoolId: pool.id,
      description: `${environmentPrefix(environment)} agents: run where cluster.adminCidrs admits them`,
    });
    new TerraformOutput(this, `agent_token_${environment}`, {
      value: token.token,
      sensitive: true,
      description: `TFC_AGENT_TOKEN of the ${environment} agents (terraform output -raw agent_token_${environment})`,
    });
    return pool.id;
  }
}

/** The provider (Terraform type) that reads the credential `name`. */
function providerReading(name: string): string {
  return Object.keys(PROVIDER_CREDENTIALS).find((provider) => PROVIDER_CREDENTIALS[provider].includes(name)) ?? "unknown";
}
