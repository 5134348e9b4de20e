import { Construct } from "constructs";
import { NotificationConfiguration } from "@cdktf/provider-tfe/lib/notification-configuration";
import { Workspace } from "@cdktf/provider-tfe/lib/workspace";
import { WorkspaceVariableSet } from "@cdktf/provider-tfe/lib/workspace-variable-set";

/** What a Slack notification fires on: a failed run, and a health assessment that found drift or failed. */
export const NOTIFICATION_TRIGGERS = ["run:errored", "assessment:drifted", "assessment:failed"] as const;

export interface SlackNotification {
  /** The channel, for the notification's name. */
  readonly channel: string;
  /** The webhook URL: a sensitive variable's value, never a literal. */
  readonly url: string;
}

export interface StackWorkspaceProps {
  /** The stack name, which the stack's `cloud` block names. */
  readonly name: string;
  readonly organization: string;
  readonly projectId: string;
  readonly description: string;
  /** Production: no run applies without a confirmation, no destroy plan, health assessments on. */
  readonly production: boolean;
  /** The Terraform version of remote runs: the one the workflows run. */
  readonly terraformVersion: string;
  /** The environment's variable set (credentials and secrets). */
  readonly variableSetId: string;
  readonly notifications: readonly SlackNotification[];
}

/**
 * The Terraform Cloud workspace of one stack, CLI-driven as cdktf runs it:
 * `cdktf diff/deploy` runs the engine in `cdktf.out/stacks/<stack>`, which
 * uploads that folder (the stack's JSON and its assets) as the configuration,
 * so the working directory stays the upload's root and no file or VCS trigger
 * applies. The workspace holds the stack's state: it cannot be destroyed from
 * here (`prevent_destroy`), and deleting it in Terraform Cloud is refused
 * while it manages resources (`force_delete` false).
 */
export class StackWorkspace extends Construct {
  readonly workspace: Workspace;

  constructor(scope: Construct, id: string, props: StackWorkspaceProps) {
    super(scope, id);
    this.workspace = new Workspace(this, "workspace", {
      name: props.name,
      organization: props.organization,
      projectId: props.projectId,
      description: props.description,
      terraformVersion: props.terraformVersion,
      autoApply: !props.production,
      autoApplyRunTrigger: !props.production,
      allowDestroyPlan: !props.production,
      assessmentsEnabled: props.production,
      speculativeEnabled: true,
      fileTriggersEnabled: false,
      queueAllRuns: false,
      forceDelete: false,
      lifecycle: { preventDestroy: true },
    });
    new WorkspaceVariableSet(this, "variables", { workspaceId: this.workspace.id, variableSetId: props.variableSetId });
    for (const [index, notification] of props.notifications.entries()) {
      new NotificationConfiguration(this, `slack-${index}`, {
        name: `Slack ${notification.channel}: failed runs and drift`,
        workspaceId: this.workspace.id,
        destinationType: "slack",
        url: notification.url,
        triggers: [...NOTIFICATION_TRIGGERS],
        enabled: true,
      });
    }
  }
}
