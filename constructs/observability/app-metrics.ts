/**
 * The metrics contract of the app services: what each service's /metrics
 * endpoint is expected to export (Prometheus text format), scraped through the
 * ServiceMonitor of charts/app-service. The alert rules and the Grafana
 * dashboards use exactly these names; docs/observability.md lists
 * them for the service teams. Prometheus adds the target labels `namespace`,
 * `service` and `pod` itself.
 */
export interface AppMetric {
  readonly name: string;
  readonly type: "counter" | "gauge" | "histogram";
  /** Labels the service sets (besides the target labels). */
  readonly labels: readonly string[];
  readonly help: string;
  /** Which services export it. */
  readonly exportedBy: "every service" | "backend" | "backend, functions";
}

export const APP_METRICS: readonly AppMetric[] = [
  { name: "http_requests_in_flight", type: "gauge", labels: [], help: "Requests accepted and not yet answered (the guide's request queue length).", exportedBy: "every service" },
  { name: "http_request_duration_seconds", type: "histogram", labels: ["route", "method", "status"], help: "Response time per request (the HPAs scale on each pod's p95).", exportedBy: "every service" },
  { name: "db_client_connections", type: "gauge", labels: ["pool", "state"], help: "Database client connections by state: used, idle, pending (waiting for a connection).", exportedBy: "backend, functions" },
  { name: "db_client_connections_max", type: "gauge", labels: ["pool"], help: "The pool's maximum connections.", exportedBy: "backend, functions" },
  { name: "db_query_duration_seconds", type: "histogram", labels: ["operation"], help: "Database query duration.", exportedBy: "backend, functions" },
  { name: "db_replica_lag_seconds", type: "gauge", labels: ["replica"], help: "Replication lag of each read replica the service reads from, as it measures it.", exportedBy: "backend" },
  { name: "cache_requests_total", type: "counter", labels: ["result"], help: "Cache lookups by result: hit or miss.", exportedBy: "backend, functions" },
  { name: "cryptopulse_trades_executed_total", type: "counter", labels: ["outcome"], help: "Trades executed, by outcome: win or loss.", exportedBy: "backend" },
  { name: "cryptopulse_trade_profit_usd_total", type: "counter", labels: [], help: "Profit of winning trades, in USD.", exportedBy: "backend" },
  { name: "cryptopulse_trade_loss_usd_total", type: "counter", labels: [], help: "Loss of losing trades, in USD (a positive number).", exportedBy: "backend" },
  { name: "cryptopulse_active_users", type: "gauge", labels: [], help: "Users active in the last 15 minutes.", exportedBy: "backend" },
  { name: "cryptopulse_user_registrations_total", type: "counter", labels: [], help: "Completed registrations.", exportedBy: "backend" },
];

/** The series names a metric of the contract produces (a histogram's _bucket, _sum and _count). */
export function seriesNames(metric: AppMetric): string[] {
  return metric.type === "histogram" ? ["_bucket", "_sum", "_count"].map((suffix) => `${metric.name}${suffix}`) : [metric.name];
}
