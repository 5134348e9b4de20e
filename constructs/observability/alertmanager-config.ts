import type { AlertsConfig } from "../../config";
import { PRIORITIES, type ObservabilityConfig, type Priority } from "../../config/observability";
import { SECURITY_TEAM } from "../core/rule-groups";

/**
 * Alertmanager's configuration: the guide's escalation matrix as routes.
 * - P1 goes to Slack and email at once and repeats every hour (its response
 *   time) until resolved: day and night where the environment pages around
 *   the clock (`alerts.pageAroundTheClock`, production), else in business hours;
 * - P2-P4 go to Slack in business hours only, repeating once per response time;
 * - security alerts (label `team="security"`) go to the security contact's
 *   email and the Slack channels instead, timed by their priority the same way.
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
/** The receiver of security alerts: the security contact's email and the Slack channels. */
export const SECURITY_RECEIVER = "security-email-slack";

export interface AlertmanagerConfigProps {
  readonly alerts: Pick<AlertsConfig, "emails" | "securityEmails" | "slack" | "pageAroundTheClock">;
  readonly alerting: ObservabilityConfig["alerting"];
}

export function alertmanagerConfig({ alerts, alerting }: AlertmanagerConfigProps) {
  const { smtp, businessHours, escalation } = alerting;
  const slackConfigs = alerts.slack.map(({ channel }, index) => ({
    api_url_file: `${SECRET_DIR}/${slackWebhookKey(index)}`,
    channel,
    send_resolved: true,
    title: '[{{ .Status | toUpper }}] {{ .CommonLabels.priority }}{{ .CommonLabels.severity }} {{ .CommonLabels.alertname }}',
    text: "{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook }}\n{{ end }}",
  }));
  const emailConfigs = (to: readonly string[]) => to.map((address) => ({ to: address, send_resolved: true }));
  const priorities = PRIORITIES;
  // P1 alone is mailed; it notifies around the clock only where the environment pages so.
  const mailed = (priority: Priority) => escalation[priority].allHours;
  const aroundTheClock = (priority: Priority) => mailed(priority) && alerts.pageAroundTheClock;
  const receiver = (priority: Priority) => `${priority.toLowerCase()}-${mailed(priority) ? "slack-email" : "slack"}`;
  const timing = (priority: Priority) => ({
    repeat_interval: `${escalation[priority].responseHours}h`,
    ...(aroundTheClock(priority) ? {} : { active_time_intervals: [BUSINESS_HOURS] }),
  });
  const securityRoutes = priorities.map((priority) => ({
    receiver: SECURITY_RECEIVER,
    matchers: [`team = "${SECURITY_TEAM}"`, `priority = "${priority}"`],
    ...timing(priority),
  }));
  const routes = priorities.flatMap((priority) => {
    const common = { receiver: receiver(priority), ...timing(priority) };
    const severity = CHART_SEVERITIES[priority];
    return [
      { ...common, matchers: [`priority = "${priority}"`] },
      ...(severity ? [{ ...common, matchers: ['priority = ""', `severity = "${severity}"`] }] : []),
    ];
  });
  // Each priority silences every lower one for the same service while it fires; an outage never silences a security alert.
  const inhibitRules = priorities.slice(0, -1).map((priority, index) => ({
    source_matchers: [`priority = "${priority}"`],
    target_matchers: [`priority =~ "${priorities.slice(index + 1).join("|")}"`, `team != "${SECURITY_TEAM}"`],
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
        // Before the priorities: a security alert reaches the security contact, not the on-call's email.
        ...securityRoutes,
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
        ...(mailed(priority) ? { email_configs: emailConfigs(alerts.emails) } : {}),
      })),
      { name: SECURITY_RECEIVER, slack_configs: slackConfigs, email_configs: emailConfigs(alerts.securityEmails) },
    ],
    templates: ["/etc/alertmanager/config/*.tmpl"],
  };
}
