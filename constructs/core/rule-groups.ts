import type { Priority } from "../../config/observability";

/**
 * The shape of the Prometheus alert rules every add-on ships: the observability layer loads
 * them all through kube-prometheus-stack's `additionalPrometheusRulesMap`, the other add-ons
 * hand theirs over as props. `priority` is the guide's escalation level and drives
 * Alertmanager's routing.
 */

/** The team label that routes an alert to the security contact instead of the on-call. */
export const SECURITY_TEAM = "security";

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly priority: Priority; readonly team?: typeof SECURITY_TEAM };
  readonly annotations: { readonly summary: string; readonly description: string; readonly runbook: string };
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/** A Grafana data source an add-on serves (the chart's `additionalDataSources` entry). */
export interface GrafanaDataSource {
  readonly name: string;
  readonly type: string;
  readonly uid: string;
  readonly access: "proxy" | "direct";
  readonly url: string;
  readonly isDefault: boolean;
}
