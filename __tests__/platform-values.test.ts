import { readFileSync } from "fs";
import { parse } from "yaml";
import { projectPath } from "../config/paths";
import { INGRESS_NGINX_CHART, ingressOverrides } from "../constructs/platform/ingress-controller";
import { METRICS_SERVER_CHART, metricsServerValues } from "../constructs/platform/metrics-server";
import { metricsAdapterValues, PROMETHEUS_ADAPTER_CHART } from "../constructs/platform/metrics-adapter";
import { KUBE_PROMETHEUS_STACK_CHART, monitoringValues, scrapeValues } from "../constructs/observability/monitoring";
import { backupAlertRules } from "../constructs/backup/backup-jobs";
import { FLUENT_BIT_CHART, fluentBitValues, LOKI_CHART, LOKI_DATASOURCE, lokiValues } from "../constructs/observability/logging";
import { environmentNamed, ingressPropsOf } from "./helpers";

/**
 * Every key this project sets must exist in the pinned chart version's
 * values.yaml (a misspelled key is silently ignored by Helm). The charts' key
 * paths are recorded in helm-values/<chart>.keys.txt by scripts/chart-keys.mjs.
 */
function chartKeys(chart: string) {
  const lines = readFileSync(projectPath(`helm-values/${chart}.keys.txt`), "utf8").split("\n");
  const header = lines[0];
  const keys = new Set(lines.filter((line) => line && !line.startsWith("#")));
  return { header, keys };
}

/** The key paths a values object sets (leaves and lists), e.g. controller.config.hsts. */
function pathsOf(value: unknown, prefix = ""): string[] {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, inner]) => pathsOf(inner, prefix ? `${prefix}.${key}` : key));
  }
  return [prefix];
}

/** Kubernetes objects the charts pass through whole (`toYaml`): their inner fields are Kubernetes', not the chart's. */
const KUBERNETES_OBJECTS = new Set(["resources", "securityContext", "containerSecurityContext", "podSecurityContext", "affinity", "nodeSelector"]);

/**
 * A path is known when the chart has it, when it sits below a free-form map
 * (`{}` in the chart), or below a Kubernetes object the chart has, or below
 * one of `passThrough`: keys whose value is another program's own configuration.
 */
function unknownPaths(values: unknown, keys: Set<string>, passThrough: readonly string[] = []): string[] {
  return pathsOf(values).filter((path) => {
    if (keys.has(path)) return false;
    if (passThrough.some((prefix) => keys.has(prefix) && path.startsWith(`${prefix}.`))) return false;
    const segments = path.split(".");
    return !segments.some((segment, i) => {
      const prefix = segments.slice(0, i + 1).join(".");
      return keys.has(`${segments.slice(0, i).join(".")}${i ? "." : ""}{}`) || (i < segments.length - 1 && KUBERNETES_OBJECTS.has(segment) && keys.has(prefix));
    });
  });
}

const fakeRanges = { ipv4Cidrs: ["173.245.48.0/20"], ipv6Cidrs: ["2400:cb00::/32"] };

describe("Helm values against the pinned charts", () => {
  const ingress = chartKeys("ingress-nginx");
  const metrics = chartKeys("metrics-server");

  it("records the key lists of exactly the pinned chart versions", () => {
    expect(ingress.header).toContain(`ingress-nginx chart ${INGRESS_NGINX_CHART.version}`);
    expect(metrics.header).toContain(`metrics-server chart ${METRICS_SERVER_CHART.version}`);
  });

  it("the ingress-nginx base values use only keys of the chart", () => {
    const base = parse(readFileSync(projectPath(INGRESS_NGINX_CHART.baseValues), "utf8"));
    expect(unknownPaths(base, ingress.keys)).toEqual([]);
  });

  it.each(["production", "staging"])("the %s ingress-nginx overrides use only keys of the chart", (name) => {
    const environment = environmentNamed(name);
    const overrides = ingressOverrides(
      ingressPropsOf(environment, environment.primaryRegion.vpcCidr),
      fakeRanges as never,
      "ingress-nginx/origin-tls",
    );
    expect(unknownPaths(overrides, ingress.keys)).toEqual([]);
  });

  it("the metrics-server values use only keys of the chart", () => {
    expect(unknownPaths(metricsServerValues({ replicas: 2 }), metrics.keys)).toEqual([]);
  });

  it("catches a misspelled key", () => {
    expect(unknownPaths({ controller: { replicaCont: 2, config: { anything: "x" } } }, ingress.keys)).toEqual(["controller.replicaCont"]);
  });

  it("carries the guide's nginx settings in the base values", () => {
    const { controller } = parse(readFileSync(projectPath(INGRESS_NGINX_CHART.baseValues), "utf8"));
    expect(controller.config).toMatchObject({
      "ssl-protocols": "TLSv1.2 TLSv1.3",
      hsts: "true",
      "hsts-max-age": "31536000",
      "hsts-include-subdomains": "true",
      "upstream-keepalive-connections": "32",
      "proxy-read-timeout": "300",
      "proxy-connect-timeout": "75",
      "limit-req-status-code": "429",
      "server-tokens": "false",
    });
    expect(controller.addHeaders).toMatchObject({ "X-Frame-Options": "SAMEORIGIN", "X-Content-Type-Options": "nosniff", "X-XSS-Protection": "1; mode=block" });
    expect(controller.allowSnippetAnnotations).toBe(false);
    expect(controller.metrics.enabled).toBe(true);
  });

  describe("ingress-nginx's ConfigMap settings (controller.config)", () => {
    /** The keys controller v1.15.1 reads, recorded from its sources (see the file's header). */
    const recorded = chartKeys("ingress-nginx.config");
    const base = parse(readFileSync(projectPath(INGRESS_NGINX_CHART.baseValues), "utf8"));

    it("records the keys of the controller the pinned chart runs", () => {
      expect(recorded.header).toContain(`chart ${INGRESS_NGINX_CHART.version}`);
    });

    it("the base values set only keys the controller reads", () => {
      expect(Object.keys(base.controller.config).filter((key) => !recorded.keys.has(key))).toEqual([]);
    });

    it.each(["production", "staging"])("the %s overrides set only keys the controller reads", (name) => {
      const environment = environmentNamed(name);
      const { config } = ingressOverrides(ingressPropsOf(environment, environment.primaryRegion.vpcCidr), fakeRanges as never, "ingress-nginx/origin-tls").controller;
      expect(Object.keys(config).filter((key) => !recorded.keys.has(key))).toEqual([]);
    });
  });

  describe("kube-prometheus-stack", () => {
    const monitoring = chartKeys("kube-prometheus-stack");
    /** Alertmanager's own configuration file, which the chart renders whole (checked in observability.test.ts). */
    const PASS_THROUGH = ["alertmanager.config"];

    it("records the key list of exactly the pinned chart version", () => {
      expect(monitoring.header).toContain(`kube-prometheus-stack chart ${KUBE_PROMETHEUS_STACK_CHART.version}`);
    });

    it("the base values use only keys of the chart and its subcharts", () => {
      const base = parse(readFileSync(projectPath(KUBE_PROMETHEUS_STACK_CHART.baseValues), "utf8"));
      expect(unknownPaths(base, monitoring.keys)).toEqual([]);
    });

    it.each(["production", "staging"])("the %s overrides use only keys of the chart", (name) => {
      const { observability, alerts } = environmentNamed(name);
      expect(unknownPaths(monitoringValues({ observability, alerts, ruleGroups: { backups: [backupAlertRules("backups", 6)] }, dataSources: [LOKI_DATASOURCE] }), monitoring.keys, PASS_THROUGH)).toEqual([]);
      expect(unknownPaths(scrapeValues({ username: "u", targets: ["https://db:9273/metrics"] }), monitoring.keys)).toEqual([]);
    });

    it("catches a misspelled key", () => {
      expect(unknownPaths({ prometheus: { prometheusSpec: { retension: "1d" } }, alertmanager: { config: { anything: 1 } } }, monitoring.keys, PASS_THROUGH)).toEqual([
        "prometheus.prometheusSpec.retension",
      ]);
    });

    it("sets requests and limits on every component", () => {
      const base = parse(readFileSync(projectPath(KUBE_PROMETHEUS_STACK_CHART.baseValues), "utf8"));
      const components = [
        base.prometheusOperator,
        base.prometheusOperator.prometheusConfigReloader,
        base.prometheusOperator.admissionWebhooks.patch,
        base.prometheus.prometheusSpec,
        base.alertmanager.alertmanagerSpec,
        base.grafana,
        base.grafana.sidecar,
        base["kube-state-metrics"],
        base["prometheus-node-exporter"],
      ];
      for (const component of components) {
        expect(component.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(component.resources.limits.memory).toEqual(expect.any(String));
      }
    });
  });

  describe("loki and fluent-bit", () => {
    const loki = chartKeys("loki");
    const fluentBit = chartKeys("fluent-bit");
    /**
     * Loki's own configuration blocks, which the chart passes to Loki (its schema marks them
     * additionalProperties): storage (bucketNames is only a comment in values.yaml) and limits_config.
     */
    const LOKI_PASS_THROUGH = ["loki.storage", "loki.limits_config"];

    it("records the key lists of exactly the pinned chart versions", () => {
      expect(loki.header).toContain(`loki chart ${LOKI_CHART.version}`);
      expect(fluentBit.header).toContain(`fluent-bit chart ${FLUENT_BIT_CHART.version}`);
    });

    it.each(["production", "staging"])("the %s Loki values use only keys of the chart", (name) => {
      const { observability, primaryRegion } = environmentNamed(name);
      expect(unknownPaths(lokiValues({ logs: observability.logs, bucket: "b", region: primaryRegion.slug }), loki.keys, LOKI_PASS_THROUGH)).toEqual([]);
    });

    it("the Fluent Bit values use only keys of the chart", () => {
      expect(unknownPaths(fluentBitValues(), fluentBit.keys)).toEqual([]);
    });

    it("catches a misspelled key", () => {
      expect(unknownPaths({ singleBinary: { replica: 1 }, loki: { storage: { bucketNames: {} } } }, loki.keys, LOKI_PASS_THROUGH)).toEqual(["singleBinary.replica"]);
    });
  });

  describe("prometheus-adapter", () => {
    const adapter = chartKeys("prometheus-adapter");

    it("records the key list of exactly the pinned chart version", () => {
      expect(adapter.header).toContain(`prometheus-adapter chart ${PROMETHEUS_ADAPTER_CHART.version}`);
    });

    it.each([1, 2])("the values with %i replica(s) use only keys of the chart", (replicas) => {
      expect(unknownPaths(metricsAdapterValues({ prometheusUrl: "http://prometheus", replicas }), adapter.keys)).toEqual([]);
    });
  });
});
