import { spawnSync } from "child_process";
import { plannedReleases } from "../scripts/lib/helm-releases.mjs";
import { crdSchemas, kubernetesSchemas, schemaFileName, servedApiVersions } from "../scripts/lib/kube-schemas.mjs";
import { applyExceptions, workloadFacts } from "../scripts/lib/workload-facts.mjs";
import { requireTool, toolboxOrPath } from "./tools";

/**
 * The manifest gate's parts (npm run test:manifests runs the whole of it on every release in CI): reading the
 * releases from a plan, the schemas it generates for kubeconform, the workload facts, and the Pod Security program.
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

describe("helm releases from a plan", () => {
  const plan = (after: Json, afterUnknown: Json = {}) => ({
    resource_changes: [{ address: "helm_release.x", type: "helm_release", mode: "managed", change: { after, after_unknown: afterUnknown } }],
  });
  const release = { name: "loki", namespace: "logging", chart: "loki", version: "18.11.0", repository: "http://127.0.0.1:1/charts", values: ["a: 1\n"] };

  it("takes the chart, version, namespace and values documents as planned", () => {
    expect(plannedReleases(plan(release), "/stack")).toEqual([
      expect.objectContaining({ name: "loki", namespace: "logging", chart: "loki", version: "18.11.0", localChart: null, values: ["a: 1\n"] }),
    ]);
    expect(plannedReleases(plan({ ...release, repository: null, chart: "assets/app-service-chart/X" }), "/stack")[0].localChart).toBe("/stack/assets/app-service-chart/X");
  });

  it("refuses values known only after apply, and settings it would not reproduce", () => {
    expect(() => plannedReleases(plan(release, { values: [true] }), "/stack")).toThrow("helm_release.x: values is known only after apply");
    expect(() => plannedReleases(plan({ ...release, set: [{ name: "a", value: "2" }] }), "/stack")).toThrow("helm_release.x: set is set");
  });
});

describe("kubeconform schemas", () => {
  const swagger = {
    paths: { "/apis/apps/v1/namespaces/{namespace}/deployments": {}, "/apis/apps/v1beta1/deployments": {}, "/api/v1/pods": {} },
    definitions: {
      "io.k8s.api.apps.v1.Deployment": {
        "x-kubernetes-group-version-kind": [{ group: "apps", version: "v1", kind: "Deployment" }],
        type: "object",
        properties: { spec: { $ref: "#/definitions/spec" } },
      },
      spec: {
        type: "object",
        properties: {
          replicas: { type: "integer" },
          port: { $ref: "#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString" },
          cpu: { $ref: "#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity" },
          labels: { type: "object", additionalProperties: { type: "string" } },
        },
      },
      "io.k8s.apimachinery.pkg.util.intstr.IntOrString": { type: "string", format: "int-or-string" },
      "io.k8s.apimachinery.pkg.api.resource.Quantity": { type: "string" },
    },
  };

  it("names files as kubeconform looks them up", () => {
    expect(schemaFileName("Deployment", "apps/v1")).toBe("deployment-apps-v1.json");
    expect(schemaFileName("Service", "v1")).toBe("service-v1.json");
    expect(schemaFileName("ServiceMonitor", "monitoring.coreos.com/v1")).toBe("servicemonitor-monitoring-v1.json");
  });

  it("serves GA versions only", () => {
    expect(servedApiVersions(swagger)).toEqual(["apps/v1", "v1"]);
  });

  it("is strict and standalone, and reads quantities and int-or-string as the API server does", () => {
    const { schema } = kubernetesSchemas(swagger, ["apps/v1"]).get("deployment-apps-v1.json")!;
    const spec = schema.definitions.spec;
    expect(spec.additionalProperties).toBe(false);
    expect(spec.properties.labels.additionalProperties).toEqual({ type: ["string", "null"] });
    expect(schema.definitions["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]).toEqual({ type: ["integer", "string", "null"] });
    expect(schema.definitions["io.k8s.apimachinery.pkg.api.resource.Quantity"]).toEqual({ type: ["string", "number", "null"] });
    expect(Object.keys(schema.definitions).sort()).toEqual(Object.keys(swagger.definitions).filter((name) => !name.startsWith("io.k8s.api.apps")).concat("io.k8s.api.apps.v1.Deployment").sort());
  });

  it("keeps unknown fields where a CRD preserves them, and refuses them elsewhere", () => {
    const crd = {
      metadata: { name: "things.example.com" },
      spec: {
        group: "example.com",
        names: { kind: "Thing" },
        versions: [
          {
            name: "v1",
            schema: {
              openAPIV3Schema: {
                type: "object",
                properties: { spec: { type: "object", properties: { free: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { a: { type: "string" } } }, port: { "x-kubernetes-int-or-string": true } } } },
              },
            },
          },
        ],
      },
    };
    const { schema } = crdSchemas([crd]).get("thing-example-v1.json")!;
    expect(schema.properties.spec.additionalProperties).toBe(false);
    expect(schema.properties.spec.properties.free.additionalProperties).toBeUndefined();
    expect(schema.properties.spec.properties.port).toEqual({ type: ["integer", "string", "null"] });
  });
});

describe("workload facts", () => {
  const container = (extra: Json = {}) => ({
    name: "app",
    image: "registry.example/app:1.2.3",
    resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { memory: "128Mi" } },
    livenessProbe: { httpGet: { path: "/", port: "http" } },
    readinessProbe: { httpGet: { path: "/", port: "http" } },
    ports: [{ name: "http", containerPort: 8080 }],
    ...extra,
  });
  const labels = { app: "web" };
  const deployment = (spec: Json = {}, c: Json = container()) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "apps" },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [c] } }, ...spec },
  });
  const service = (targetPort: Json) => ({ apiVersion: "v1", kind: "Service", metadata: { name: "web", namespace: "apps" }, spec: { selector: labels, ports: [{ name: "http", port: 80, targetPort }] } });
  const pdb = (spec: Json) => ({ apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "web", namespace: "apps" }, spec: { selector: { matchLabels: labels }, ...spec } });
  const hpa = (spec: Json) => ({
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: "web", namespace: "apps" },
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, minReplicas: 2, maxReplicas: 5, ...spec },
  });
  const problems = (objects: Json[], ownChart = false) => workloadFacts(objects, { ownChart }).filter((r: Json) => r.problem).map((r: Json) => `${r.fact}: ${r.object}: ${r.problem}`);

  it("passes a well-formed release", () => {
    expect(problems([deployment({}, container({ startupProbe: {} })), service("http"), pdb({ maxUnavailable: 1 }), hpa({})], true)).toEqual([]);
  });

  it.each([
    ["no memory limit", [deployment({}, container({ resources: { requests: { cpu: "1", memory: "1Gi" } } }))], "resources: apps/Deployment/web/app: no limits.memory"],
    ["no readiness probe", [deployment({}, container({ readinessProbe: undefined }))], "probes: apps/Deployment/web/app: no readinessProbe"],
    ["a floating tag", [deployment({}, container({ image: "registry.example/app:latest" }))], "image tags: apps/Deployment/web/app: image registry.example/app:latest is not pinned to a version tag or digest"],
    ["no tag", [deployment({}, container({ image: "registry.example/app" }))], "image tags: apps/Deployment/web/app: image registry.example/app is not pinned to a version tag or digest"],
    ["two replicas without a budget", [deployment({ replicas: 2 })], "disruption budget: apps/Deployment/web: 2 replicas and no PodDisruptionBudget selects them"],
    ["a budget that blocks drains", [deployment({ replicas: 2 }), pdb({ minAvailable: 2 })], "disruption budget: apps/Deployment/web: PodDisruptionBudget web lets no pod go (2 replicas): node drains would block"],
    ["an autoscaled workload without a budget", [deployment(), hpa({})], "disruption budget: apps/Deployment/web: 2 replicas and no PodDisruptionBudget selects them"],
    ["replicas fighting the autoscaler", [deployment({ replicas: 3 }), pdb({ maxUnavailable: 1 }), hpa({})], "autoscaler: apps/HorizontalPodAutoscaler/web: Deployment/web sets replicas (3): every upgrade would reset what the autoscaler chose"],
    ["no room to scale", [deployment(), pdb({ maxUnavailable: 1 }), hpa({ maxReplicas: 2 })], "autoscaler: apps/HorizontalPodAutoscaler/web: maxReplicas 2 leaves no room above minReplicas 2"],
    ["a flapping scale-down", [deployment(), pdb({ maxUnavailable: 1 }), hpa({ behavior: { scaleDown: { stabilizationWindowSeconds: 0 } } })], "autoscaler: apps/HorizontalPodAutoscaler/web: scale-down stabilization window 0 s (under 60 s): it would flap"],
    ["a service port no container has", [deployment(), service("metrics")], "service ports: apps/Service/web/http: port 80 targets metrics, which no selected container exposes"],
    ["a numeric port no container has", [deployment(), service(9090)], "service ports: apps/Service/web/http: port 80 targets 9090, which no selected container exposes"],
  ])("finds %s", (_, objects, problem) => {
    expect(problems(objects)).toEqual([problem]);
  });

  it("asks the project's own services for a startup probe", () => {
    expect(problems([deployment()], true)).toEqual(["probes: apps/Deployment/web/app: no startupProbe"]);
  });

  it("excuses a failure only where an exception names it, and reports exceptions that excuse nothing", () => {
    const results = workloadFacts([deployment({ replicas: 2 })], { ownChart: false });
    const exceptions = [
      { fact: "disruption budget", object: "apps/Deployment/*", reason: "why" },
      { fact: "probes", object: "apps/Deployment/web/app", reason: "why" },
    ];
    const judged = applyExceptions(results, exceptions);
    expect(judged.results.filter((r: Json) => r.problem && !r.excepted)).toEqual([]);
    expect(judged.unused).toEqual([exceptions[1]]);
  });
});

/** Where the manifest gate looks; the program only reads pods from its input, so it has no version to ask. */
const podSecurity = requireTool({ suite: "Pod Security program tests", requireVariable: "CRYPTOPULSE_REQUIRE_POD_SECURITY", lookup: () => toolboxOrPath("pod-security") });

podSecurity.describe("pod-security (k8s.io/pod-security-admission)", (binary) => {
  const run = (pods: Json[], version = "v1.35") => spawnSync(binary, ["-kubernetes-version", version], { input: JSON.stringify(pods), encoding: "utf8" });
  const hardened = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [{ name: "app", image: "app:1.0.0", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }],
  };
  const hostPath = { ...hardened, volumes: [{ name: "logs", hostPath: { path: "/var/log" } }] };
  const pod = (id: string, level: string, spec: Json) => ({ id, level, version: "latest", metadata: { name: id }, spec });

  it("admits by the level, as the admission plugin does", () => {
    const r = run([pod("hardened", "restricted", hardened), pod("host-path", "restricted", hostPath), pod("host-path-privileged", "privileged", hostPath), pod("bare", "baseline", { containers: [{ name: "c", image: "c:1" }] })]);
    expect(r.status).toBe(0);
    const verdicts = Object.fromEntries(JSON.parse(r.stdout).map((v: Json) => [v.id, v]));
    expect(verdicts.hardened).toMatchObject({ allowed: true, violations: [] });
    expect(verdicts["host-path"]).toMatchObject({ allowed: false, violations: [expect.stringContaining('restricted volume types (volume "logs" uses restricted volume type "hostPath")')] });
    expect(verdicts["host-path-privileged"].allowed).toBe(true);
    expect(verdicts.bare.allowed).toBe(true);
  });

  it("refuses a level or version it does not know, in one line", () => {
    expect(run([pod("x", "strict", hardened)]).stderr).toBe('pod-security: x: level "strict" must be one of privileged, baseline, restricted\n');
    expect(run([], "1.35").stderr).toBe('pod-security: -kubernetes-version: "1.35" must be v1.N\n');
  });
});
