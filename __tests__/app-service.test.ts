import { RELEASE_DEFAULTS } from "../constructs/core/pinned-release";
import { existsSync, readFileSync, rmSync } from "fs";
import * as path from "path";
import { TerraformStack, Testing } from "cdktf";
import { parse as parseYaml } from "yaml";
import { Release } from "@cdktf/provider-helm/lib/release";
import { SecretV1 } from "@cdktf/provider-kubernetes/lib/secret-v1";
import { ConfigError, type EnvironmentConfig, type ServiceName } from "../config";
import { SEED_APP_ENV, SEED_FUNCTIONS_ENV, SEED_SERVICES } from "../config/seed";
import {
  AppService,
  appServiceValues,
  chartMetadata,
  RELEASE_TIMEOUT_SECONDS,
  type AppServiceInputs,
  type AppServiceProps,
} from "../constructs/platform/app-service";
import { evaluateStack } from "../guardrails";
import { environmentNamed, type TerraformJson } from "./helpers";
import { synthApp, synthJson } from "./synth";

const root = path.resolve(__dirname, "..");
const CHART = path.join(root, "charts", "app-service");
const SERVICES: readonly ServiceName[] = ["frontend", "backend", "functions"];
const ENVIRONMENTS = ["production", "staging"] as const;
const DIGEST = `sha256:${"ab12".repeat(16)}`;

/** What the platform stack passes for each service (database endpoints are illustrative). */
function inputsFor(service: ServiceName): AppServiceInputs {
  return {
    image: service === "functions"
      ? { repository: "registry.digitalocean.com/cryptopulse/functions", digest: DIGEST }
      : { repository: `registry.digitalocean.com/cryptopulse/${service}`, tag: "1.4.2" },
    secretName: `${service}-env`,
    databaseEgress: service === "frontend" ? [] : [{ cidr: "10.20.0.0/16", ports: [25060, 25061, 27017] }],
  };
}

function propsFor(environment: EnvironmentConfig, service: ServiceName, extra: Partial<AppServiceProps> = {}): AppServiceProps {
  return { environment, service, namespace: "cryptopulse", ...inputsFor(service), ...extra };
}

/** The release's values, parsed back from the YAML the release carries. */
function releaseValues(json: TerraformJson): TerraformJson {
  const release = Object.values(json.resource.helm_release as Record<string, TerraformJson>)[0];
  expect(release.values).toHaveLength(1);
  return parseYaml(release.values[0] as string) as TerraformJson;
}

const chartVersion = chartMetadata(CHART).version;

describe("appServiceValues", () => {
  const production = environmentNamed("production");
  const staging = environmentNamed("staging");

  it.each(SERVICES)("gives %s the guide's port, CPU and memory: memory request = limit, no CPU limit", (service) => {
    const values = appServiceValues(production, service, inputsFor(service));
    const seed = SEED_SERVICES[service];
    expect(values.port).toBe(seed.port);
    expect(values.resources).toEqual({
      requests: { cpu: `${seed.cpuMillicores}m`, memory: `${seed.memoryMiB}Mi` },
      limits: { memory: `${seed.memoryMiB}Mi` },
    });
  });

  it("uses the ports 3000, 1337 and 3001 and the guide's memory 2 Gi, 4 Gi and 512 Mi", () => {
    const of = (service: ServiceName) => appServiceValues(production, service, inputsFor(service));
    expect(SERVICES.map((service) => of(service).port)).toEqual([3000, 1337, 3001]);
    expect(SERVICES.map((service) => of(service).resources.limits.memory)).toEqual(["2048Mi", "4096Mi", "512Mi"]);
    expect(of("backend").resources.requests.cpu).toBe("2000m");
    expect(of("frontend").resources.requests.cpu).toBe("1000m");
  });

  it("scales 2-10 in production and 1-3 in staging, with the guide's targets and cooldowns", () => {
    for (const service of SERVICES) {
      const prod = appServiceValues(production, service, inputsFor(service)).autoscaling;
      const stage = appServiceValues(staging, service, inputsFor(service)).autoscaling;
      expect([prod.minReplicas, prod.maxReplicas]).toEqual([2, 10]);
      expect([stage.minReplicas, stage.maxReplicas]).toEqual([1, 3]);
      expect(prod).toMatchObject({
        enabled: true,
        targetCPUUtilizationPercentage: 70,
        targetMemoryUtilizationPercentage: 80,
        behavior: { scaleUp: { stabilizationWindowSeconds: 300 }, scaleDown: { stabilizationWindowSeconds: 600 } },
      });
    }
  });

  it("probes /health every 30 s with a 10 s timeout and 3 failures", () => {
    expect(appServiceValues(production, "backend", inputsFor("backend")).probes).toMatchObject({
      path: "/health",
      periodSeconds: 30,
      timeoutSeconds: 10,
      failureThreshold: 3,
    });
  });

  it("gives every service NODE_ENV and RATE_LIMIT_MAX_REQUESTS, the functions their timeouts, and no secret", () => {
    for (const service of SERVICES) {
      const values = appServiceValues(production, service, inputsFor(service));
      expect(values.env).toMatchObject({ NODE_ENV: "production", RATE_LIMIT_MAX_REQUESTS: "1000" });
      expect(values.envFromSecrets).toEqual([`${service}-env`]);
      expect(Object.keys(values.env)).not.toEqual(expect.arrayContaining(["DATABASE_URL"]));
      expect(Object.keys(values.env).filter((name) => /URL$|SECRET|PASSWORD|TOKEN/.test(name) && name !== "FUNCTIONS_URL")).toEqual([]);
    }
    expect(appServiceValues(production, "functions", inputsFor("functions")).env).toEqual({
      ...SEED_APP_ENV,
      NODE_MAJOR_VERSION: "24",
      EXCHANGE_API_TIMEOUT: "10000",
      PAYMENT_WEBHOOK_TIMEOUT: "5000",
      CACHE_TTL: "300000",
      FUNCTION_TIMEOUT_SECONDS: "30",
      FUNCTION_MAX_CONCURRENCY: "76",
    });
    expect(SEED_FUNCTIONS_ENV).toEqual({ EXCHANGE_API_TIMEOUT: "10000", PAYMENT_WEBHOOK_TIMEOUT: "5000", CACHE_TTL: "300000" });
    expect(appServiceValues(production, "backend", inputsFor("backend")).env.FUNCTIONS_URL).toBe("http://functions:3001");
  });

  it("serves the apex and app. from the frontend, api. from the backend, nothing from functions", () => {
    const hosts = (environment: EnvironmentConfig, service: ServiceName) => appServiceValues(environment, service, inputsFor(service)).ingress;
    expect(hosts(production, "frontend")).toMatchObject({ enabled: true, hosts: ["cryptopulse.com", "app.cryptopulse.com"] });
    expect(hosts(production, "backend")).toMatchObject({ enabled: true, hosts: ["api.cryptopulse.com"] });
    expect(hosts(production, "functions")).toMatchObject({ enabled: false, hosts: [] });
    expect(hosts(staging, "backend").hosts).toEqual(["api.cryptopulse-staging.com"]);
  });

  it("rate-limits the API at 10 r/s burst 20 and its auth paths at 5 r/s, with CORS for the app's own origins only", () => {
    const { ingress } = appServiceValues(production, "backend", inputsFor("backend"));
    expect(ingress.rateLimit).toEqual({ enabled: true, rps: 10, burstMultiplier: 2 });
    expect(ingress.authRoutes).toEqual({ enabled: true, paths: ["/api/auth", "/auth"], rateLimit: { rps: 5, burstMultiplier: 1 } });
    expect(ingress.cors).toEqual({ enabled: true, allowOrigins: ["https://cryptopulse.com", "https://app.cryptopulse.com"] });
    const frontend = appServiceValues(production, "frontend", inputsFor("frontend")).ingress;
    expect([frontend.rateLimit.enabled, frontend.cors.enabled, frontend.authRoutes.enabled]).toEqual([false, false, false]);
  });

  it("admits ingress-nginx to the public services, only the backend to functions, and monitoring everywhere", () => {
    const policy = (service: ServiceName) => appServiceValues(production, service, inputsFor(service)).networkPolicy;
    const ingressNginx = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } };
    const monitoring = { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } };
    const functionsPods = { matchLabels: { "app.kubernetes.io/name": "functions", "app.kubernetes.io/part-of": "cryptopulse" } };
    expect(policy("frontend").ingressFrom).toEqual([ingressNginx]);
    expect(policy("backend").ingressFrom).toEqual([ingressNginx]);
    expect(policy("functions").ingressFrom).toEqual([
      { podSelector: { matchLabels: { "app.kubernetes.io/name": "backend", "app.kubernetes.io/part-of": "cryptopulse" } } },
    ]);
    for (const service of SERVICES) expect(policy(service).metricsFrom).toEqual([monitoring]);
    expect(policy("backend").egress.pods).toEqual([{ podSelector: functionsPods, ports: [{ port: 3001, protocol: "TCP" }] }]);
    expect(policy("functions").egress.externalHttps.enabled).toBe(true);
    expect(policy("backend").egress.externalHttps.enabled).toBe(false);
    expect(policy("backend").egress.cidrs).toEqual([
      { cidr: "10.20.0.0/16", ports: [25060, 25061, 27017].map((port) => ({ port, protocol: "TCP" })) },
    ]);
  });

  it("places the pods on the app pool and tolerates its taint", () => {
    const values = appServiceValues(production, "backend", inputsFor("backend"));
    expect(values.nodeSelector).toEqual({ "cryptopulse.com/pool": "apps" });
    expect(values.tolerations).toEqual([{ key: "cryptopulse.com/dedicated", operator: "Equal", value: "apps", effect: "NoSchedule" }]);
    expect(values.affinity).toEqual({});
  });

  it("uses a node affinity over every app pool when there are several", () => {
    const twoPools: EnvironmentConfig = {
      ...production,
      cluster: { ...production.cluster, appPools: [...production.cluster.appPools, { name: "apps-b", size: "s-8vcpu-16gb", nodes: { minNodes: 1, maxNodes: 2 } }] },
    };
    const values = appServiceValues(twoPools, "backend", inputsFor("backend"));
    expect(values.nodeSelector).toEqual({});
    expect(values.affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: "cryptopulse.com/pool", operator: "In", values: ["apps", "apps-b"] }] }],
        },
      },
    });
    expect(values.tolerations.map((toleration) => toleration.value)).toEqual(["apps", "apps-b"]);
  });

  it("pulls from the account's registry with DOKS' registry secret", () => {
    expect(appServiceValues(production, "backend", inputsFor("backend")).imagePullSecrets).toEqual(["registry-cryptopulse"]);
    const elsewhere = { ...inputsFor("backend"), image: { repository: "ghcr.io/cryptopulse/backend", tag: "1.4.2" } };
    expect(appServiceValues(production, "backend", elsewhere).imagePullSecrets).toEqual([]);
  });

  it.each([
    ["latest", { repository: "registry.digitalocean.com/cryptopulse/backend", tag: "latest" }, 'image.tag = "latest"'],
    ["LATEST", { repository: "registry.digitalocean.com/cryptopulse/backend", tag: "LATEST" }, 'image.tag = "LATEST"'],
    ["no tag or digest", { repository: "registry.digitalocean.com/cryptopulse/backend" }, "neither is set"],
    ["a tag in the repository", { repository: "registry.digitalocean.com/cryptopulse/backend:1.0", tag: "1.0" }, "image.repository"],
    ["a malformed digest", { repository: "registry.digitalocean.com/cryptopulse/backend", digest: "sha256:xyz" }, "image.digest"],
  ])("refuses an image with %s", (_case, image, message) => {
    const error = (() => {
      try {
        appServiceValues(production, "backend", { ...inputsFor("backend"), image });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.join("\n")).toContain(message);
  });

  it("refuses a hostname on functions, none on a public service, and a malformed database egress target", () => {
    expect(() => appServiceValues(production, "functions", { ...inputsFor("functions"), hosts: ["fn.cryptopulse.com"] })).toThrow(/functions is internal/);
    expect(() => appServiceValues(production, "frontend", { ...inputsFor("frontend"), hosts: [] })).toThrow(/frontend is public and needs at least one hostname/);
    expect(() => appServiceValues(production, "backend", { ...inputsFor("backend"), databaseEgress: [{ cidr: "10.20.0.1/16", ports: [25060] }] })).toThrow(
      /databaseEgress\[0\]\.cidr/,
    );
    expect(() => appServiceValues(production, "backend", { ...inputsFor("backend"), databaseEgress: [{ cidr: "10.20.0.0/16", ports: [70000] }] })).toThrow(
      /databaseEgress\[0\]\.ports\[0\] = 70000: a port from 1 to 65535/,
    );
  });
});

describe("AppService", () => {
  describe.each(ENVIRONMENTS)("in %s", (name) => {
    const environment = environmentNamed(name);

    it.each(SERVICES)("installs %s as a pinned, atomic helm_release of the local chart", (service) => {
      const synthesized = Testing.synthScope((scope) => {
        new AppService(scope, `app-${service}`, propsFor(environment, service));
      });
      expect(synthesized).toHaveResourceWithProperties(Release, {
        name: service,
        namespace: "cryptopulse",
        create_namespace: false,
        chart: expect.stringMatching(/^assets\/app-service-chart\/[0-9A-F]+$/i),
        version: chartVersion,
        atomic: true,
        cleanup_on_fail: true,
        wait: true,
        timeout: RELEASE_TIMEOUT_SECONDS,
        max_history: RELEASE_DEFAULTS.maxHistory,
        lint: true,
      });
      const values = releaseValues(JSON.parse(synthesized) as TerraformJson);
      expect(values).toEqual(JSON.parse(JSON.stringify(appServiceValues(environment, service, inputsFor(service)))));
      const replicas = environment.services[service].replicas;
      expect([values.autoscaling.minReplicas, values.autoscaling.maxReplicas]).toEqual([replicas.min, replicas.max]);
    });
  });

  it("differs between production (2-10 replicas) and staging (1-3)", () => {
    const replicasIn = (name: string) =>
      releaseValues(JSON.parse(Testing.synthScope((scope) => new AppService(scope, "app-backend", propsFor(environmentNamed(name), "backend")))) as TerraformJson)
        .autoscaling;
    expect(replicasIn("production")).toMatchObject({ minReplicas: 2, maxReplicas: 10 });
    expect(replicasIn("staging")).toMatchObject({ minReplicas: 1, maxReplicas: 3 });
  });

  it("waits for what it depends on, e.g. the backend for the schema migration", () => {
    const json = JSON.parse(
      Testing.synthScope((scope) => {
        const secret = new SecretV1(scope, "backend-env", { metadata: { name: "backend-env", namespace: "cryptopulse" }, data: { JWT_SECRET: "${var.jwt_secret}" } });
        new AppService(scope, "app-backend", propsFor(environmentNamed("production"), "backend", { dependsOn: [secret] }));
      }),
    ) as TerraformJson;
    const release = Object.values(json.resource.helm_release as Record<string, TerraformJson>)[0];
    expect(release.depends_on).toEqual([expect.stringMatching(/^kubernetes_secret_v1\.[\w-]+$/)]);
  });

  it("ships one copy of the chart per stack, shared by the three releases, and passes the guardrails", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "platform");
    const environment = environmentNamed("production");
    const services = SERVICES.map((service) => new AppService(stack, `app-${service}`, propsFor(environment, service)));
    const json = synthJson(stack);
    const charts = Object.values(json.resource.helm_release as Record<string, TerraformJson>).map((release) => release.chart as string);
    expect(charts).toHaveLength(3);
    expect(new Set(charts).size).toBe(1);
    expect(services.every((service) => service.chart === services[0].chart)).toBe(true);

    const report = evaluateStack(stack, { tier: "production" });
    expect(report.results.filter((result) => result.status !== "pass")).toEqual([]);
    expect(report.results.filter((result) => result.rule.startsWith("CP-HELM")).length).toBe(9);
    // Nothing that looks like a credential travels in the values.
    expect(JSON.stringify(json)).not.toMatch(/postgres(ql)?:\/\/|rediss?:\/\/|JWT_SECRET|PASSWORD/i);
  });

  it("copies the chart into the stack's directory at synth, where the release's relative path finds it", () => {
    const { outdir, stacks } = synthApp((app) => {
      const stack = new TerraformStack(app, "platform");
      new AppService(stack, "app-backend", propsFor(environmentNamed("production"), "backend"));
    });
    const release = Object.values(stacks.platform.resource.helm_release as Record<string, TerraformJson>)[0];
    const copied = path.join(outdir, "stacks", "platform", release.chart as string);
    expect(readFileSync(path.join(copied, "Chart.yaml"), "utf8")).toBe(readFileSync(path.join(CHART, "Chart.yaml"), "utf8"));
    expect(existsSync(path.join(copied, "values.schema.json"))).toBe(true);
    expect(existsSync(path.join(copied, "templates", "deployment.yaml"))).toBe(true);
    rmSync(outdir, { recursive: true, force: true });
  });
});
