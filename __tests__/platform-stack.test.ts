import { OriginCaCertificate } from "@cdktf/provider-cloudflare/lib/origin-ca-certificate";
import { DataCloudflareIpRanges } from "@cdktf/provider-cloudflare/lib/data-cloudflare-ip-ranges";
import { DataDigitaloceanKubernetesCluster } from "@cdktf/provider-digitalocean/lib/data-digitalocean-kubernetes-cluster";
import { JobV1 } from "@cdktf/provider-kubernetes/lib/job-v1";
import { RoleBindingV1 } from "@cdktf/provider-kubernetes/lib/role-binding-v1";
import { PrivateKey } from "@cdktf/provider-tls/lib/private-key";
import { isDeepStrictEqual } from "util";
import { parse } from "yaml";
import { isRemembered, yamlData } from "../constructs/core/yaml-document";
import { environmentNamed, sharedEnvironment, type TerraformJson, releaseNamed, resourcesOf, synthesizedPlatform } from "./helpers";


const production = synthesizedPlatform("production");
const staging = synthesizedPlatform("staging");
const all = resourcesOf;
const release = releaseNamed;
const namespace = (json: TerraformJson, name: string) => all(json, "kubernetes_namespace_v1").find((n) => n.metadata.name === name)!;
const policies = (json: TerraformJson, ns: string) => all(json, "kubernetes_network_policy_v1").filter((p) => p.metadata.namespace.includes(ns) || p.metadata.namespace === ns);

describe("PlatformLayerStack", () => {
  it("is named per environment and region, and deploys after the cluster stack", () => {
    expect(production.stack.stackName).toBe("cryptopulse-production-platform-fra1");
    expect(production.stack.dependencies.map((stack) => stack.node.id)).toContain("cryptopulse-production-cluster-fra1");
  });

  it("configures Kubernetes and Helm from the cluster looked up by name, never from copied credentials", () => {
    expect(production.synthesized).toHaveDataSourceWithProperties(DataDigitaloceanKubernetesCluster, { name: "cryptopulse-production-fra1" });
    const [kubernetes] = production.json.provider.kubernetes;
    expect(kubernetes.host).toMatch(/^\$\{data\.digitalocean_kubernetes_cluster\.\w+\.endpoint\}$/);
    expect(kubernetes.token).toMatch(/^\$\{data\.digitalocean_kubernetes_cluster\.\w+\.kube_config\[0\]\.token\}$/);
    expect(kubernetes.cluster_ca_certificate).toMatch(/^\$\{base64decode\(data\.digitalocean_kubernetes_cluster\.\w+\.kube_config\[0\]\.cluster_ca_certificate\)\}$/);
    expect(production.json.provider.helm[0].kubernetes).toEqual(kubernetes);
    expect(JSON.stringify(production.json.data.terraform_remote_state ?? {})).not.toMatch(/kube_config/);
  });

  it("labels namespaces for Pod Security: restricted for the apps and for ingress-nginx", () => {
    for (const name of ["cryptopulse", "ingress-nginx"]) {
      expect(namespace(production.json, name).metadata.labels).toMatchObject({
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/audit": "restricted",
      });
    }
  });

  it("denies all traffic by default in both namespaces", () => {
    for (const ns of ["cryptopulse", "ingress-nginx"]) {
      const defaultDeny = policies(production.json, ns === "cryptopulse" ? "apps_namespace" : "ingress_namespace").find((p) => p.metadata.name === "default-deny-all");
      expect(defaultDeny).toBeDefined();
      expect(defaultDeny!.spec).toEqual({ pod_selector: {}, policy_types: ["Ingress", "Egress"] });
    }
  });

  it("installs metrics-server pinned, HA in production only", () => {
    expect(release(production.json, "metrics-server")).toMatchObject({ version: "3.13.1", namespace: "kube-system" });
    expect(JSON.parse(release(production.json, "metrics-server").values[0])).toMatchObject({ replicas: 2, podDisruptionBudget: { enabled: true } });
    expect(JSON.parse(release(staging.json, "metrics-server").values[0])).toMatchObject({ replicas: 1, podDisruptionBudget: { enabled: false } });
  });

  it("pins every Helm release and makes it atomic, cleaned up on failure, with bounded history and a timeout", () => {
    const releases = all(production.json, "helm_release");
    expect(releases.length).toBeGreaterThanOrEqual(2);
    for (const r of releases) {
      expect(r.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(r).toMatchObject({ atomic: true, cleanup_on_fail: true, wait: true, max_history: 5 });
      expect(r.timeout).toBeGreaterThan(0);
    }
  });

  it("runs ingress-nginx 4.15.1 from the base values plus the environment's overrides", () => {
    const ingress = release(production.json, "ingress-nginx");
    expect(ingress).toMatchObject({ chart: "ingress-nginx", version: "4.15.1", repository: "https://kubernetes.github.io/ingress-nginx" });
    expect(ingress.values[0]).toContain('ssl-protocols: "TLSv1.2 TLSv1.3"');
    const overrides = ingress.values[1] as string;
    expect(overrides).toMatch(/"replicaCount" = 2/);
    expect(overrides).toMatch(/"autoscaling" = \{"enabled" = true, "minReplicas" = 2, "maxReplicas" = 6/);
    expect(overrides).toMatch(/"topologyKey" = "kubernetes.io\/hostname"/);
    expect(overrides).toMatch(/"default-ssl-certificate" = "ingress-nginx\/origin-tls"/);
    expect(overrides).toMatch(/"service.beta.kubernetes.io\/do-loadbalancer-name" = "cryptopulse-production-fra1-ingress"/);
  });

  it("admits only Cloudflare's ranges at the load balancer and trusts a client address only from Cloudflare's edge and the VPC", () => {
    expect(production.synthesized).toHaveDataSource(DataCloudflareIpRanges);
    const overrides = release(production.json, "ingress-nginx").values[1] as string;
    expect(overrides).toMatch(/"loadBalancerSourceRanges" = data\.cloudflare_ip_ranges\.[\w-]+\.ipv4_cidrs/);
    const trusted = overrides.match(/"proxy-real-ip-cidr" = join\(",", concat\(data\.cloudflare_ip_ranges\.[\w-]+\.ipv4_cidrs, data\.cloudflare_ip_ranges\.[\w-]+\.ipv6_cidrs, \["([^"]+)"\]\)\)/);
    expect(trusted?.[1]).toBe(environmentNamed("production").primaryRegion.vpcCidr);
  });

  it("switches PROXY protocol on at both ends and leaves the load balancer's health check to the cloud controller", () => {
    for (const { json } of [production, staging]) {
      const values = release(json, "ingress-nginx").values as string[];
      expect(values[1]).toMatch(/"use-proxy-protocol" = "true"/);
      expect(values[1]).toMatch(/"service\.beta\.kubernetes\.io\/do-loadbalancer-enable-proxy-protocol" = "true"/);
      // Its default check (kube-proxy's /healthz) goes without PROXY protocol; the override would send it with.
      expect(values.join("\n")).not.toContain("do-loadbalancer-override-health-check");
    }
  });

  it("runs a single ingress replica in staging, without spread", () => {
    const overrides = release(staging.json, "ingress-nginx").values[1] as string;
    expect(overrides).toMatch(/"replicaCount" = 1/);
    expect(overrides).toMatch(/"topologySpreadConstraints" = \[\]/);
  });

  it("presents a Cloudflare Origin CA certificate for the apex and its wildcard as the default TLS secret", () => {
    expect(production.synthesized).toHaveResourceWithProperties(PrivateKey, { algorithm: "ECDSA", ecdsa_curve: "P256" });
    expect(production.synthesized).toHaveResourceWithProperties(OriginCaCertificate, {
      hostnames: ["cryptopulse.com", "*.cryptopulse.com"],
      request_type: "origin-ecc",
      requested_validity: 5475,
    });
    const tls = all(production.json, "kubernetes_secret_v1").find((s) => s.metadata.name === "origin-tls")!;
    expect(tls.type).toBe("kubernetes.io/tls");
    expect(tls.data["tls.crt"]).toMatch(/^\$\{cloudflare_origin_ca_certificate\.[\w-]+\.certificate\}$/);
  });

  it("fills the app Secrets from the data stack (through remote state) and sensitive variables, never from literals", () => {
    const { stacks } = sharedEnvironment("production");
    const json = stacks["cryptopulse-production-platform-fra1"];
    const backend = all(json, "kubernetes_secret_v1").find((s) => s.metadata.name === "backend-env")!;
    expect(Object.keys(backend.data).sort()).toEqual([
      "ANALYTICS_DATABASE_URL",
      "DATABASE_URL",
      "EXCHANGE_SECRETS_KEY",
      "JWT_SECRET",
      "MONGODB_URL",
      "REDIS_URL",
      "REPORTING_DATABASE_URL",
    ]);
    for (const value of Object.values(backend.data) as string[]) {
      // Every interpolation reads remote state or a variable; what is literal around them is the URI's syntax alone.
      for (const [reference] of value.matchAll(/\$\{[^}]*\}/g)) expect(reference).toMatch(/^\$\{(urlencode\()?(data\.terraform_remote_state|var)\./);
      expect(value.replace(/\$\{[^}]*\}/g, "")).toMatch(/^(postgresql:\/\/:@:\/\?sslmode=verify-full&sslrootcert=\/etc\/cryptopulse\/database-ca\/ca\.crt)?$/);
    }
    expect(backend.data.JWT_SECRET).toBe("${var.app_jwt_secret}");
    expect(json.variable.app_jwt_secret).toMatchObject({ sensitive: true });
    expect(json.variable.exchange_secrets_key).toMatchObject({ sensitive: true });
    // The data stack hands them over as sensitive outputs.
    const data = stacks["cryptopulse-production-data-fra1"];
    const crossOutputs = Object.entries(data.output).filter(([name]) => name.startsWith("cross-stack-output-"));
    expect(crossOutputs.length).toBeGreaterThan(0);
    for (const [, output] of crossOutputs) expect(output).toMatchObject({ sensitive: true });
  });

  it("runs the schema migration as a Job in the app namespace, allowed out only to DNS and the databases", () => {
    expect(production.synthesized).toHaveResource(JobV1);
    const egress = all(production.json, "kubernetes_network_policy_v1").find((p) => p.metadata.name === "schema-migration-egress")!;
    expect(egress.spec.policy_types).toEqual(["Egress"]);
    expect(egress.spec.egress[1]).toEqual({
      to: [{ ip_block: { cidr: "10.20.0.0/16" } }],
      ports: [25060, 25061, 27017].map((port) => ({ protocol: "TCP", port: String(port) })),
    });
    // Created only once its egress is allowed.
    expect(all(production.json, "kubernetes_job_v1")[0].depends_on).toEqual(["kubernetes_network_policy_v1.schema-migration-egress"]);
  });

  it("binds developers read-only and CI to the deployer role, by group", () => {
    expect(production.synthesized).toHaveResourceWithProperties(RoleBindingV1, {
      role_ref: { api_group: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
      subject: [{ kind: "Group", name: "cryptopulse:developers", api_group: "rbac.authorization.k8s.io" }],
    });
    const deployer = all(production.json, "kubernetes_role_v1")[0];
    const verbs = deployer.rule.flatMap((rule: { verbs: string[] }) => rule.verbs);
    expect(verbs).not.toContain("*");
    expect(deployer.rule.flatMap((rule: { resources: string[] }) => rule.resources)).not.toContain("secrets");
  });

  it("releases frontend, backend and functions from the app-service chart, after the ingress controller", () => {
    const releases = ["frontend", "backend", "functions"].map((name) => release(production.json, name));
    for (const r of releases) {
      expect(r.chart).toMatch(/^assets\/app-service-chart\//);
      expect(r.namespace).toMatch(/cryptopulse|\$\{kubernetes_namespace_v1\./);
      expect(r.depends_on).toContain(`helm_release.${Object.keys(production.json.resource.helm_release).find((id) => id.startsWith("ingress_release"))}`);
    }
  });

  it("rolls the backend out only after the schema migration and its Secret", () => {
    const backend = release(production.json, "backend");
    const jobId = Object.keys(production.json.resource.kubernetes_job_v1)[0];
    expect(backend.depends_on).toEqual(expect.arrayContaining([`kubernetes_job_v1.${jobId}`, "kubernetes_secret_v1.backend-env"]));
    expect(release(production.json, "frontend").depends_on).not.toContain(`kubernetes_job_v1.${jobId}`);
  });
});

describe("the Helm values as the guardrails read them (constructs/core/yaml-document.ts)", () => {
  it("are served from memory as parse reads their text, for every values document", () => {
    // Built in this process, so that its documents are the ones remembered.
    expect(production.stack.stackName).toBe("cryptopulse-production-platform-fra1");
    const texts = all(production.json, "helm_release").flatMap((entry) => (entry.values as string[] | undefined) ?? []);
    expect(texts.length).toBeGreaterThan(10);
    // The generated documents are remembered as written: each app service's values, the largest (kube-prometheus-stack's rules).
    const written = [...["frontend", "backend", "functions"].map((name) => (release(production.json, name).values as string[])[0]), texts.reduce((a, b) => (b.length > a.length ? b : a))];
    expect(written.map(isRemembered)).toEqual([true, true, true, true]);
    expect(written[3].length).toBeGreaterThan(10_000);
    for (const text of texts) expect(isDeepStrictEqual(yamlData(text), parse(text))).toBe(true);
  });
});
