import { TerraformProvider, TerraformRemoteState } from "cdktf";
import type { WorkspaceStack } from "../constructs/bootstrap/terraform-cloud";
import { SensitiveVariable } from "../constructs/core/sensitive-variable";
import type { LayerStack } from "./layer-stack";
import { PROVIDER_CREDENTIALS } from "./providers";

/** Providers that talk to the Kubernetes API, which admits only `cluster.adminCidrs`. */
const KUBERNETES_API_PROVIDERS: readonly string[] = ["kubernetes", "helm"];

/** One stack as Terraform Cloud needs to know it. */
export type StackNode = WorkspaceStack;

/**
 * The stacks' graph as the constructed app has it. cdktf creates the
 * `terraform_remote_state` data sources of cross-stack references while it
 * prepares a stack for synthesis, so each stack is prepared here first (the
 * App prepares it again when it synthesizes; the second pass finds them made).
 * Nothing is listed by hand: a new stack or reference shows up here.
 */
export function stackGraph(stacks: readonly LayerStack[]): StackNode[] {
  for (const stack of stacks) stack.prepareStack();
  return stacks.map((stack) => {
    const providers = stack.node.findAll().filter((c): c is TerraformProvider => c instanceof TerraformProvider);
    const types = providers.map((provider) => provider.terraformResourceType);
    const variables = stack.node.findAll().filter((c): c is SensitiveVariable => c instanceof SensitiveVariable);
    return {
      name: stack.stackName,
      environment: stack.environment.name,
      production: stack.environment.tier === "production",
      readsStateOf: stack.dependencies.filter((producer) => remoteStateOf(stack, producer) !== undefined).map((producer) => producer.node.id),
      dependsOn: stack.dependencies.map((producer) => producer.node.id),
      kubernetesApi: types.some((type) => KUBERNETES_API_PROVIDERS.includes(type)),
      variables: new Map(variables.map((variable) => [variable.friendlyUniqueId, variable.purpose])),
      credentials: [...new Set(types.flatMap((type) => PROVIDER_CREDENTIALS[type] ?? []))],
      slackAlerts: stack.environment.alerts.slack,
    };
  });
}

/** The data source cdktf made in `consumer` to read `producer`'s outputs (its id is cdktf's own naming). */
function remoteStateOf(consumer: LayerStack, producer: { node: { path: string } }): TerraformRemoteState | undefined {
  const child = consumer.node.tryFindChild(`cross-stack-reference-input-${producer.node.path}`);
  return child instanceof TerraformRemoteState ? child : undefined;
}
