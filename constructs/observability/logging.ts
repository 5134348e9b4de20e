import { readFileSync } from "fs";
import { Construct } from "constructs";
import type { SpacesKey } from "@cdktf/provider-digitalocean/lib/spaces-key";
import type { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { APP_POOL_TAINT } from "../../config/cluster";
import type { LogsConfig } from "../../config/observability";
import { projectPath } from "../../config/paths";
import type { RegionSlug } from "../../config/regions";
import { LOG_COLLECTOR_NAMESPACE, LOGGING_NAMESPACE, MONITORING_NAMESPACE } from "../core/namespaces";
import type { GrafanaDataSource } from "../core/rule-groups";
import { ProtectedBucket } from "../core/protected-bucket";
import { RETAINED_BLOCK_STORAGE } from "../core/storage";
import { ClusterAddon, type HelmChart } from "../core/cluster-addon";
import type { PinnedRelease } from "../core/pinned-release";
import { DNS_EGRESS, namespaceNamed, SecureNamespace, tcpPorts } from "../core/secure-namespace";
import { terraformYamlDocument } from "../core/yaml-document";

/**
 * Loki's OSS chart, maintained in grafana-community/helm-charts since March 2026
 * (grafana/loki's own chart is now for Grafana Enterprise Logs only). Loki 3.7.6.
 */
export const LOKI_CHART = {
  repository: "https://grafana-community.github.io/helm-charts",
  chart: "loki",
  version: "18.11.0",
  appVersion: "3.7.6",
} as const satisfies HelmChart;

/** Fluent Bit's chart (fluent/helm-charts), Fluent Bit 5.1.1. */
export const FLUENT_BIT_CHART = {
  repository: "https://fluent.github.io/helm-charts",
  chart: "fluent-bit",
  version: "0.58.1",
  appVersion: "5.1.1",
} as const satisfies HelmChart;

/** The Service of the monolithic Loki (`loki.fullname` of a release named loki) and its HTTP port. */
export const LOKI_SERVICE = "loki";
export const LOKI_HTTP_PORT = 3100;
export const LOKI_URL = `http://${LOKI_SERVICE}.${LOGGING_NAMESPACE}.svc:${LOKI_HTTP_PORT}`;

/** Grafana's Loki data source, provisioned through kube-prometheus-stack's `grafana.additionalDataSources`. */
export const LOKI_DATASOURCE: GrafanaDataSource = { name: "Loki", type: "loki", uid: "loki", access: "proxy", url: LOKI_URL, isDefault: false };

/** The masking filter, shipped to Fluent Bit as a Lua script (tested in __tests__/log-masking.test.ts). */
export const MASK_SCRIPT = "logging/mask.lua";
/** The Lua function Fluent Bit calls per record. */
export const MASK_FUNCTION = "mask_record";

/** Values as YAML a reviewer can read in a plan: multi-line strings (the Lua script, Fluent Bit's config) kept line for line. */
const YAML_OPTIONS = { lineWidth: 0, blockQuote: "literal" } as const;

/** The Secret holding Loki's Spaces key, read as environment variables (`-config.expand-env`). */
const SPACES_SECRET = "loki-spaces";
const ACCESS_KEY_ENV = "LOKI_S3_ACCESS_KEY_ID";
const SECRET_KEY_ENV = "LOKI_S3_SECRET_ACCESS_KEY";

/**
 * Days objects outlive the retention before the bucket's lifecycle rule removes
 * them: Loki's compactor deletes expired chunks itself; the rule is a backstop
 * for what it misses (a compactor that was down, orphaned uploads) and must not
 * race it.
 */
export const BUCKET_EXPIRY_MARGIN_DAYS = 7;
/**
 * Loki rewrites its index files whenever the compactor runs, so every version
 * it replaces or deletes is garbage within a day. Versioning stays on (an
 * accidental delete by a person or a leaked key is recoverable for a day) but
 * old versions don't pile up in the bill.
 */
export const LOG_NONCURRENT_VERSION_DAYS = 1;
/**
 * The first day of Loki's schema (TSDB index, v13). It must lie before the
 * first write and never change: a schema change is a new entry with a later date.
 */
export const LOKI_SCHEMA_FROM = "2026-01-01";

export interface LogBucketProps {
  readonly name: string;
  readonly region: RegionSlug;
  readonly retentionDays: number;
}

/**
 * The Spaces bucket Loki keeps its chunks and index in, in the environment's
 * primary region: private, versioned (old versions expire after a day), never
 * destroyed by a deploy, with a lifecycle backstop behind Loki's own
 * retention; and a key scoped to this bucket alone.
 */
export class LogBucket extends ProtectedBucket {
  /** readwrite on this bucket only: Loki. */
  readonly key: SpacesKey;

  constructor(scope: Construct, id: string, props: LogBucketProps) {
    super(scope, id, {
      name: props.name,
      region: props.region,
      expiry: [{ id: "retention-backstop", prefix: "", days: props.retentionDays + BUCKET_EXPIRY_MARGIN_DAYS }],
      noncurrentVersionDays: LOG_NONCURRENT_VERSION_DAYS,
    });
    this.key = this.grantKey("loki", "readwrite");
  }
}

export interface LoggingProps {
  readonly logs: LogsConfig;
  readonly bucket: LogBucket;
  /** The monitoring namespace's name (a reference: Grafana's egress policy is created after it). */
  readonly monitoringNamespace: string;
}

/**
 * Centralized logs: Fluent Bit on every node (app pools included) tails the
 * container logs, adds Kubernetes metadata, masks credentials and email
 * addresses, and ships to Loki, which keeps them in the Spaces bucket for the
 * configured retention and serves Grafana's searches.
 */
export class Logging extends ClusterAddon {
  readonly collectorNamespace: SecureNamespace;
  readonly loki: PinnedRelease;
  readonly collector: PinnedRelease;

  constructor(scope: Construct, id: string, props: LoggingProps) {
    super(scope, id, { namespace: { name: LOGGING_NAMESPACE, enforce: "restricted" } });
    // hostPath volumes (/var/log of the node) are forbidden by `baseline` as well as `restricted`, so
    // the collector has a namespace of its own at `privileged`; nothing else runs in it, and it still
    // warns and audits against `restricted`. The container itself drops every capability.
    this.collectorNamespace = new SecureNamespace(this, "collector-namespace", { name: LOG_COLLECTOR_NAMESPACE, enforce: "privileged" });
    const namespace = this.namespaceName;
    const collectorNamespace = this.collectorNamespace.name;
    const policies = this.networkPolicies(collectorNamespace, props.monitoringNamespace);

    // The key reaches Loki only through this Secret; values hold `${VAR}` placeholders Loki expands.
    const spaces = new SecretV1(this, "spaces-key", {
      metadata: { name: SPACES_SECRET, namespace },
      data: { [ACCESS_KEY_ENV]: props.bucket.key.accessKey, [SECRET_KEY_ENV]: props.bucket.key.secretKey },
    });

    this.loki = this.installChart("loki", {
      name: "loki",
      chart: LOKI_CHART,
      // One StatefulSet pod and its volume.
      timeout: 600,
      overrides: [terraformYamlDocument(lokiValues({ logs: props.logs, bucket: props.bucket.name, region: props.bucket.region }), YAML_OPTIONS)],
      dependsOn: [...policies, spaces, props.bucket.bucket, props.bucket.key],
    });
    this.collector = this.installChart("fluent-bit", {
      name: "fluent-bit",
      chart: FLUENT_BIT_CHART,
      namespace: collectorNamespace,
      // A DaemonSet: one pod per node rolls out.
      timeout: 600,
      overrides: [terraformYamlDocument(fluentBitValues(), YAML_OPTIONS)],
      dependsOn: [...policies, this.loki],
    });
  }

  /** The flows the pipeline needs on top of the namespaces' default deny. */
  private networkPolicies(collectorNamespace: string, monitoringNamespace: string): NetworkPolicyV1[] {
    const loki = tcpPorts([LOKI_HTTP_PORT]);
    const https = tcpPorts([443]);
    const anywhere = [{ ipBlock: { cidr: "0.0.0.0/0" } }];
    const grafana = { matchLabels: { "app.kubernetes.io/name": "grafana" } };
    return [
      // Loki: pushes from Fluent Bit and queries from Grafana in; DNS and Spaces (HTTPS) out; and itself
      // through its Services (memberlist join, the compactor's gRPC address), which NetworkPolicies see
      // as pod-to-pod traffic.
      this.networkPolicy("loki-access", {
        name: "loki-access",
        podSelector: { matchLabels: { "app.kubernetes.io/name": "loki" } },
        ingress: [{ from: [namespaceNamed(LOG_COLLECTOR_NAMESPACE), { ...namespaceNamed(MONITORING_NAMESPACE), podSelector: grafana }], ports: loki }, { from: [{ podSelector: {} }] }],
        egress: [DNS_EGRESS, { to: anywhere, ports: https }, { to: [{ podSelector: {} }] }],
      }),
      // Fluent Bit: DNS, Loki, and the API server its kubernetes filter asks for pod metadata.
      this.networkPolicy("fluent-bit-egress", {
        name: "fluent-bit-egress",
        namespace: collectorNamespace,
        podSelector: {},
        egress: [DNS_EGRESS, { to: [namespaceNamed(LOGGING_NAMESPACE)], ports: loki }, { to: anywhere, ports: tcpPorts([443, 6443]) }],
      }),
      // Grafana queries Loki (its namespace denies all egress it does not allow).
      this.networkPolicy("grafana-to-loki", {
        name: "grafana-to-loki",
        namespace: monitoringNamespace,
        podSelector: grafana,
        egress: [{ to: [namespaceNamed(LOGGING_NAMESPACE)], ports: loki }],
      }),
    ];
  }
}

export interface LokiValuesInputs {
  readonly logs: LogsConfig;
  readonly bucket: string;
  readonly region: RegionSlug;
}

/** Loki's values: monolithic on one volume, chunks in Spaces, retention by the compactor. Exported for the key check. */
export function lokiValues({ logs, bucket, region }: LokiValuesInputs) {
  const memory = logs.loki.memoryMiB;
  return {
    // One binary: the guide's traffic is far below the tens of GB a day it handles.
    deploymentMode: "Monolithic",
    loki: {
      image: { tag: LOKI_CHART.appVersion },
      // One tenant; access is Grafana's (and the NetworkPolicies').
      auth_enabled: false,
      commonConfig: { replication_factor: 1 },
      schemaConfig: {
        configs: [{ from: LOKI_SCHEMA_FROM, store: "tsdb", object_store: "s3", schema: "v13", index: { prefix: "index_", period: "24h" } }],
      },
      storage: {
        type: "s3",
        bucketNames: { chunks: bucket, ruler: bucket, admin: bucket },
        s3: {
          endpoint: `${region}.digitaloceanspaces.com`,
          // Spaces ignores the region; the S3 client needs a valid AWS name to sign with.
          region: "us-east-1",
          accessKeyId: `\${${ACCESS_KEY_ENV}}`,
          secretAccessKey: `\${${SECRET_KEY_ENV}}`,
          s3ForcePathStyle: false,
          insecure: false,
        },
      },
      limits_config: { retention_period: `${logs.retentionDays * 24}h` },
      compactor: { retention_enabled: true, delete_request_store: "s3", working_directory: "/var/loki/compactor" },
      // No usage reports to grafana.com (and no seed object in the bucket for the lifecycle rule to expire).
      analytics: { reporting_enabled: false },
    },
    // The chart starts Loki with -config.expand-env=true, which fills the `${VAR}`s above from this Secret.
    singleBinary: {
      replicas: 1,
      extraEnvFrom: [{ secretRef: { name: SPACES_SECRET } }],
      resources: { requests: { cpu: "250m", memory: `${memory / 2}Mi` }, limits: { memory: `${memory}Mi` } },
      persistence: { enabled: true, storageClass: RETAINED_BLOCK_STORAGE, size: `${logs.loki.volumeGiB}Gi` },
    },
    // The simple scalable targets default to replicas the chart refuses next to a monolith.
    read: { replicas: 0 },
    write: { replicas: 0 },
    backend: { replicas: 0 },
    // Grafana and Fluent Bit talk to Loki's Service directly; the NetworkPolicies are the access control.
    gateway: { enabled: false },
    // memcached's default footprint (GiB of memory) buys nothing at this volume.
    chunksCache: { enabled: false },
    resultsCache: { enabled: false },
    // Neither recording/alerting rules from ConfigMaps nor synthetic test traffic.
    sidecar: { rules: { enabled: false } },
    // With that sidecar off, nothing of Loki calls the Kubernetes API: its pods get no token.
    defaults: { automountServiceAccountToken: false },
    lokiCanary: { enabled: false },
    test: { enabled: false },
  };
}

/** Fluent Bit's pipeline: tail container logs, add Kubernetes metadata, mask, ship to Loki. */
export function fluentBitConfig() {
  return {
    inputs: [
      "[INPUT]",
      "    Name tail",
      "    Path /var/log/containers/*.log",
      "    multiline.parser cri, docker",
      "    Tag kube.*",
      // Offsets survive a restart: nothing is shipped twice or skipped.
      "    DB /var/log/fluent-bit-kube.db",
      // Back-pressure: when Loki is down, tailing pauses and resumes from the offset later.
      "    Mem_Buf_Limit 10MB",
      "    Skip_Long_Lines On",
      "",
    ].join("\n"),
    filters: [
      "[FILTER]",
      "    Name kubernetes",
      "    Match kube.*",
      "    Merge_Log On",
      "    Keep_Log Off",
      "    K8S-Logging.Parser On",
      "    K8S-Logging.Exclude On",
      "",
      // After the kubernetes filter, so JSON fields merged from the log line are masked too.
      "[FILTER]",
      "    Name lua",
      "    Match kube.*",
      `    script /fluent-bit/scripts/${MASK_SCRIPT.split("/").pop()}`,
      `    call ${MASK_FUNCTION}`,
      "",
    ].join("\n"),
    outputs: [
      "[OUTPUT]",
      "    Name loki",
      "    Match kube.*",
      `    Host ${LOKI_SERVICE}.${LOGGING_NAMESPACE}.svc`,
      `    Port ${LOKI_HTTP_PORT}`,
      // Few labels (Loki indexes only labels); everything else is searchable in the line.
      "    Labels job=fluent-bit, namespace=$kubernetes['namespace_name'], pod=$kubernetes['pod_name'], container=$kubernetes['container_name']",
      "    Remove_Keys kubernetes",
      "    Line_Format json",
      "    Retry_Limit False",
      "",
    ].join("\n"),
  };
}

/** Fluent Bit's values. Exported for the key check. */
export function fluentBitValues() {
  const script = MASK_SCRIPT.split("/").pop() as string;
  return {
    kind: "DaemonSet",
    image: { tag: FLUENT_BIT_CHART.appVersion },
    // Every node, the dedicated app pools included: their pods' logs matter most.
    tolerations: [{ key: APP_POOL_TAINT.key, operator: "Exists", effect: APP_POOL_TAINT.effect }],
    // Root, to read the node's root-owned log files and keep its offsets in /var/log; nothing more.
    podSecurityContext: { seccompProfile: { type: "RuntimeDefault" } },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
    luaScripts: { [script]: readFileSync(projectPath(MASK_SCRIPT), "utf8") },
    config: fluentBitConfig(),
    testFramework: { enabled: false },
  };
}
