import { readFileSync } from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import type { ServiceName } from "../config";
import { REPLICA_PURPOSES } from "../config/data";
import { API_PROXY_READ_TIMEOUT_SECONDS, peakPods, ROLLING_UPDATE_MAX_SURGE_PERCENT } from "../config/platform";
import { DATABASE_CA_DIR, DATABASE_CA_FILE, DATABASE_CA_KEY, NODE_MAJOR_LABEL, PRE_STOP_SLEEP_SECONDS } from "../constructs/platform/app-service";
import { DATABASE_CA_CONFIG_MAP } from "../constructs/platform/app-inputs";
import { releaseNamed, resourcesOf, sharedEnvironment, type TerraformJson } from "./helpers";

/**
 * What the app services receive, read from the synthesized stacks: the read replicas' connections
 * on the backend, the guide's JWT lifetime, the functions' memory, timeout and concurrency, the
 * Node.js major; and docs/app-configuration.md's table of every variable, held to the code. The
 * chart rendered with these synthesized values: __tests__/app-service-chart.test.ts.
 */

const SERVICES: readonly ServiceName[] = ["frontend", "backend", "functions"];
const ROOT = path.resolve(__dirname, "..");
const REMOTE_OUTPUT = /^\$\{(?:urlencode\()?data\.terraform_remote_state\.[\w-]+\.outputs\.([\w-]+)\)?\}$/;

const synthesized = (name: "production" | "staging") => {
  const { stacks } = sharedEnvironment(name);
  return { platform: stacks[`cryptopulse-${name}-platform-fra1`], data: stacks[`cryptopulse-${name}-data-fra1`] };
};
const production = synthesized("production");
const staging = synthesized("staging");

const secretNamed = (json: TerraformJson, name: string) => resourcesOf(json, "kubernetes_secret_v1").find((secret) => secret.metadata.name === name)!;
const valuesOf = (json: TerraformJson, service: ServiceName): TerraformJson => parseYaml(releaseNamed(json, service).values[0] as string) as TerraformJson;
/** The data-stack outputs a value of the platform stack reads through remote state. */
const remoteOutputs = (value: string) => [...value.matchAll(/\$\{[^}]*\}/g)].map(([reference]) => REMOTE_OUTPUT.exec(reference)?.[1] ?? reference);

describe("the read replicas reach the backend", () => {
  const backend = secretNamed(production.platform, "backend-env");

  it.each(Object.entries(REPLICA_PURPOSES))("delivers the %s replica as %s, the app role verified against the cluster's CA", (purpose, variable) => {
    const uri = backend.data[variable] as string;
    expect(uri).toMatch(new RegExp(`^postgresql://\\$\\{[^}]+\\}:\\$\\{urlencode\\([^}]+\\)\\}@\\$\\{[^}]+\\}:\\$\\{[^}]+\\}/\\$\\{[^}]+\\}\\?sslmode=verify-full&sslrootcert=${DATABASE_CA_FILE}$`));
    const [user, password, host, port, database] = remoteOutputs(uri);
    const data = production.data.output;
    expect(data[host].value).toMatch(new RegExp(`^\\$\\{digitalocean_database_replica\\.postgres_replica-${purpose}_\\w+\\.private_host\\}$`));
    expect(data[port].value).toMatch(new RegExp(`^\\$\\{digitalocean_database_replica\\.postgres_replica-${purpose}_\\w+\\.port\\}$`));
    expect(data[user].value).toMatch(/^\$\{digitalocean_database_user\.postgres_user_\w+\.name\}$/);
    expect(data[password].value).toMatch(/^\$\{digitalocean_database_user\.postgres_user_\w+\.password\}$/);
    expect(data[database].value).toMatch(/^\$\{digitalocean_database_db\.postgres_database_\w+\.name\}$/);
    // Handed over as sensitive outputs: no password, host or port is a value in either stack's JSON.
    for (const name of [user, password, host, port, database]) expect(data[name]).toMatchObject({ sensitive: true });
  });

  it("gives them to no other service", () => {
    expect(Object.keys(secretNamed(production.platform, "functions-env").data).filter((key) => key.endsWith("DATABASE_URL"))).toEqual([]);
    for (const service of SERVICES) {
      expect(valuesOf(production.platform, service).configMapMounts.length).toBe(service === "backend" ? 1 : 0);
    }
  });

  it("mounts the PostgreSQL cluster's CA where the URIs' sslrootcert and DATABASE_CA_FILE point", () => {
    const [configMap] = resourcesOf(production.platform, "kubernetes_config_map_v1").filter((map) => map.metadata.name === DATABASE_CA_CONFIG_MAP);
    const ca = /^\$\{data\.digitalocean_database_ca\.([\w-]+)\.certificate\}$/.exec(configMap.data[DATABASE_CA_KEY] as string);
    expect(ca).not.toBeNull();
    const [clusterId] = remoteOutputs(production.platform.data.digitalocean_database_ca[ca![1]].cluster_id as string);
    expect(production.data.output[clusterId].value).toMatch(/^\$\{digitalocean_database_cluster\.postgres_primary_cluster_\w+\.id\}$/);

    const values = valuesOf(production.platform, "backend");
    expect(values.configMapMounts).toEqual([{ configMap: DATABASE_CA_CONFIG_MAP, mountPath: DATABASE_CA_DIR }]);
    expect(values.env.DATABASE_CA_FILE).toBe(`${DATABASE_CA_DIR}/${DATABASE_CA_KEY}`);
    expect(DATABASE_CA_FILE).toBe(values.env.DATABASE_CA_FILE);
    // The backend's pods start only once the file's ConfigMap exists.
    expect(releaseNamed(production.platform, "backend").depends_on).toContain(`kubernetes_config_map_v1.${DATABASE_CA_CONFIG_MAP}`);
  });
});

describe("the guide's application settings", () => {
  it("lets the backend's JWTs expire after the guide's hour", () => {
    expect(valuesOf(production.platform, "backend").env.JWT_EXPIRES_IN).toBe("3600s");
    expect(valuesOf(staging.platform, "backend").env.JWT_EXPIRES_IN).toBe("3600s");
    for (const service of ["frontend", "functions"] as const) expect(valuesOf(production.platform, service).env).not.toHaveProperty("JWT_EXPIRES_IN");
  });

  it("limits each functions container to 512 MiB and gives it, and its caller, the 30 s timeout", () => {
    const functions = valuesOf(production.platform, "functions");
    expect(functions.resources.limits.memory).toBe("512Mi");
    expect(functions.env.FUNCTION_TIMEOUT_SECONDS).toBe("30");
    expect(valuesOf(production.platform, "backend").env.FUNCTIONS_TIMEOUT_SECONDS).toBe("30");
    // A call in flight when the pod is told to stop may run to its end.
    expect(functions.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30 + PRE_STOP_SLEEP_SECONDS);
    const ingress = parseYaml(readFileSync(path.join(ROOT, "helm-values", "ingress-nginx.yaml"), "utf8")) as TerraformJson;
    expect(Number(ingress.controller.config["proxy-read-timeout"])).toBe(API_PROXY_READ_TIMEOUT_SECONDS);
  });

  it.each([
    ["production", production, 76],
    ["staging", staging, 250],
  ] as const)("holds the functions in %s to 1,000 requests in flight: the per-pod cap times the most pods, rollout surge included", (_name, stacks, perPod) => {
    const values = valuesOf(stacks.platform, "functions");
    const cap = Number(values.env.FUNCTION_MAX_CONCURRENCY);
    expect(cap).toBe(perPod);
    expect(values.rollingUpdate).toEqual({ maxSurge: `${ROLLING_UPDATE_MAX_SURGE_PERCENT}%`, maxUnavailable: 0 });
    const pods = peakPods(values.autoscaling.maxReplicas);
    expect(pods).toBe(values.autoscaling.maxReplicas + Math.ceil(values.autoscaling.maxReplicas / 4));
    expect(cap * pods).toBeLessThanOrEqual(1000);
    expect((cap + 1) * pods).toBeGreaterThan(1000);
    // The HPA can still scale on requests in flight: its target lies below what a pod can hold.
    const inFlight = values.autoscaling.podMetrics.find((metric: TerraformJson) => metric.name === "http_requests_in_flight");
    expect(Number(inFlight.averageValue)).toBeLessThan(cap);
  });

  it("tells every pod the Node.js major its image must run, 24, as an env and a label", () => {
    for (const service of SERVICES) {
      const values = valuesOf(production.platform, service);
      expect(values.env.NODE_MAJOR_VERSION).toBe("24");
      expect(values.podLabels).toEqual({ [NODE_MAJOR_LABEL]: "24" });
    }
  });
});

describe("docs/app-configuration.md", () => {
  /** Rows of the environment-variable table: [service, variable]. */
  const documented = readFileSync(path.join(ROOT, "docs", "app-configuration.md"), "utf8")
    .split("\n")
    .map((line) => /^\| (frontend|backend|functions) \| `([A-Z0-9_]+)` \|/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => `${match[1]} ${match[2]}`);

  it("lists every variable each service receives, and no other", () => {
    const received = SERVICES.flatMap((service) => {
      const values = valuesOf(production.platform, service);
      const secretKeys = (values.envFromSecrets as string[]).flatMap((name) => Object.keys(secretNamed(production.platform, name).data));
      // PORT is the chart's, from `port`.
      return ["PORT", ...Object.keys(values.env), ...secretKeys].map((variable) => `${service} ${variable}`);
    });
    expect([...documented].sort()).toEqual([...received].sort());
  });
});
