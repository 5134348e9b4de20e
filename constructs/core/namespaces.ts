/**
 * The cluster's namespaces, named once: an add-on creates its own, and the others name it in
 * their network policies, scrape jobs and service addresses. The Pod Security level each
 * enforces is its add-on's (see the add-on).
 */

/** The app services (frontend, backend, functions) and their schema migration. */
export const APP_NAMESPACE = "cryptopulse";
/** ingress-nginx: the only way in from the load balancer. */
export const INGRESS_NAMESPACE = "ingress-nginx";
/** kube-prometheus-stack (and prometheus-adapter): allowed to the metrics port of every service. */
export const MONITORING_NAMESPACE = "monitoring";
/** node-exporter's own namespace: the only workload of kube-prometheus-stack that needs `privileged`. */
export const NODE_EXPORTER_NAMESPACE = "node-exporter";
/** Loki: restricted Pod Security (it runs as UID 10001 without privileges). */
export const LOGGING_NAMESPACE = "logging";
/** Fluent Bit reads the nodes' log files through hostPath volumes, which only `privileged` admits. */
export const LOG_COLLECTOR_NAMESPACE = "log-collector";
/** The backup, snapshot and restore-test jobs. */
export const BACKUP_NAMESPACE = "backups";
