import { Construct } from "constructs";
import type { MonitorAlertAlerts } from "@cdktf/provider-digitalocean/lib/monitor-alert";
import type { AlertsConfig } from "../../config";
import { SensitiveVariable } from "./sensitive-variable";

/** One `alerts.slack` entry with its webhook URL, read from its sensitive variable (the same declaration in every stack). */
export function slackChannel(scope: Construct, { channel, webhookUrlVariable }: AlertsConfig["slack"][number]): { channel: string; url: string } {
  return { channel, url: SensitiveVariable.of(scope, { name: webhookUrlVariable, purpose: `Slack incoming-webhook URL the alerts post to (${channel})` }).stringValue };
}

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
    const slack = props.alerts.slack.map((entry) => slackChannel(this, entry));
    this.targets = { email: [...props.alerts.emails], slack };
    this.slackWebhookUrls = slack.map(({ url }) => url);
  }
}
