import { readFileSync } from "fs";
import * as path from "path";
import { loadPlatformConfig } from "../config";
import { alertRuleGroups } from "../constructs/observability/alert-rules";
import { alertmanagerConfig } from "../constructs/observability/alertmanager-config";
import { SECURITY_NOTIFICATIONS } from "../constructs/edge/edge-notifications";

/** docs/alerting.md names what the code routes: every environment's contacts, receivers, security alerts and Cloudflare notifications. */

const doc = readFileSync(path.join(__dirname, "..", "docs", "alerting.md"), "utf8");
const environments = loadPlatformConfig().environments;

describe("docs/alerting.md", () => {
  it.each(environments.map((environment) => [environment.name, environment] as const))("names %s's contacts, channels and webhook variables", (_name, environment) => {
    const { emails, securityEmails, slack } = environment.alerts;
    for (const address of [...emails, ...securityEmails]) expect(doc).toContain(`\`${address}\``);
    for (const { channel, webhookUrlVariable } of slack) expect(doc).toContain(`\`${channel}\`, \`TF_VAR_${webhookUrlVariable}\``);
  });

  it("names every Alertmanager receiver, security alert and Cloudflare alert type", () => {
    const { alerts, observability } = environments[0];
    for (const receiver of alertmanagerConfig({ alerts, alerting: observability.alerting }).receivers) expect(doc).toContain(`\`${receiver.name}\``);
    const security = alertRuleGroups({ utilization: alerts.thresholds, service: observability.thresholds, security: observability.security }).find((group) => group.name === "cryptopulse.security")!;
    for (const rule of security.rules) expect(doc).toContain(`| \`${rule.alert}\` | ${rule.labels.priority} |`);
    for (const notification of SECURITY_NOTIFICATIONS) expect(doc).toContain(`(\`${notification.alertType}\`)`);
  });
});
