import { spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import type { EnvironmentConfig, ServiceName } from "../config";
import { SEED_SERVICES } from "../config/seed";
import { appServiceValues, appServiceValuesYaml, DATABASE_CA_DIR, DATABASE_CA_FILE, NODE_MAJOR_LABEL, type AppServiceInputs } from "../constructs/platform/app-service";
import { DATABASE_CA_CONFIG_MAP } from "../constructs/platform/app-inputs";
import { environmentNamed, releaseNamed, sharedEnvironment } from "./helpers";
import { requireTool, toolboxOrPath } from "./tools";

/**
 * The chart rendered by the real `helm` (the toolbox's pinned build, else
 * `helm` on PATH) with the values appServiceValues produces for each service
 * and environment, and refused with bad values. Without helm the suite is
 * skipped with a line at the end of the run; with CRYPTOPULSE_REQUIRE_HELM=1 (CI) it fails instead.
 */

const CHART = path.resolve(__dirname, "..", "charts", "app-service");
const SERVICES: readonly ServiceName[] = ["frontend", "backend", "functions"];
const ENVIRONMENTS = ["production", "staging"] as const;
const NAMESPACE = "cryptopulse";
const DIGEST = `sha256:${"0f".repeat(32)}`;
const DATABASES = { cidr: "10.20.0.0/16", ports: [25060, 25061, 27017] };

const HELM = requireTool({ suite: "helm chart tests", requireVariable: "CRYPTOPULSE_REQUIRE_HELM", lookup: () => toolboxOrPath("helm", ["version", "--short"]) });

interface HelmRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Kubernetes manifests are untyped here
type Manifest = Record<string, any>;

let scratch = "";
let files = 0;

/** Writes values to a file in this suite's own scratch directory (under the test run's TMPDIR). */
function writeValues(values: unknown): string {
  if (!scratch) scratch = mkdtempSync(path.join(tmpdir(), "cryptopulse-helm-"));
  const file = path.join(scratch, `values-${(files += 1)}.yaml`);
  writeFileSync(file, typeof values === "string" ? values : JSON.stringify(values));
  return file;
}

function runHelm(args: readonly string[]): HelmRun {
  const helm = HELM.tool;
  if (!helm) throw new Error("no helm binary");
  if (!scratch) scratch = mkdtempSync(path.join(tmpdir(), "cryptopulse-helm-"));
  const run = spawnSync(helm, args, { encoding: "utf8", env: { PATH: process.env.PATH, HOME: scratch, HELM_CACHE_HOME: scratch, HELM_CONFIG_HOME: scratch, HELM_DATA_HOME: scratch } });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** DOKS' Kubernetes version of the environment, e.g. 1.35.0 from the prefix "1.35.". */
function kubeVersion(environment: EnvironmentConfig): string {
  return `${environment.cluster.versionPrefix}0`;
}

function template(release: string, valuesFile: string, options: { kubeVersion?: string; apiVersions?: readonly string[]; extra?: readonly string[] } = {}): HelmRun {
  return runHelm([
    "template",
    release,
    CHART,
    "--namespace",
    NAMESPACE,
    "--values",
    valuesFile,
    "--kube-version",
    options.kubeVersion ?? "1.35.0",
    ...(options.apiVersions ?? []).flatMap((version) => ["--api-versions", version]),
    ...(options.extra ?? []),
  ]);
}

function manifestsOf(run: HelmRun): Manifest[] {
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  return parseAllDocuments(run.stdout)
    .map((document) => document.toJS() as Manifest | null)
    .filter((manifest): manifest is Manifest => manifest !== null);
}

function inputsFor(service: ServiceName): AppServiceInputs {
  return {
    image: service === "functions"
      ? { repository: "registry.digitalocean.com/cryptopulse/functions", tag: "2026.07.1", digest: DIGEST }
      : { repository: `registry.digitalocean.com/cryptopulse/${service}`, tag: "1.4.2" },
    secretName: `${service}-env`,
    databaseEgress: service === "frontend" ? [] : [DATABASES],
  };
}

/** The values of the platform's backend release in production, as plain JSON to mutate. */
function backendValues(): Manifest {
  return JSON.parse(JSON.stringify(appServiceValues(environmentNamed("production"), "backend", inputsFor("backend")))) as Manifest;
}

HELM.describe("app-service chart rendered by helm", () => {
  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  describe.each(ENVIRONMENTS)("in %s", (name) => {
    describe.each(SERVICES)("%s", (service) => {
      const environment = environmentNamed(name);
      const values = appServiceValues(environment, service, inputsFor(service));
      const seed = SEED_SERVICES[service];
      let valuesFile = "";
      let output = "";
      let manifests: Manifest[] = [];
      const kind = (wanted: string) => manifests.filter((manifest) => manifest.kind === wanted);
      const one = (wanted: string) => {
        const found = kind(wanted);
        expect(found).toHaveLength(1);
        return found[0];
      };
      const container = () => one("Deployment").spec.template.spec.containers[0];

      beforeAll(() => {
        valuesFile = writeValues(appServiceValuesYaml(values));
        const run = template(service, valuesFile, { kubeVersion: kubeVersion(environment) });
        output = run.stdout;
        manifests = manifestsOf(run);
      });

      it("passes helm lint --strict", () => {
        const run = runHelm(["lint", CHART, "--strict", "--namespace", NAMESPACE, "--values", valuesFile, "--kube-version", kubeVersion(environment)]);
        expect(run.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
        expect(run.status).toBe(0);
      });

      it("renders exactly the expected objects, all named after the service", () => {
        const expected = ["Deployment", "HorizontalPodAutoscaler", "NetworkPolicy", "PodDisruptionBudget", "Service", "ServiceAccount"];
        if (service === "frontend") expected.push("Ingress");
        if (service === "backend") expected.push("Ingress", "Ingress");
        expect(manifests.map((manifest) => manifest.kind).sort()).toEqual(expected.sort());
        for (const manifest of manifests) expect(manifest.metadata.name).toMatch(new RegExp(`^${service}(-auth)?$`));
      });

      it("runs the pinned image, never latest, with the guide's resources", () => {
        const image = service === "functions" ? `registry.digitalocean.com/cryptopulse/functions:2026.07.1@${DIGEST}` : `registry.digitalocean.com/cryptopulse/${service}:1.4.2`;
        expect(container().image).toBe(image);
        expect(output).not.toMatch(/:latest\b/i);
        expect(container().resources).toEqual({
          requests: { cpu: `${seed.cpuMillicores}m`, memory: `${seed.memoryMiB}Mi` },
          limits: { memory: `${seed.memoryMiB}Mi` },
        });
        expect(container().ports).toEqual([{ name: "http", containerPort: seed.port, protocol: "TCP" }]);
      });

      it("leaves the replica count to the HPA: no replicas field on the Deployment", () => {
        expect(one("Deployment").spec).not.toHaveProperty("replicas");
      });

      it("scales on CPU 70 %, memory 80 %, 100 requests in flight (functions in production: 60, below their cap of 76) and a 2 s p95 per pod, with 5 min up and 10 min down stabilization", () => {
        const hpa = one("HorizontalPodAutoscaler");
        const replicas = environment.services[service].replicas;
        expect(hpa.apiVersion).toBe("autoscaling/v2");
        expect(hpa.spec).toEqual({
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: service },
          minReplicas: replicas.min,
          maxReplicas: replicas.max,
          metrics: [
            { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
            { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } } },
            {
              type: "Pods",
              pods: { metric: { name: "http_requests_in_flight" }, target: { type: "AverageValue", averageValue: service === "functions" && name === "production" ? "60" : "100" } },
            },
            { type: "Pods", pods: { metric: { name: "http_request_duration_seconds_p95" }, target: { type: "AverageValue", averageValue: "2000m" } } },
          ],
          behavior: { scaleUp: { stabilizationWindowSeconds: 300 }, scaleDown: { stabilizationWindowSeconds: 600 } },
        });
        expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual(name === "production" ? [2, 10] : [1, 3]);
      });

      it("probes /health every 30 s, 10 s timeout, 3 failures, behind a startup probe", () => {
        const probe = { httpGet: { path: "/health", port: "http" }, periodSeconds: 30, timeoutSeconds: 10, failureThreshold: 3 };
        expect(container().readinessProbe).toEqual({ ...probe, successThreshold: 1 });
        expect(container().livenessProbe).toEqual(probe);
        expect(container().startupProbe).toEqual({ httpGet: { path: "/health", port: "http" }, periodSeconds: 10, timeoutSeconds: 10, failureThreshold: 30 });
      });

      it("runs under the restricted profile with a writable /tmp only", () => {
        const pod = one("Deployment").spec.template.spec;
        expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } });
        expect(container().securityContext).toEqual({
          runAsNonRoot: true,
          runAsUser: 1000,
          runAsGroup: 1000,
          privileged: false,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
          seccompProfile: { type: "RuntimeDefault" },
        });
        expect(container().volumeMounts).toEqual([{ name: "tmp", mountPath: "/tmp" }]);
        expect(pod.volumes).toEqual([{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }]);
      });

      it("never mounts a service account token", () => {
        expect(one("ServiceAccount").automountServiceAccountToken).toBe(false);
        const pod = one("Deployment").spec.template.spec;
        expect(pod.automountServiceAccountToken).toBe(false);
        expect(pod.serviceAccountName).toBe(service);
      });

      it("takes plain env from values and secrets from the Secret only", () => {
        const env = Object.fromEntries((container().env as { name: string; value: string }[]).map((variable) => [variable.name, variable.value]));
        expect(env).toMatchObject({ PORT: String(seed.port), NODE_ENV: "production", RATE_LIMIT_MAX_REQUESTS: "1000" });
        if (service === "functions") expect(env).toMatchObject({ EXCHANGE_API_TIMEOUT: "10000", PAYMENT_WEBHOOK_TIMEOUT: "5000", CACHE_TTL: "300000" });
        expect(Object.keys(env)).not.toEqual(expect.arrayContaining(["DATABASE_URL"]));
        expect(container().envFrom).toEqual([{ secretRef: { name: `${service}-env` } }]);
      });

      it("lets drains evict one pod at a time, never blocking them", () => {
        const pdb = one("PodDisruptionBudget");
        expect(pdb.spec).toEqual({
          maxUnavailable: 1,
          unhealthyPodEvictionPolicy: "AlwaysAllow",
          selector: { matchLabels: { "app.kubernetes.io/name": service, "app.kubernetes.io/instance": service } },
        });
      });

      it("runs on the app pool, spread over nodes (hard) and zones (soft)", () => {
        const pod = one("Deployment").spec.template.spec;
        expect(pod.nodeSelector).toEqual({ "cryptopulse.com/pool": "apps" });
        expect(pod.tolerations).toEqual([{ key: "cryptopulse.com/dedicated", operator: "Equal", value: "apps", effect: "NoSchedule" }]);
        const spread = pod.topologySpreadConstraints as Manifest[];
        expect(spread.map((constraint) => [constraint.topologyKey, constraint.whenUnsatisfiable])).toEqual([
          ["kubernetes.io/hostname", "DoNotSchedule"],
          ["topology.kubernetes.io/zone", "ScheduleAnyway"],
        ]);
        for (const constraint of spread) {
          expect(constraint).toMatchObject({ maxSkew: 1, nodeAffinityPolicy: "Honor", nodeTaintsPolicy: "Honor", matchLabelKeys: ["pod-template-hash"] });
        }
      });

      it("allows only its callers in and only DNS, its databases and its callees out", () => {
        const policy = one("NetworkPolicy").spec;
        const namespace = (label: string) => ({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": label } } });
        const pods = (app: string) => ({ podSelector: { matchLabels: { "app.kubernetes.io/name": app, "app.kubernetes.io/part-of": "cryptopulse" } } });
        const tcp = (port: number | string) => ({ port, protocol: "TCP" });
        expect(policy.podSelector).toEqual({ matchLabels: { "app.kubernetes.io/name": service, "app.kubernetes.io/instance": service } });
        expect(policy.policyTypes).toEqual(["Ingress", "Egress"]);
        const callers = service === "functions" ? [pods("backend")] : [namespace("ingress-nginx")];
        expect(policy.ingress).toEqual([
          { from: callers, ports: [tcp("http")] },
          { from: [namespace("monitoring")], ports: [tcp("http")] },
        ]);
        const dns = { to: [namespace("kube-system")], ports: [{ port: 53, protocol: "UDP" }, tcp(53)] };
        const databases = { to: [{ ipBlock: { cidr: DATABASES.cidr } }], ports: DATABASES.ports.map(tcp) };
        const expected: Record<ServiceName, Manifest[]> = {
          frontend: [dns],
          backend: [dns, { to: [pods("functions")], ports: [tcp(3001)] }, databases],
          functions: [
            dns,
            databases,
            { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"] } }], ports: [tcp(443)] },
          ],
        };
        expect(policy.egress).toEqual(expected[service]);
      });

      it("routes its hosts through ingress-nginx with the default certificate and the guide's limits", () => {
        const ingresses = kind("Ingress");
        const hosts = values.ingress.hosts;
        for (const ingress of ingresses) {
          expect(ingress.spec.ingressClassName).toBe("nginx");
          expect(ingress.spec.tls).toEqual([{ hosts }]);
          expect(ingress.spec.rules.map((rule: Manifest) => rule.host)).toEqual(hosts);
        }
        if (service === "functions") expect(ingresses).toEqual([]);
        if (service === "frontend") {
          expect(hosts).toEqual([environment.domain.apex, environment.domain.app]);
          expect(ingresses[0].metadata.annotations).toBeUndefined();
        }
        if (service === "backend") {
          const [api, auth] = ingresses;
          const origins = `https://${environment.domain.apex}, https://${environment.domain.app}`;
          expect(api.metadata.annotations).toMatchObject({
            "nginx.ingress.kubernetes.io/limit-rps": "10",
            "nginx.ingress.kubernetes.io/limit-burst-multiplier": "2",
            "nginx.ingress.kubernetes.io/enable-cors": "true",
            "nginx.ingress.kubernetes.io/cors-allow-origin": origins,
          });
          expect(auth.metadata.name).toBe("backend-auth");
          expect(auth.metadata.annotations).toMatchObject({
            "nginx.ingress.kubernetes.io/limit-rps": "5",
            "nginx.ingress.kubernetes.io/limit-burst-multiplier": "1",
            "nginx.ingress.kubernetes.io/cors-allow-origin": origins,
          });
          expect(auth.spec.rules[0].http.paths.map((route: Manifest) => [route.path, route.pathType])).toEqual([
            ["/api/auth", "Prefix"],
            ["/auth", "Prefix"],
          ]);
          expect(api.spec.rules[0].http.paths).toEqual([{ path: "/", pathType: "Prefix", backend: { service: { name: "backend", port: { name: "http" } } } }]);
        }
      });

      it("adds a ServiceMonitor only where the cluster serves monitoring.coreos.com/v1", () => {
        expect(kind("ServiceMonitor")).toEqual([]);
        const withCrds = manifestsOf(template(service, valuesFile, { kubeVersion: kubeVersion(environment), apiVersions: ["monitoring.coreos.com/v1"] }));
        const monitors = withCrds.filter((manifest) => manifest.kind === "ServiceMonitor");
        expect(monitors).toHaveLength(1);
        expect(monitors[0].spec).toEqual({
          selector: { matchLabels: { "app.kubernetes.io/name": service, "app.kubernetes.io/instance": service } },
          namespaceSelector: { matchNames: [NAMESPACE] },
          endpoints: [{ port: "http", path: "/metrics", interval: "30s", scrapeTimeout: "10s" }],
        });
      });
    });
  });

  describe("with autoscaling off", () => {
    it("sets the Deployment's replicas and renders no HPA", () => {
      const values = backendValues();
      values.autoscaling.enabled = false;
      values.replicas = 3;
      const manifests = manifestsOf(template("backend", writeValues(values)));
      expect(manifests.find((manifest) => manifest.kind === "Deployment")?.spec.replicas).toBe(3);
      expect(manifests.filter((manifest) => manifest.kind === "HorizontalPodAutoscaler")).toEqual([]);
    });
  });

  describe("with a metrics port of its own and another writable directory", () => {
    it("declares the port on the container and Service, opens it to monitoring only, and scrapes it", () => {
      const values = backendValues();
      values.metrics = { port: 9464, path: "/metrics" };
      values.writableDirs = [{ mountPath: "/app/.cache", sizeLimit: "128Mi" }];
      const manifests = manifestsOf(template("backend", writeValues(values), { apiVersions: ["monitoring.coreos.com/v1"] }));
      const find = (kind: string) => manifests.find((manifest) => manifest.kind === kind) as Manifest;
      const pod = find("Deployment").spec.template.spec;
      expect(pod.containers[0].ports).toEqual([
        { name: "http", containerPort: 1337, protocol: "TCP" },
        { name: "metrics", containerPort: 9464, protocol: "TCP" },
      ]);
      expect(find("Service").spec.ports).toEqual([
        { name: "http", port: 1337, targetPort: "http", protocol: "TCP" },
        { name: "metrics", port: 9464, targetPort: "metrics", protocol: "TCP" },
      ]);
      expect(find("NetworkPolicy").spec.ingress.map((rule: Manifest) => rule.ports)).toEqual([
        [{ port: "http", protocol: "TCP" }],
        [{ port: "metrics", protocol: "TCP" }],
      ]);
      expect(find("ServiceMonitor").spec.endpoints[0].port).toBe("metrics");
      expect(pod.containers[0].volumeMounts).toEqual([
        { name: "tmp", mountPath: "/tmp" },
        { name: "writable-0", mountPath: "/app/.cache" },
      ]);
      expect(pod.volumes[1]).toEqual({ name: "writable-0", emptyDir: { sizeLimit: "128Mi" } });
    });
  });

  describe("refuses bad values, naming the field", () => {
    type Mutation = (values: Manifest) => void;
    const cases: [string, Mutation, RegExp[]][] = [
      ["the latest tag", (v) => (v.image.tag = "latest"), [/at '\/image\/tag': 'not' failed/]],
      ["no tag and no digest", (v) => delete v.image.tag, [/at '\/image': 'anyOf' failed/, /missing property 'tag'/, /missing property 'digest'/]],
      ["an empty tag without digest", (v) => (v.image.tag = ""), [/at '\/image\/tag'/]],
      ["negative replicas", (v) => (v.replicas = -1), [/at '\/replicas': minimum: got -1, want 1/]],
      ["a port out of range", (v) => (v.port = 70000), [/at '\/port': maximum: got 70,?000, want 65,?535/]],
      ["a privileged port", (v) => (v.port = 80), [/at '\/port': minimum: got 80, want 1,?024/]],
      ["an unknown top-level key", (v) => (v.replicaCount = 3), [/additional properties 'replicaCount' not allowed/]],
      ["an unknown nested key", (v) => (v.autoscaling.targetCPU = 70), [/at '\/autoscaling': additional properties 'targetCPU' not allowed/]],
      ["a wrong type", (v) => (v.autoscaling.minReplicas = "2"), [/at '\/autoscaling\/minReplicas': got string, want integer/]],
      ["a number as env value", (v) => (v.env.LOG_LEVEL = 3), [/at '\/env\/LOG_LEVEL': got number, want string/]],
      ["missing resources", (v) => delete v.resources, [/missing property 'resources'/]],
      ["a memory limit missing", (v) => delete v.resources.limits.memory, [/at '\/resources\/limits': missing property 'memory'/]],
      ["GB as a memory unit", (v) => (v.resources.requests.memory = "4GB"), [/at '\/resources\/requests\/memory'/]],
      ["a secret in env", (v) => (v.env.JWT_SECRET = "not-in-values"), [/at '\/env\/JWT_SECRET': 'not' failed/]],
      ["a replica's connection URL in env", (v) => (v.env.ANALYTICS_DATABASE_URL = "postgresql://db/x"), [/at '\/env\/ANALYTICS_DATABASE_URL': 'not' failed/]],
      ["a ConfigMap mounted over /tmp", (v) => (v.configMapMounts = [{ configMap: "database-ca", mountPath: "/tmp" }]), [/at '\/configMapMounts\/0\/mountPath'/]],
      ["DATABASE_URL in env", (v) => (v.env.DATABASE_URL = "postgresql://app@db:25060/app"), [/at '\/env\/DATABASE_URL'/]],
      ["a password in a URL", (v) => (v.env.UPSTREAM = "https://user:hunter22@example.com"), [/at '\/env\/UPSTREAM': 'not' failed/]],
      ["a CORS wildcard", (v) => (v.ingress.cors.allowOrigins = ["*"]), [/at '\/ingress\/cors\/allowOrigins\/0'/]],
      ["an ingress without hosts", (v) => (v.ingress.hosts = []), [/at '\/ingress\/hosts': minItems: got 0, want 1/]],
      ["a PDB that blocks drains", (v) => (v.podDisruptionBudget.maxUnavailable = 0), [/at '\/podDisruptionBudget\/maxUnavailable'/]],
      ["a root user", (v) => (v.securityContext = { runAsUser: 0, runAsGroup: 0, fsGroup: 0 }), [/at '\/securityContext\/runAsUser': minimum: got 0, want 1/]],
      ["a malformed CIDR", (v) => (v.networkPolicy.egress.cidrs[0].cidr = "10.20.0.0/33"), [/at '\/networkPolicy\/egress\/cidrs\/0\/cidr'/]],
    ];

    it.each(cases)("refuses %s in helm template", (_case, mutate, messages) => {
      const values = backendValues();
      mutate(values);
      const run = template("backend", writeValues(values));
      expect(run.status).not.toBe(0);
      expect(run.stdout).toBe("");
      for (const message of messages) expect(run.stderr).toMatch(message);
    });

    it("refuses the latest tag in helm lint too", () => {
      const values = backendValues();
      values.image.tag = "latest";
      const run = runHelm(["lint", CHART, "--strict", "--values", writeValues(values)]);
      expect(run.status).not.toBe(0);
      expect(`${run.stdout}${run.stderr}`).toMatch(/at '\/image\/tag': 'not' failed/);
    });

    it("refuses minReplicas above maxReplicas, which the schema cannot compare, in the templates", () => {
      const values = backendValues();
      values.autoscaling.minReplicas = 5;
      values.autoscaling.maxReplicas = 3;
      const run = template("backend", writeValues(values));
      expect(run.status).not.toBe(0);
      expect(run.stderr).toMatch(/autoscaling\.minReplicas \(5\) must not exceed autoscaling\.maxReplicas \(3\)/);
    });

    it("still refuses latest and a missing tag when schema validation is skipped", () => {
      const latest = backendValues();
      latest.image.tag = "Latest";
      const skip = { extra: ["--skip-schema-validation"] };
      expect(template("backend", writeValues(latest), skip).stderr).toMatch(/image\.tag: "latest" is mutable/);
      const untagged = backendValues();
      delete untagged.image.tag;
      expect(template("backend", writeValues(untagged), skip).stderr).toMatch(/image: set image\.tag .* or image\.digest/);
    });

    it("refuses a preStop sleep as long as the grace period", () => {
      const values = backendValues();
      values.preStopSleepSeconds = 30;
      values.terminationGracePeriodSeconds = 30;
      expect(template("backend", writeValues(values)).stderr).toMatch(/preStopSleepSeconds \(30\) must be shorter than terminationGracePeriodSeconds \(30\)/);
    });
  });

  describe("with the values the platform stack synthesizes (production)", () => {
    let platform: Manifest = {};
    beforeAll(() => {
      platform = sharedEnvironment("production").stacks["cryptopulse-production-platform-fra1"];
    });
    const render = (service: ServiceName) => manifestsOf(template(service, writeValues(releaseNamed(platform, service).values[0] as string)));
    const deployment = (service: ServiceName) => render(service).find((manifest) => manifest.kind === "Deployment")!;

    it("mounts the database CA ConfigMap read-only into the backend and names the file in its environment", () => {
      const pod = deployment("backend").spec.template.spec;
      const volume = pod.volumes.find((candidate: Manifest) => candidate.configMap?.name === DATABASE_CA_CONFIG_MAP);
      expect(pod.containers[0].volumeMounts).toContainEqual({ name: volume.name, mountPath: DATABASE_CA_DIR, readOnly: true });
      expect(pod.containers[0].env).toEqual(expect.arrayContaining([
        { name: "DATABASE_CA_FILE", value: DATABASE_CA_FILE },
        { name: "JWT_EXPIRES_IN", value: "3600s" },
        { name: "FUNCTIONS_TIMEOUT_SECONDS", value: "30" },
      ]));
      expect(pod.containers[0].envFrom).toEqual([{ secretRef: { name: "backend-env" } }]);
      expect(deployment("frontend").spec.template.spec.volumes.filter((candidate: Manifest) => candidate.configMap)).toEqual([]);
    });

    it("runs each functions container with a 512Mi limit, its timeout and its concurrency cap, at most 10 pods plus 3 of surge", () => {
      const manifests = render("functions");
      const functions = manifests.find((manifest) => manifest.kind === "Deployment")!;
      const container = functions.spec.template.spec.containers[0];
      expect(container.resources.limits).toEqual({ memory: "512Mi" });
      expect(container.env).toEqual(expect.arrayContaining([
        { name: "FUNCTION_TIMEOUT_SECONDS", value: "30" },
        { name: "FUNCTION_MAX_CONCURRENCY", value: "76" },
      ]));
      expect(functions.spec.strategy.rollingUpdate).toEqual({ maxSurge: "25%", maxUnavailable: 0 });
      expect(manifests.find((manifest) => manifest.kind === "HorizontalPodAutoscaler")!.spec.maxReplicas).toBe(10);
    });

    it.each(SERVICES)("labels the %s pods with the Node.js major they must run", (service) => {
      const pod = deployment(service).spec.template;
      expect(pod.metadata.labels[NODE_MAJOR_LABEL]).toBe("24");
      expect(pod.spec.containers[0].env).toContainEqual({ name: "NODE_MAJOR_VERSION", value: "24" });
    });
  });
});
