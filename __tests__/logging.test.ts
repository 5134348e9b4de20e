import { readFileSync } from "fs";
import { parse as parseYaml } from "yaml";
import { SpacesBucket } from "@cdktf/provider-digitalocean/lib/spaces-bucket";
import { SpacesKey } from "@cdktf/provider-digitalocean/lib/spaces-key";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { loadPlatformConfig } from "../config";
import { APP_POOL_TAINT } from "../config/cluster";
import { DEFAULT_LOG_RETENTION_DAYS, logsBucketName } from "../config/observability";
import { projectPath } from "../config/paths";
import {
  BUCKET_EXPIRY_MARGIN_DAYS,
  FLUENT_BIT_CHART,
  LOKI_CHART,
  LOKI_DATASOURCE,
  LOKI_URL,
  MASK_SCRIPT,
} from "../constructs/observability/logging";
import { LOG_COLLECTOR_NAMESPACE, LOGGING_NAMESPACE } from "../constructs/core/namespaces";
import { environmentNamed, problemsOf, shippedConfig, type TerraformJson, releaseNamed, resourcesOf, synthesizedPlatform } from "./helpers";


const production = synthesizedPlatform("production");
const staging = synthesizedPlatform("staging");
const all = resourcesOf;
const release = releaseNamed;
/** A release's values as Helm receives them: Terraform turns `$${` back into `${`. */
const valuesOf = (json: TerraformJson, name: string) => (release(json, name).values as string[]).map((text) => parseYaml(text.replace(/\$\$\{/g, "${")));
const policy = (json: TerraformJson, name: string) => all(json, "kubernetes_network_policy_v1").find((p) => p.metadata.name === name)!;

describe("logs config", () => {
  it("keeps production's logs for the documented default and staging's for a week", () => {
    expect(environmentNamed("production").observability.logs.retentionDays).toBe(DEFAULT_LOG_RETENTION_DAYS);
    expect(DEFAULT_LOG_RETENTION_DAYS).toBe(30);
    expect(environmentNamed("staging").observability.logs.retentionDays).toBe(7);
  });

  it("refuses a retention or Loki size out of range, naming the field", () => {
    const config = shippedConfig();
    const logs = config.environments.staging.observability.logs;
    logs.retentionDays = 0;
    logs.loki.memoryMiB = 100;
    expect(problemsOf(() => loadPlatformConfig(config))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^environments\.staging\.observability\.logs\.retentionDays = 0: at least 1 day/),
        expect.stringMatching(/^environments\.staging\.observability\.logs\.loki\.memoryMiB = 100: at least 512 MiB/),
      ]),
    );
  });

  it("names the bucket after the account prefix, environment and region, within Spaces' 63 characters", () => {
    expect(logsBucketName("cryptopulse-b7k2", "production", "fra1")).toBe("cryptopulse-b7k2-production-logs-fra1");
    expect(logsBucketName("p".repeat(31), "e".repeat(20), "sgp1").length).toBeLessThanOrEqual(63);
  });
});

describe("log bucket", () => {
  it("is private, versioned, protected and expires objects a margin after the retention", () => {
    expect(production.synthesized).toHaveResourceWithProperties(SpacesBucket, {
      name: "cryptopulse-b7k2-production-logs-fra1",
      region: "fra1",
      acl: "private",
      versioning: { enabled: true },
      lifecycle: { prevent_destroy: true },
      lifecycle_rule: expect.arrayContaining([
        expect.objectContaining({ enabled: true, expiration: { days: 30 + BUCKET_EXPIRY_MARGIN_DAYS } }),
        expect.objectContaining({ enabled: true, noncurrent_version_expiration: { days: 1 } }),
      ]),
    });
    expect(staging.synthesized).toHaveResourceWithProperties(SpacesBucket, {
      name: "cryptopulse-b7k2-staging-logs-fra1",
      lifecycle_rule: expect.arrayContaining([expect.objectContaining({ expiration: { days: 7 + BUCKET_EXPIRY_MARGIN_DAYS } })]),
    });
    for (const bucket of all(production.json, "digitalocean_spaces_bucket")) expect(bucket).not.toHaveProperty("force_destroy");
  });

  it("has a key that can read and write this bucket and no other", () => {
    const keys = all(production.json, "digitalocean_spaces_key");
    expect(keys).toHaveLength(1);
    expect(production.synthesized).toHaveResourceWithProperties(SpacesKey, {
      name: "cryptopulse-b7k2-production-logs-fra1-loki",
      grant: [{ bucket: expect.stringMatching(/^\$\{digitalocean_spaces_bucket\.log-bucket_[A-Z0-9]+\.name\}$/), permission: "readwrite" }],
    });
  });
});

describe("log pipeline", () => {
  it("puts Loki in a restricted namespace and Fluent Bit in a privileged one of its own, each default-deny", () => {
    expect(production.synthesized).toHaveResourceWithProperties(NamespaceV1, {
      metadata: expect.objectContaining({ name: LOGGING_NAMESPACE, labels: expect.objectContaining({ "pod-security.kubernetes.io/enforce": "restricted" }) }),
    });
    expect(production.synthesized).toHaveResourceWithProperties(NamespaceV1, {
      metadata: expect.objectContaining({ name: LOG_COLLECTOR_NAMESPACE, labels: expect.objectContaining({ "pod-security.kubernetes.io/enforce": "privileged" }) }),
    });
    const denies = all(production.json, "kubernetes_network_policy_v1").filter((p) => p.metadata.name === "default-deny-all").map((p) => p.metadata.namespace);
    expect(denies).toEqual(expect.arrayContaining([expect.stringContaining(".logging_namespace_"), expect.stringContaining(".logging_collector-namespace_")]));
  });

  it("pins both charts with the shared release settings", () => {
    expect(release(production.json, "loki")).toMatchObject({ repository: LOKI_CHART.repository, chart: "loki", version: LOKI_CHART.version, atomic: true, max_history: 5 });
    expect(release(production.json, "fluent-bit")).toMatchObject({ repository: FLUENT_BIT_CHART.repository, chart: "fluent-bit", version: FLUENT_BIT_CHART.version, atomic: true });
    expect(release(production.json, "fluent-bit").depends_on).toEqual(expect.arrayContaining([expect.stringMatching(/^helm_release\.logging_loki_/)]));
  });

  it("stores chunks in the region's Spaces with the key from a Secret, never in values", () => {
    const [loki] = valuesOf(production.json, "loki");
    expect(loki.loki.storage).toMatchObject({
      type: "s3",
      bucketNames: { chunks: "cryptopulse-b7k2-production-logs-fra1" },
      s3: { endpoint: "fra1.digitaloceanspaces.com", accessKeyId: "${LOKI_S3_ACCESS_KEY_ID}", secretAccessKey: "${LOKI_S3_SECRET_ACCESS_KEY}" },
    });
    expect(loki.singleBinary.extraEnvFrom).toEqual([{ secretRef: { name: "loki-spaces" } }]);
    // Escaped for Terraform: the placeholders reach Helm as text, not as interpolations.
    expect((release(production.json, "loki").values as string[])[0]).toContain("$${LOKI_S3_SECRET_ACCESS_KEY}");
    const secret = all(production.json, "kubernetes_secret_v1").find((s) => s.metadata.name === "loki-spaces")!;
    expect(secret.data).toEqual({
      LOKI_S3_ACCESS_KEY_ID: expect.stringMatching(/^\$\{digitalocean_spaces_key\.log-bucket_loki_[A-Z0-9]+\.access_key\}$/),
      LOKI_S3_SECRET_ACCESS_KEY: expect.stringMatching(/^\$\{digitalocean_spaces_key\.log-bucket_loki_[A-Z0-9]+\.secret_key\}$/),
    });
  });

  it.each([
    ["production", "720h", "2048Mi", "50Gi"],
    ["staging", "168h", "1024Mi", "10Gi"],
  ] as const)("sizes %s's Loki and its retention from config", (name, retention, memory, volume) => {
    const [loki] = valuesOf(name === "production" ? production.json : staging.json, "loki");
    expect(loki.loki.limits_config.retention_period).toBe(retention);
    expect(loki.loki.compactor).toMatchObject({ retention_enabled: true, delete_request_store: "s3" });
    expect(loki.singleBinary.resources.limits.memory).toBe(memory);
    expect(loki.singleBinary.persistence).toMatchObject({ size: volume, storageClass: "do-block-storage-retain" });
    expect(loki.loki.image.tag).toBe(LOKI_CHART.appVersion);
  });

  it("runs Fluent Bit on every node with the repository's masking script before the Loki output", () => {
    const [values] = valuesOf(production.json, "fluent-bit");
    expect(values.tolerations).toEqual([{ key: APP_POOL_TAINT.key, operator: "Exists", effect: APP_POOL_TAINT.effect }]);
    expect(values.luaScripts["mask.lua"]).toBe(readFileSync(projectPath(MASK_SCRIPT), "utf8"));
    expect(values.config.filters.indexOf("Name kubernetes")).toBeLessThan(values.config.filters.indexOf("Name lua"));
    expect(values.config.filters).toMatch(/script \/fluent-bit\/scripts\/mask\.lua\n\s+call mask_record/);
    expect(values.config.outputs).toMatch(/Name loki\n\s+Match kube\.\*\n\s+Host loki\.logging\.svc\n\s+Port 3100/);
    expect(values.image.tag).toBe(FLUENT_BIT_CHART.appVersion);
    expect(values.resources).toEqual({ requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { memory: expect.any(String) } });
    expect(values.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
  });

  it("opens only Fluent Bit → Loki, Grafana → Loki, Loki → HTTPS and DNS", () => {
    const loki = policy(production.json, "loki-access");
    expect(loki.spec.ingress).toEqual([
      {
        from: [
          { namespace_selector: { match_labels: { "kubernetes.io/metadata.name": LOG_COLLECTOR_NAMESPACE } } },
          { namespace_selector: { match_labels: { "kubernetes.io/metadata.name": "monitoring" } }, pod_selector: { match_labels: { "app.kubernetes.io/name": "grafana" } } },
        ],
        ports: [{ protocol: "TCP", port: "3100" }],
      },
      // Loki to itself through its Services (memberlist, the compactor's gRPC address).
      { from: [{ pod_selector: {} }] },
    ]);
    expect(loki.spec.egress).toEqual(expect.arrayContaining([{ to: [{ ip_block: { cidr: "0.0.0.0/0" } }], ports: [{ protocol: "TCP", port: "443" }] }]));
    expect(policy(production.json, "fluent-bit-egress").spec.egress).toEqual(
      expect.arrayContaining([{ to: [{ namespace_selector: { match_labels: { "kubernetes.io/metadata.name": LOGGING_NAMESPACE } } }], ports: [{ protocol: "TCP", port: "3100" }] }]),
    );
    expect(production.synthesized).toHaveResourceWithProperties(NetworkPolicyV1, {
      metadata: expect.objectContaining({ name: "grafana-to-loki", namespace: expect.stringContaining("monitoring_namespace") }),
    });
  });

  it("makes Loki a Grafana data source", () => {
    const [, overrides] = valuesOf(production.json, "kube-prometheus-stack");
    expect(overrides.grafana.additionalDataSources).toEqual([LOKI_DATASOURCE]);
    expect(LOKI_URL).toBe("http://loki.logging.svc:3100");
  });
});
