import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import type { MonitorAlertAlerts } from "@cdktf/provider-digitalocean/lib/monitor-alert";
import type { AlertsConfig } from "../config";

export interface AlertContactsProps {
  readonly alerts: AlertsConfig;
}

/**
 * Where DigitalOcean monitor alerts go: the configured emails and Slack
 * channels. Each Slack webhook URL is a secret, so it enters as a sensitive
 * Terraform variable (set `TF_VAR_<name>`), never as a value in code or JSON.
 * Create one per stack and pass `targets` to every MonitorAlert in it.
 */
export class AlertContacts extends Construct {
  readonly targets: MonitorAlertAlerts;
  /** The webhook URL of each `alerts.slack` entry, in order (for receivers outside DigitalOcean, e.g. Alertmanager). */
  readonly slackWebhookUrls: readonly string[];

  constructor(scope: Construct, id: string, props: AlertContactsProps) {
    super(scope, id);
    const webhooks = new Map<string, TerraformVariable>();
    const slack = props.alerts.slack.map(({ channel, webhookUrlVariable }) => {
      let variable = webhooks.get(webhookUrlVariable);
      if (!variable) {
        variable = new TerraformVariable(this, webhookUrlVariable, {
          type: "string",
          sensitive: true,
          nullable: false,
          description: `Slack incoming-webhook URL for alerts (set TF_VAR_${webhookUrlVariable})`,
        });
        variable.overrideLogicalId(webhookUrlVariable);
        webhooks.set(webhookUrlVariable, variable);
      }
      return { channel, url: variable.stringValue };
    });
    this.targets = { email: [...props.alerts.emails], slack };
    this.slackWebhookUrls = slack.map(({ url }) => url);
  }
}
