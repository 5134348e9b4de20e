import { App, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { BOOTSTRAP_STACK_NAME } from "../config/naming.mjs";
import type { StateBackendOptions, TerraformCloudBootstrapOptions } from "../config/runtime";
import { terraformCloudWorkspaces } from "../constructs/bootstrap/terraform-cloud";
import { applyGuardrails } from "../guardrails";
import { PROVIDER_CREDENTIALS, terraformCloudProvider } from "./providers";
import type { StackNode } from "./stack-graph";
import { attachStateBackend } from "./state-backend";

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
    terraformCloudProvider(this, { hostname, organization });
    attachStateBackend(this, BOOTSTRAP_STACK_NAME, props.state, App.of(this).outdir);
    applyGuardrails(this, { tier: "production" });

    terraformCloudWorkspaces(this, {
      organization,
      project,
      stacks: props.stacks,
      credentialProviders: PROVIDER_CREDENTIALS,
    });
  }
}
