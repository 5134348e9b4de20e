import { Construct } from "constructs";
import type { MonitorAlertAlerts } from "@cdktf/provider-digitalocean/lib/monitor-alert";
import type { AlertsConfig } from "../config";
import { SensitiveVariable } from "./sensitive-variable";

export interface AlertContactsProps {
  readonly alerts: AlertsConfig;
}

/**
 * Where DigitalOcean monitor alerts go: the configured emails and Slack
 * channels. Each Slack webhook URL is a secret, so it enters as a sensitive
 * Terraform variable (set `TF_VAR_<name>`), never as a value in code or JSON;
 * the config gives each channel its own, and each environment its own channels.
 * Create one per stack and pass `targets` to every MonitorAlert in it.
 */
export class AlertContacts extends Construct {
  readonly targets: MonitorAlertAlerts;
  /** The webhook URL of each `alerts.slack` entry, in order (for receivers outside DigitalOcean, e.g. Alertmanager). */
  readonly slackWebhookUrls: readonly string[];

  constructor(scope: Construct, id: string, props: AlertContactsProps) {
    super(scope, id);
    const slack = props.alerts.slack.map(({ channel, webhookUrlVariable }) => ({
      channel,
      url: SensitiveVariable.of(this, { name: webhookUrlVariable, purpose: `Slack incoming-webhook URL the alerts post to (${channel})` }).stringValue,
    }));
    this.targets = { email: [...props.alerts.emails], slack };
    this.slackWebhookUrls = slack.map(({ url }) => url);
  }
}
