import type { AlertsConfig } from "../config";
import type { ObservabilityConfig } from "../config/observability";
import { SEED_ESCALATION } from "../config/seed";
import type { Priority } from "./alert-rules";

/**
 * Alertmanager's configuration: the guide's escalation matrix as routes.
 * - P1 goes to Slack and email at once, day and night, and repeats every
 *   hour (its response time) until resolved;
 * - P2-P4 go to Slack in business hours only, repeating once per response time.
 * The chart's own rules (severity critical/warning/info) join P2/P3/P4.
 * Alerts are grouped per alert and service, and a P1 silences the lower
 * alerts of the same service, so one incident pages once.
 * No secret is in here: Slack webhook URLs and the SMTP password are files
 * from the Kubernetes Secret `NOTIFIER_SECRET`, mounted by the operator.
 */

/** The Secret holding the notifiers' credentials, mounted into Alertmanager by the operator. */
export const NOTIFIER_SECRET = "alertmanager-notifiers";
/** Where the operator mounts `alertmanagerSpec.secrets`. */
const SECRET_DIR = `/etc/alertmanager/secrets/${NOTIFIER_SECRET}`;
/** The Secret's key of the SMTP password. */
export const SMTP_PASSWORD_KEY = "smtp-password";
/** The Secret's key of the webhook URL of the Slack channel at `index` in `alerts.slack`. */
export function slackWebhookKey(index: number): string {
  return `slack-webhook-${index}`;
}

/** The chart's severities that join each priority's route. */
const CHART_SEVERITIES: Readonly<Record<Priority, string | undefined>> = { P1: undefined, P2: "critical", P3: "warning", P4: "info" };
const BUSINESS_HOURS = "business-hours";
const GROUP_BY = ["alertname", "namespace", "service"];

export interface AlertmanagerConfigProps {
  readonly alerts: Pick<AlertsConfig, "emails" | "slack">;
  readonly alerting: ObservabilityConfig["alerting"];
}

export function alertmanagerConfig({ alerts, alerting }: AlertmanagerConfigProps) {
  const { smtp, businessHours } = alerting;
  const slackConfigs = alerts.slack.map(({ channel }, index) => ({
    api_url_file: `${SECRET_DIR}/${slackWebhookKey(index)}`,
    channel,
    send_resolved: true,
    title: '[{{ .Status | toUpper }}] {{ .CommonLabels.priority }}{{ .CommonLabels.severity }} {{ .CommonLabels.alertname }}',
    text: "{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook }}\n{{ end }}",
  }));
  const emailConfigs = alerts.emails.map((to) => ({ to, send_resolved: true }));
  const priorities = Object.keys(SEED_ESCALATION) as Priority[];
  const receiver = (priority: Priority) => `${priority.toLowerCase()}-${SEED_ESCALATION[priority].allHours ? "slack-email" : "slack"}`;
  const routes = priorities.flatMap((priority) => {
    const { responseHours, allHours } = SEED_ESCALATION[priority];
    const common = {
      receiver: receiver(priority),
      repeat_interval: `${responseHours}h`,
      ...(allHours ? {} : { active_time_intervals: [BUSINESS_HOURS] }),
    };
    const severity = CHART_SEVERITIES[priority];
    return [
      { ...common, matchers: [`priority = "${priority}"`] },
      ...(severity ? [{ ...common, matchers: ['priority = ""', `severity = "${severity}"`] }] : []),
    ];
  });
  // Each priority silences every lower one for the same service while it fires.
  const inhibitRules = priorities.slice(0, -1).map((priority, index) => ({
    source_matchers: [`priority = "${priority}"`],
    target_matchers: [`priority =~ "${priorities.slice(index + 1).join("|")}"`],
    equal: ["namespace", "service"],
  }));
  return {
    global: {
      resolve_timeout: "5m",
      smtp_smarthost: smtp.smarthost,
      smtp_from: smtp.from,
      smtp_auth_username: smtp.username,
      smtp_auth_password_file: `${SECRET_DIR}/${SMTP_PASSWORD_KEY}`,
      smtp_require_tls: true,
    },
    time_intervals: [
      {
        name: BUSINESS_HOURS,
        time_intervals: [
          {
            weekdays: [`${businessHours.firstDay}:${businessHours.lastDay}`],
            times: [{ start_time: businessHours.start, end_time: businessHours.end }],
            location: businessHours.timezone,
          },
        ],
      },
    ],
    route: {
      receiver: "null",
      group_by: GROUP_BY,
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "12h",
      routes: [
        // The chart's always-firing heartbeat and its info inhibitor notify nobody.
        { receiver: "null", matchers: ['alertname =~ "Watchdog|InfoInhibitor"'] },
        ...routes,
      ],
    },
    inhibit_rules: [
      ...inhibitRules,
      { source_matchers: ['severity = "critical"'], target_matchers: ['severity =~ "warning|info"'], equal: ["namespace", "alertname"] },
      { source_matchers: ['alertname = "InfoInhibitor"'], target_matchers: ['severity = "info"'], equal: ["namespace"] },
    ],
    receivers: [
      { name: "null" },
      ...priorities.map((priority) => ({
        name: receiver(priority),
        slack_configs: slackConfigs,
        ...(SEED_ESCALATION[priority].allHours ? { email_configs: emailConfigs } : {}),
      })),
    ],
    templates: ["/etc/alertmanager/config/*.tmpl"],
  };
}
