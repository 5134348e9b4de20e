import * as path from "path";
import { S3Backend, TerraformOutput, TerraformResource, TerraformStack, TerraformVariable, Testing } from "cdktf";
import type { IConstruct } from "constructs";
import { DataCloudflareZone } from "@cdktf/provider-cloudflare/lib/data-cloudflare-zone";
import { DnsRecord } from "@cdktf/provider-cloudflare/lib/dns-record";
import { Zone } from "@cdktf/provider-cloudflare/lib/zone";
import { ZoneSetting } from "@cdktf/provider-cloudflare/lib/zone-setting";
import { ContainerRegistry } from "@cdktf/provider-digitalocean/lib/container-registry";
import { DatabaseCluster, type DatabaseClusterConfig } from "@cdktf/provider-digitalocean/lib/database-cluster";
import { DatabaseFirewall } from "@cdktf/provider-digitalocean/lib/database-firewall";
import { DatabaseReplica } from "@cdktf/provider-digitalocean/lib/database-replica";
import { DigitaloceanProvider } from "@cdktf/provider-digitalocean/lib/provider";
import { KubernetesCluster, type KubernetesClusterConfig } from "@cdktf/provider-digitalocean/lib/kubernetes-cluster";
import { KubernetesNodePool } from "@cdktf/provider-digitalocean/lib/kubernetes-node-pool";
import { SpacesBucket, type SpacesBucketConfig } from "@cdktf/provider-digitalocean/lib/spaces-bucket";
import { Release, type ReleaseConfig } from "@cdktf/provider-helm/lib/release";
import { CronJobV1 } from "@cdktf/provider-kubernetes/lib/cron-job-v1";
import { DeploymentV1, type DeploymentV1SpecTemplateSpecContainer, type DeploymentV1SpecTemplateSpec } from "@cdktf/provider-kubernetes/lib/deployment-v1";
import { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { NetworkPolicyV1, type NetworkPolicyV1Spec } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { SchemaMigrationJob } from "../constructs/data/schema-migration-job";
import { evaluateStack, RULES, STATEFUL_TYPES, type CheckStatus, type RuleId, type Tier } from "../guardrails";

/** Builds fixture constructs in `stack` and returns the one the rule is expected to judge. */
type Build = (stack: TerraformStack) => IConstruct;

interface Fixture {
  readonly rule: RuleId;
  readonly name: string;
  readonly expect: Exclude<CheckStatus, "suppressed"> | "not applicable";
  readonly tier?: Tier;
  /** For failing fixtures whose construct could fail for more than one reason: the one meant. */
  readonly why?: RegExp;
  readonly build: Build;
}

/**
 * The verdict of `rule` on the construct `build` returns, in a stack of its
 * own. A construct that writes several blocks (a provider also writes its
 * required_providers entry) fails when any of them fails.
 */
function verdict(rule: RuleId, tier: Tier, build: Build): { status: Fixture["expect"] | "suppressed"; detail?: string } {
  const stack = new TerraformStack(Testing.app(), "fixture");
  const subject = build(stack);
  const results = evaluateStack(stack, { tier }).results.filter((result) => result.rule === rule && result.path === subject.node.path);
  const worst = results.find((result) => result.status === "fail") ?? results.find((result) => result.status === "suppressed") ?? results[0];
  return { status: worst?.status ?? "not applicable", detail: worst?.detail };
}

// ---------------------------------------------------------------- building blocks

const VPC = "${digitalocean_vpc.vpc.id}";

function database(stack: TerraformStack, overrides: Partial<DatabaseClusterConfig> = {}) {
  return new DatabaseCluster(stack, "db", {
    name: "pg",
    engine: "pg",
    version: "17",
    size: "db-s-1vcpu-2gb",
    region: "fra1",
    nodeCount: 1,
    privateNetworkUuid: VPC,
    lifecycle: { preventDestroy: true },
    ...overrides,
  });
}

function firewall(stack: TerraformStack, clusterId: string, rule: { type: string; value: string }[], id = "firewall") {
  return new DatabaseFirewall(stack, id, { clusterId, rule, lifecycle: { preventDestroy: true } });
}

function doks(stack: TerraformStack, overrides: Partial<KubernetesClusterConfig> = {}) {
  const versions = "${data.digitalocean_kubernetes_versions.versions.latest_version}";
  return new KubernetesCluster(stack, "doks", {
    name: "doks",
    region: "fra1",
    version: versions,
    ha: true,
    autoUpgrade: true,
    surgeUpgrade: true,
    controlPlaneFirewall: { enabled: true, allowedAddresses: ["203.0.113.0/28"] },
    nodePool: { name: "system", size: "s-2vcpu-4gb", nodeCount: 2 },
    lifecycle: { preventDestroy: true },
    ...overrides,
  });
}

/** The allocation tags of a PostgreSQL resource in production. */
const TAGS = ["environment:production", "layer:data", "service:postgres", "team:devops"];

function appPool(stack: TerraformStack, tags: string[]) {
  return new KubernetesNodePool(stack, "pool", { clusterId: "${digitalocean_kubernetes_cluster.doks.id}", name: "apps", size: "s-8vcpu-16gb", nodeCount: 2, tags });
}

function bucket(stack: TerraformStack, overrides: Partial<SpacesBucketConfig> = {}) {
  return new SpacesBucket(stack, "bucket", {
    name: "cryptopulse-backups",
    region: "fra1",
    versioning: { enabled: true },
    lifecycle: { preventDestroy: true },
    ...overrides,
  });
}

/** A container that passes every workload rule; fixtures spoil one field. */
function goodContainer(overrides: Partial<DeploymentV1SpecTemplateSpecContainer> = {}): DeploymentV1SpecTemplateSpecContainer {
  const probe = { httpGet: { path: "/health", port: "8080" } };
  return {
    name: "app",
    image: "registry.digitalocean.com/cryptopulse/backend:1.4.2",
    resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { memory: "1Gi" } },
    livenessProbe: probe,
    readinessProbe: probe,
    securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" } },
    ...overrides,
  };
}

function deployment(stack: TerraformStack, container: DeploymentV1SpecTemplateSpecContainer, pod: Partial<DeploymentV1SpecTemplateSpec> = {}) {
  const labels = { app: "backend" };
  return new DeploymentV1(stack, "deployment", {
    metadata: { name: "backend", namespace: "cryptopulse" },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { container: [container], ...pod } } },
  });
}

function job(stack: TerraformStack, container: DeploymentV1SpecTemplateSpecContainer) {
  return new JobV1(stack, "job", {
    metadata: { name: "migrate", namespace: "cryptopulse" },
    spec: { template: { metadata: {}, spec: { container: [container], restartPolicy: "Never" } } },
  });
}

function namespaceWithPolicy(stack: TerraformStack, spec: NetworkPolicyV1Spec) {
  const namespace = new NamespaceV1(stack, "namespace", { metadata: { name: "cryptopulse" } });
  new NetworkPolicyV1(stack, "default-deny", { metadata: { name: "default-deny", namespace: namespace.metadata.name }, spec });
  return namespace;
}

const DENY_ALL: NetworkPolicyV1Spec = { podSelector: {}, policyTypes: ["Ingress", "Egress"] };

function release(stack: TerraformStack, overrides: Partial<ReleaseConfig> = {}) {
  return new Release(stack, "release", {
    name: "ingress-nginx",
    repository: "https://kubernetes.github.io/ingress-nginx",
    chart: "ingress-nginx",
    version: "4.12.1",
    atomic: true,
    cleanupOnFail: true,
    maxHistory: 5,
    ...overrides,
  });
}

/** Cloudflare zone settings take a bare string value; the binding types it as a map, hence the override. */
function zoneSetting(stack: TerraformStack, id: string, zoneId: string, settingId: string, value: string) {
  const setting = new ZoneSetting(stack, id, { zoneId, settingId, value: {} });
  setting.addOverride("value", value);
  return setting;
}

function zoneWithSettings(stack: TerraformStack, settings: Record<string, string>) {
  const zone = new DataCloudflareZone(stack, "zone", { filter: { name: "cryptopulse.com" } });
  for (const [settingId, value] of Object.entries(settings)) zoneSetting(stack, settingId, zone.zoneId, settingId, value);
  return zone;
}

const SAFE_ZONE = { min_tls_version: "1.2", ssl: "strict" };

/** A resource of any type with the given attributes, for types whose binding adds nothing to the point. */
function rawResource(stack: TerraformStack, type: string, attributes: Record<string, unknown>, preventDestroy?: boolean) {
  const resource = new TerraformResource(stack, type.replace(/_/g, "-"), {
    terraformResourceType: type,
    ...(preventDestroy === undefined ? {} : { lifecycle: { preventDestroy } }),
  });
  for (const [key, value] of Object.entries(attributes)) resource.addOverride(key, value);
  return resource;
}

/** A claim of `storage_class_name` (none when undefined), as kubernetes_persistent_volume_claim_v1 writes it. */
function claim(stack: TerraformStack, storageClassName?: string) {
  const spec = { access_modes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } }, storage_class_name: storageClassName };
  return rawResource(stack, "kubernetes_persistent_volume_claim_v1", { metadata: { name: "data", namespace: "cryptopulse" }, spec }, true);
}

function statefulSet(stack: TerraformStack, storageClassName: string) {
  const template = { metadata: { name: "data" }, spec: { access_modes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } }, storage_class_name: storageClassName } };
  return rawResource(stack, "kubernetes_stateful_set_v1", { metadata: { name: "db" }, spec: { service_name: "db", volume_claim_template: [template] } });
}

/** The Prometheus Operator's storageSpec shape, as kube-prometheus-stack takes it. */
const prometheusVolume = (storageClassName: string) =>
  `prometheus:\n  prometheusSpec:\n    storageSpec:\n      volumeClaimTemplate:\n        spec:\n          storageClassName: ${storageClassName}\n`;

const CLAIM_FIXTURES: readonly Fixture[] = [
  { rule: "CP-DATA-004", name: "claim on do-block-storage-retain", expect: "pass", build: (s) => claim(s, "do-block-storage-retain") },
  { rule: "CP-DATA-004", name: "claim on do-block-storage", expect: "fail", why: /do-block-storage has reclaimPolicy Delete/, build: (s) => claim(s, "do-block-storage") },
  { rule: "CP-DATA-004", name: "claim on the cluster default", expect: "fail", why: /names no storage class/, build: (s) => claim(s) },
  { rule: "CP-DATA-004", name: "claim on an unknown class", expect: "fail", why: /fast-ssd is not known to retain/, build: (s) => claim(s, "fast-ssd") },
  {
    rule: "CP-DATA-004",
    name: "claim on the stack's own retaining class",
    expect: "pass",
    build: (s) => {
      rawResource(s, "kubernetes_storage_class_v1", { metadata: { name: "fast-ssd" }, storage_provisioner: "dobs.csi.digitalocean.com", reclaim_policy: "Retain" });
      return claim(s, "fast-ssd");
    },
  },
  { rule: "CP-DATA-004", name: "StatefulSet claiming do-block-storage-xfs-retain", expect: "pass", build: (s) => statefulSet(s, "do-block-storage-xfs-retain") },
  { rule: "CP-DATA-004", name: "StatefulSet claiming do-block-storage-xfs", expect: "fail", why: /^volume_claim_template data: do-block-storage-xfs has/, build: (s) => statefulSet(s, "do-block-storage-xfs") },
  { rule: "CP-DATA-004", name: "release without volumes", expect: "pass", build: (s) => release(s, { values: ["controller:\n  replicaCount: 2\n"] }) },
  { rule: "CP-DATA-004", name: "Prometheus on do-block-storage-retain", expect: "pass", build: (s) => release(s, { values: [prometheusVolume("do-block-storage-retain")] }) },
  {
    rule: "CP-DATA-004",
    name: "Prometheus on do-block-storage",
    expect: "fail",
    why: /^values prometheus\.prometheusSpec\.storageSpec\.volumeClaimTemplate: do-block-storage has reclaimPolicy Delete$/,
    build: (s) => release(s, { values: [prometheusVolume("do-block-storage")] }),
  },
  {
    rule: "CP-DATA-004",
    name: "persistence enabled in the base file, its class in a later one",
    expect: "pass",
    build: (s) => release(s, { values: ["grafana:\n  persistence:\n    enabled: true\n", "grafana:\n  persistence:\n    storageClassName: do-block-storage-retain\n"] }),
  },
  {
    rule: "CP-DATA-004",
    name: "persistence enabled without a class",
    expect: "fail",
    why: /^values singleBinary\.persistence names no storage class/,
    build: (s) => release(s, { values: ["singleBinary:\n  persistence:\n    enabled: true\n    size: 50Gi\n"] }),
  },
  {
    rule: "CP-DATA-004",
    name: "class overridden by set",
    expect: "fail",
    why: /^values singleBinary\.persistence: do-block-storage has/,
    build: (s) =>
      release(s, {
        values: ["singleBinary:\n  persistence:\n    enabled: true\n    storageClass: do-block-storage-retain\n"],
        set: [{ name: "singleBinary.persistence.storageClass", value: "do-block-storage" }],
      }),
  },
  {
    rule: "CP-DATA-004",
    name: "class \"-\" (no dynamic provisioning class)",
    expect: "fail",
    why: /names no storage class/,
    build: (s) => release(s, { values: ["server:\n  persistence:\n    enabled: true\n    storageClass: \"-\"\n"] }),
  },
  {
    rule: "CP-DATA-004",
    name: "class in a yamlencode expression",
    expect: "fail",
    why: /^values\[1\] storageClassName: do-block-storage has/,
    build: (s) => release(s, { values: ["replicas: 1\n", '${yamlencode({"persistence" = {"enabled" = true, "storageClassName" = "do-block-storage"}})}'] }),
  },
];

// ---------------------------------------------------------------- fixtures, a passing and a failing one per rule at least

const FIXTURES: readonly Fixture[] = [
  ...STATEFUL_TYPES.flatMap((type): Fixture[] => [
    { rule: "CP-DATA-001", name: `${type} with prevent_destroy`, expect: "pass", build: (s) => rawResource(s, type, { name: "x" }, true) },
    { rule: "CP-DATA-001", name: `${type} without prevent_destroy`, expect: "fail", build: (s) => rawResource(s, type, { name: "x" }) },
  ]),
  { rule: "CP-DATA-001", name: "database with prevent_destroy false", expect: "fail", build: (s) => database(s, { lifecycle: { preventDestroy: false } }) },
  { rule: "CP-DATA-002", name: "bucket without force_destroy", expect: "pass", build: (s) => bucket(s) },
  { rule: "CP-DATA-002", name: "bucket with force_destroy", expect: "fail", build: (s) => bucket(s, { forceDestroy: true }) },
  { rule: "CP-DATA-002", name: "DOKS keeping its volumes", expect: "pass", build: (s) => doks(s, { destroyAllAssociatedResources: false }) },
  { rule: "CP-DATA-002", name: "DOKS deleting its volumes", expect: "fail", build: (s) => doks(s, { destroyAllAssociatedResources: true }) },
  { rule: "CP-DATA-003", name: "protected production cluster", expect: "pass", tier: "production", build: (s) => doks(s) },
  { rule: "CP-DATA-003", name: "unprotected production cluster", expect: "fail", tier: "production", build: (s) => doks(s, { lifecycle: { preventDestroy: false } }) },
  {
    rule: "CP-DATA-003",
    name: "unprotected production registry",
    expect: "fail",
    tier: "production",
    build: (s) => new ContainerRegistry(s, "registry", { name: "cryptopulse", subscriptionTierSlug: "basic" }),
  },

  ...CLAIM_FIXTURES,

  { rule: "CP-DO-001", name: "database in the VPC", expect: "pass", build: (s) => database(s) },
  { rule: "CP-DO-001", name: "database outside any VPC", expect: "fail", build: (s) => database(s, { privateNetworkUuid: undefined }) },
  {
    rule: "CP-DO-001",
    name: "replica outside any VPC",
    expect: "fail",
    build: (s) => new DatabaseReplica(s, "replica", { clusterId: database(s).id, name: "pg-analytics", size: "db-s-1vcpu-2gb", lifecycle: { preventDestroy: true } }),
  },
  {
    rule: "CP-DO-002",
    name: "database with one firewall",
    expect: "pass",
    build: (s) => {
      const db = database(s);
      firewall(s, db.id, [{ type: "k8s", value: "${digitalocean_kubernetes_cluster.doks.id}" }]);
      return db;
    },
  },
  { rule: "CP-DO-002", name: "database without firewall", expect: "fail", build: (s) => database(s) },
  {
    rule: "CP-DO-002",
    name: "database with two competing firewalls",
    expect: "fail",
    why: /^2 firewalls refer to it/,
    build: (s) => {
      const db = database(s);
      firewall(s, db.id, [{ type: "k8s", value: "a" }], "firewall-a");
      firewall(s, db.id, [{ type: "k8s", value: "b" }], "firewall-b");
      return db;
    },
  },
  {
    rule: "CP-DO-002",
    name: "replica with its own firewall (by uuid)",
    expect: "pass",
    build: (s) => {
      const replica = new DatabaseReplica(s, "replica", { clusterId: database(s).id, name: "pg-analytics", privateNetworkUuid: VPC });
      firewall(s, replica.uuid, [{ type: "k8s", value: "a" }], "replica-firewall");
      return replica;
    },
  },
  { rule: "CP-DO-003", name: "firewall trusting a DOKS cluster", expect: "pass", build: (s) => firewall(s, "${x.id}", [{ type: "k8s", value: "${y.id}" }]) },
  { rule: "CP-DO-003", name: "firewall trusting a private range", expect: "pass", build: (s) => firewall(s, "${x.id}", [{ type: "ip_addr", value: "10.20.0.0/16" }]) },
  { rule: "CP-DO-003", name: "firewall trusting the internet", expect: "fail", build: (s) => firewall(s, "${x.id}", [{ type: "ip_addr", value: "0.0.0.0/0" }]) },
  { rule: "CP-DO-003", name: "firewall trusting a public address", expect: "fail", build: (s) => firewall(s, "${x.id}", [{ type: "ip_addr", value: "198.51.100.7" }]) },
  { rule: "CP-DO-003", name: "firewall trusting a computed address", expect: "fail", build: (s) => firewall(s, "${x.id}", [{ type: "ip_addr", value: "${var.office_ip}" }]) },
  { rule: "CP-DO-004", name: "DOKS version from the versions data source", expect: "pass", build: (s) => doks(s) },
  { rule: "CP-DO-004", name: "DOKS pinned version slug", expect: "fail", build: (s) => doks(s, { version: "1.35.1-do.0" }) },
  { rule: "CP-DO-005", name: "HA production control plane", expect: "pass", tier: "production", build: (s) => doks(s) },
  { rule: "CP-DO-005", name: "single production control plane", expect: "fail", tier: "production", build: (s) => doks(s, { ha: false }) },
  { rule: "CP-DO-006", name: "production cluster with surge auto-upgrades", expect: "pass", tier: "production", build: (s) => doks(s) },
  { rule: "CP-DO-006", name: "production cluster without auto-upgrade", expect: "fail", tier: "production", build: (s) => doks(s, { autoUpgrade: false }) },
  { rule: "CP-DO-006", name: "production cluster without surge", expect: "fail", tier: "production", build: (s) => doks(s, { surgeUpgrade: false }) },
  { rule: "CP-DO-007", name: "API open to the admin CIDRs", expect: "pass", build: (s) => doks(s) },
  { rule: "CP-DO-007", name: "API without a firewall", expect: "fail", build: (s) => doks(s, { controlPlaneFirewall: undefined }) },
  {
    rule: "CP-DO-007",
    name: "API open to the internet",
    expect: "fail",
    build: (s) => doks(s, { controlPlaneFirewall: { enabled: true, allowedAddresses: ["0.0.0.0/0"] } }),
  },
  { rule: "CP-DO-008", name: "private bucket", expect: "pass", build: (s) => bucket(s, { acl: "private" }) },
  { rule: "CP-DO-008", name: "public-read bucket", expect: "fail", build: (s) => bucket(s, { acl: "public-read" }) },
  { rule: "CP-DO-009", name: "versioned bucket", expect: "pass", build: (s) => bucket(s) },
  { rule: "CP-DO-009", name: "unversioned bucket", expect: "fail", build: (s) => bucket(s, { versioning: undefined }) },

  { rule: "CP-DO-010", name: "cluster and system pool with allocation tags", expect: "pass", build: (s) => doks(s, { tags: TAGS, nodePool: { name: "system", size: "s-2vcpu-4gb", tags: ["pool-system", ...TAGS] } }) },
  { rule: "CP-DO-010", name: "cluster without tags", expect: "fail", why: /^tags: no environment: tag, no layer: tag, no service: tag, no team: tag/, build: (s) => doks(s) },
  {
    rule: "CP-DO-010",
    name: "cluster tagged, its system pool not",
    expect: "fail",
    why: /^node_pool\.tags: no environment: tag/,
    build: (s) => doks(s, { tags: TAGS }),
  },
  { rule: "CP-DO-010", name: "tagged app pool", expect: "pass", build: (s) => appPool(s, ["pool-apps", ...TAGS]) },
  { rule: "CP-DO-010", name: "app pool without a team", expect: "fail", why: /no team: tag$/, build: (s) => appPool(s, TAGS.filter((tag) => !tag.startsWith("team:"))) },
  { rule: "CP-DO-010", name: "app pool charged to two teams", expect: "fail", why: /2 team: tags \(devops, data\)/, build: (s) => appPool(s, [...TAGS, "team:data"]) },
  { rule: "CP-DO-010", name: "uppercase tag value", expect: "fail", why: /service:Postgres is not a valid tag value/, build: (s) => database(s, { tags: TAGS.map((tag) => tag.replace("service:postgres", "service:Postgres")) }) },
  {
    rule: "CP-DO-010",
    name: "a tag DigitalOcean refuses beside the allocation tags",
    expect: "fail",
    why: /^tags: "owner=data team" is not a DigitalOcean tag/,
    build: (s) => database(s, { tags: ["owner=data team", ...TAGS] }),
  },
  { rule: "CP-DO-010", name: "tagged database", expect: "pass", build: (s) => database(s, { tags: ["cryptopulse", ...TAGS] }) },
  { rule: "CP-DO-010", name: "untagged database", expect: "fail", build: (s) => database(s) },
  {
    rule: "CP-DO-010",
    name: "replica (tags are ForceNew: tagging a running one replaces it)",
    expect: "not applicable",
    build: (s) => new DatabaseReplica(s, "replica", { clusterId: database(s).id, name: "pg-analytics", privateNetworkUuid: VPC }),
  },

  { rule: "CP-K8S-001", name: "image with a version tag", expect: "pass", build: (s) => deployment(s, goodContainer()) },
  {
    rule: "CP-K8S-001",
    name: "image by digest",
    expect: "pass",
    build: (s) => deployment(s, goodContainer({ image: `nginx@sha256:${"a".repeat(64)}` })),
  },
  {
    rule: "CP-K8S-001",
    name: "image tag from a variable",
    expect: "pass",
    build: (s) => {
      new TerraformVariable(s, "backend_tag", { type: "string" }).overrideLogicalId("backend_tag");
      return deployment(s, goodContainer({ image: "registry.digitalocean.com/cryptopulse/backend:${var.backend_tag}" }));
    },
  },
  { rule: "CP-K8S-001", name: "image on latest", expect: "fail", build: (s) => deployment(s, goodContainer({ image: "nginx:latest" })) },
  { rule: "CP-K8S-001", name: "image without a tag", expect: "fail", build: (s) => job(s, goodContainer({ image: "registry:5000/cryptopulse/backend" })) },
  {
    rule: "CP-K8S-001",
    name: "image from a variable defaulting to latest",
    expect: "fail",
    build: (s) => {
      new TerraformVariable(s, "backend_image", { type: "string", default: "backend:latest" }).overrideLogicalId("backend_image");
      return deployment(s, goodContainer({ image: "${var.backend_image}" }));
    },
  },
  { rule: "CP-K8S-001", name: "Helm values pinning images", expect: "pass", build: (s) => release(s, { values: ["controller:\n  image:\n    tag: v1.12.1\n"] }) },
  { rule: "CP-K8S-001", name: "Helm values setting latest", expect: "fail", build: (s) => release(s, { values: ["controller:\n  image:\n    tag: latest\n"] }) },
  { rule: "CP-K8S-001", name: "Helm set image.tag=latest", expect: "fail", build: (s) => release(s, { set: [{ name: "controller.image.tag", value: "latest" }] }) },
  { rule: "CP-K8S-002", name: "container with requests and a memory limit", expect: "pass", build: (s) => deployment(s, goodContainer()) },
  { rule: "CP-K8S-002", name: "container without resources", expect: "fail", build: (s) => deployment(s, goodContainer({ resources: undefined })) },
  {
    rule: "CP-K8S-002",
    name: "job container without a memory limit",
    expect: "fail",
    build: (s) => job(s, goodContainer({ resources: { requests: { cpu: "50m", memory: "64Mi" } } })),
  },
  { rule: "CP-K8S-003", name: "deployment with probes", expect: "pass", build: (s) => deployment(s, goodContainer()) },
  { rule: "CP-K8S-003", name: "deployment without readiness probe", expect: "fail", build: (s) => deployment(s, goodContainer({ readinessProbe: undefined })) },
  {
    rule: "CP-K8S-003",
    name: "cron job (runs to completion, no probes needed)",
    expect: "not applicable",
    build: (s) =>
      new CronJobV1(s, "cron", {
        metadata: { name: "report" },
        spec: {
          schedule: "0 3 * * *",
          jobTemplate: { metadata: {}, spec: { template: { metadata: {}, spec: { container: [goodContainer({ livenessProbe: undefined, readinessProbe: undefined })] } } } },
        },
      }),
  },
  { rule: "CP-K8S-004", name: "restricted container", expect: "pass", build: (s) => deployment(s, goodContainer()) },
  {
    rule: "CP-K8S-004",
    name: "non-root and seccomp from the pod security context",
    expect: "pass",
    build: (s) =>
      deployment(s, goodContainer({ securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }), {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
      }),
  },
  { rule: "CP-K8S-004", name: "container without security context", expect: "fail", build: (s) => deployment(s, goodContainer({ securityContext: undefined })) },
  {
    rule: "CP-K8S-004",
    name: "privileged container",
    expect: "fail",
    why: /^container app: privileged$/,
    build: (s) => deployment(s, goodContainer({ securityContext: { ...goodContainer().securityContext, privileged: true } })),
  },
  { rule: "CP-K8S-004", name: "pod on the host network", expect: "fail", why: /host_network is true/, build: (s) => deployment(s, goodContainer(), { hostNetwork: true }) },
  { rule: "CP-K8S-005", name: "namespace with a default-deny policy", expect: "pass", build: (s) => namespaceWithPolicy(s, DENY_ALL) },
  { rule: "CP-K8S-005", name: "namespace without policies", expect: "fail", build: (s) => new NamespaceV1(s, "namespace", { metadata: { name: "cryptopulse" } }) },
  {
    rule: "CP-K8S-005",
    name: "namespace whose only policy denies ingress alone",
    expect: "fail",
    build: (s) => namespaceWithPolicy(s, { podSelector: {}, policyTypes: ["Ingress"] }),
  },
  {
    rule: "CP-K8S-005",
    name: "namespace whose policy allows all ingress (an empty rule)",
    expect: "fail",
    build: (s) => namespaceWithPolicy(s, { ...DENY_ALL, ingress: [{}] }),
  },

  { rule: "CP-HELM-001", name: "chart pinned to an exact version", expect: "pass", build: (s) => release(s) },
  { rule: "CP-HELM-001", name: "chart from this repository", expect: "pass", build: (s) => release(s, { repository: undefined, chart: "./charts/backend", version: undefined }) },
  { rule: "CP-HELM-001", name: "chart without a version", expect: "fail", build: (s) => release(s, { version: undefined }) },
  { rule: "CP-HELM-001", name: "chart version range", expect: "fail", build: (s) => release(s, { version: "^4.12.0" }) },
  { rule: "CP-HELM-002", name: "atomic release cleaning up on failure", expect: "pass", build: (s) => release(s) },
  { rule: "CP-HELM-002", name: "release without atomic", expect: "fail", build: (s) => release(s, { atomic: undefined }) },
  { rule: "CP-HELM-002", name: "release not waiting", expect: "fail", build: (s) => release(s, { wait: false }) },
  { rule: "CP-HELM-003", name: "release keeping 5 revisions", expect: "pass", build: (s) => release(s) },
  { rule: "CP-HELM-003", name: "release keeping every revision", expect: "fail", build: (s) => release(s, { maxHistory: undefined }) },
  { rule: "CP-HELM-003", name: "release keeping 50 revisions", expect: "fail", build: (s) => release(s, { maxHistory: 50 }) },

  {
    rule: "CP-CF-001",
    name: "proxied web host",
    expect: "pass",
    build: (s) => new DnsRecord(s, "api", { zoneId: "z", name: "api", type: "A", content: "203.0.113.10", ttl: 1, proxied: true }),
  },
  {
    rule: "CP-CF-001",
    name: "unproxied web host",
    expect: "fail",
    build: (s) => new DnsRecord(s, "app", { zoneId: "z", name: "app", type: "CNAME", content: "lb.example.net", ttl: 300 }),
  },
  {
    rule: "CP-CF-001",
    name: "ACME challenge record (not a web host)",
    expect: "not applicable",
    build: (s) => new DnsRecord(s, "acme", { zoneId: "z", name: "_acme-challenge", type: "CNAME", content: "x.acme.example", ttl: 300 }),
  },
  { rule: "CP-CF-002", name: "zone refusing TLS below 1.2", expect: "pass", build: (s) => zoneWithSettings(s, SAFE_ZONE) },
  { rule: "CP-CF-002", name: "zone without a minimum TLS setting", expect: "fail", build: (s) => zoneWithSettings(s, { ssl: "strict" }) },
  { rule: "CP-CF-002", name: "minimum TLS 1.0", expect: "fail", build: (s) => zoneSetting(s, "tls", "${data.cloudflare_zone.zone.zone_id}", "min_tls_version", "1.0") },
  {
    rule: "CP-CF-002",
    name: "managed zone (resource) with its settings by id",
    expect: "pass",
    build: (s) => {
      const zone = new Zone(s, "zone", { name: "cryptopulse.com", account: { id: "account" } });
      zoneSetting(s, "tls", zone.id, "min_tls_version", "1.3");
      return zone;
    },
  },
  {
    rule: "CP-CF-002",
    name: "record in a zone known only by id, without settings",
    expect: "fail",
    build: (s) => new DnsRecord(s, "api", { zoneId: "${var.zone_id}", name: "api", type: "A", content: "203.0.113.10", ttl: 1, proxied: true }),
  },
  { rule: "CP-CF-003", name: "zone with SSL strict", expect: "pass", build: (s) => zoneWithSettings(s, SAFE_ZONE) },
  { rule: "CP-CF-003", name: "ssl setting strict", expect: "pass", build: (s) => zoneSetting(s, "ssl", "z", "ssl", "strict") },
  { rule: "CP-CF-003", name: "zone with an ssl setting", expect: "pass", build: (s) => zoneWithSettings(s, { ssl: "full" }) },
  { rule: "CP-CF-003", name: "zone without an ssl setting", expect: "fail", build: (s) => zoneWithSettings(s, { min_tls_version: "1.2" }) },
  { rule: "CP-CF-003", name: "ssl setting full (unverified origin)", expect: "fail", build: (s) => zoneSetting(s, "ssl", "z", "ssl", "full") },
  { rule: "CP-CF-003", name: "ssl setting flexible", expect: "fail", build: (s) => zoneSetting(s, "ssl", "z", "ssl", "flexible") },

  { rule: "CP-SEC-001", name: "provider without credentials", expect: "pass", build: (s) => new DigitaloceanProvider(s, "digitalocean", {}) },
  { rule: "CP-SEC-001", name: "provider with a literal token", expect: "fail", build: (s) => new DigitaloceanProvider(s, "digitalocean", { token: "not-a-real-token" }) },
  {
    rule: "CP-SEC-001",
    name: "state backend with a literal secret key",
    expect: "fail",
    why: /secret_key is a literal credential/,
    build: (s) => new S3Backend(s, { bucket: "state", key: "x.tfstate", region: "us-east-1", accessKey: "${var.key_id}", secretKey: "plain-text-secret" }),
  },
  {
    rule: "CP-SEC-001",
    name: "DigitalOcean token in a tag",
    expect: "fail",
    why: /^tags\[0\] looks like a DigitalOcean API, OAuth or refresh token$/,
    build: (s) => database(s, { tags: [`owner-dop_v1_${"0".repeat(64)}`] }),
  },
  {
    rule: "CP-SEC-001",
    name: "Kubernetes secret from references, with a literal non-secret",
    expect: "pass",
    build: (s) =>
      new SecretV1(s, "secret", {
        metadata: { name: "db" },
        data: { PGPASSWORD: "${digitalocean_database_cluster.db.password}", PGSSLMODE: "require" },
      }),
  },
  {
    rule: "CP-SEC-001",
    name: "Kubernetes secret with a literal password",
    expect: "fail",
    why: /^data\.PGPASSWORD is a literal credential$/,
    build: (s) => new SecretV1(s, "secret", { metadata: { name: "db" }, data: { PGPASSWORD: "correct-horse-battery" } }),
  },
  {
    rule: "CP-SEC-001",
    name: "Helm set_sensitive with a literal",
    expect: "fail",
    build: (s) => release(s, { setSensitive: [{ name: "auth.rootPassword", value: "changeme" }] }),
  },
  {
    rule: "CP-SEC-001",
    name: "URL with an embedded password",
    expect: "fail",
    build: (s) => new TerraformOutput(s, "dsn", { value: "postgresql://app:s3cretpass@db.internal:25060/app", sensitive: true }),
  },
  {
    rule: "CP-SEC-002",
    name: "sensitive connection URI output",
    expect: "pass",
    build: (s) => new TerraformOutput(s, "uri", { value: database(s).privateUri, sensitive: true }),
  },
  { rule: "CP-SEC-002", name: "plain endpoint output", expect: "pass", build: (s) => new TerraformOutput(s, "endpoint", { value: doks(s).endpoint }) },
  { rule: "CP-SEC-002", name: "connection URI output not sensitive", expect: "fail", build: (s) => new TerraformOutput(s, "uri", { value: database(s).privateUri }) },
  {
    rule: "CP-SEC-002",
    name: "kubeconfig output not sensitive",
    expect: "fail",
    build: (s) => new TerraformOutput(s, "kubeconfig", { value: doks(s).kubeConfig.get(0).rawConfig }),
  },
  {
    rule: "CP-SEC-002",
    name: "sensitive variable passed through",
    expect: "fail",
    build: (s) => new TerraformOutput(s, "webhook", { value: new TerraformVariable(s, "hook", { type: "string", sensitive: true }).stringValue }),
  },
  {
    rule: "CP-SEC-003",
    name: "sensitive credential variable without default",
    expect: "pass",
    build: (s) => new TerraformVariable(s, "alerts_slack_webhook_url", { type: "string", sensitive: true }),
  },
  {
    rule: "CP-SEC-003",
    name: "credential variable not sensitive",
    expect: "fail",
    build: (s) => new TerraformVariable(s, "api_token", { type: "string" }),
  },
  {
    rule: "CP-SEC-003",
    name: "credential variable with a default",
    expect: "fail",
    build: (s) => new TerraformVariable(s, "db_password", { type: "string", sensitive: true, default: "" }),
  },
];

describe("guardrail rules", () => {
  it.each(FIXTURES.map((fixture) => [fixture.rule, fixture.name, fixture] as const))("%s: %s", (rule, _name, fixture) => {
    const { status, detail } = verdict(rule, fixture.tier ?? "staging", fixture.build);
    expect(status).toBe(fixture.expect);
    if (status === "fail") expect(detail).toMatch(fixture.why ?? /\S/);
  });

  it("has a passing and a failing fixture for every rule", () => {
    for (const { id } of RULES) {
      const outcomes = new Set(FIXTURES.filter((fixture) => fixture.rule === id).map((fixture) => fixture.expect));
      expect([id, outcomes.has("pass"), outcomes.has("fail")]).toEqual([id, true, true]);
    }
  });

  it("gives every rule a unique CP-<area>-<nnn> id, a one-line reason and a fix", () => {
    const ids = RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^CP-(DATA|DO|K8S|HELM|CF|SEC)-\d{3}$/);
      for (const text of [rule.reason, rule.fix]) expect(text).toMatch(/^[^\n—]{10,}$/);
    }
  });

  it("holds production-only rules in production only", () => {
    const single = (s: TerraformStack) => doks(s, { ha: false });
    expect(verdict("CP-DO-005", "production", single).status).toBe("fail");
    expect(verdict("CP-DO-005", "staging", single).status).toBe("not applicable");
  });

  it("pass the schema migration job, the first workload of the next layer", () => {
    const stack = new TerraformStack(Testing.app(), "platform");
    const connection = { host: "${x.private_host}", port: "25060", database: "cryptopulse", adminUser: "${x.user}", adminPassword: "${x.password}", appUser: "app" };
    new SchemaMigrationJob(stack, "migrate", {
      namespace: "cryptopulse",
      connection,
      postgresMajor: "17",
      directory: path.resolve(__dirname, "..", "migrations"),
      databaseEgress: { cidr: "10.10.0.0/16", ports: [25060] },
    });
    const report = evaluateStack(stack, { tier: "production" });
    expect(report.results.filter((result) => result.status !== "pass")).toEqual([]);
    expect(report.results.map((result) => result.rule)).toEqual(expect.arrayContaining(["CP-K8S-001", "CP-K8S-002", "CP-K8S-004", "CP-SEC-001"]));
  });

  it("never echoes a secret value in a finding", () => {
    const token = `dop_v1_${"f".repeat(64)}`;
    const { detail } = verdict("CP-SEC-001", "staging", (s) => new DigitaloceanProvider(s, "digitalocean", { token }));
    expect(detail).toContain("token");
    expect(detail).not.toContain(token);
  });
});
