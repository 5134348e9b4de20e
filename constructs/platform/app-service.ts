import { readFileSync } from "fs";
import * as path from "path";
import { TerraformStack, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { z } from "zod";
import { ConfigError, type EnvironmentConfig, type ServiceName } from "../../config";
import { appServiceValuesSchema, valueRules, type AppServiceValues } from "../../config/app-service-values";
import { parseCidr } from "../../config/cidr";
import { APP_POOL_LABEL, APP_POOL_TAINT } from "../../config/cluster";
import { projectPath } from "../../config/paths";
import { concurrencyPerPod, ROLLING_UPDATE_MAX_SURGE_PERCENT } from "../../config/platform";
import { schemaProblems } from "../../config/validate";
import { BACKEND_AUTH_PATHS } from "../core/app-routes";
import { DirectoryAsset } from "../core/directory-asset";
import { INGRESS_NAMESPACE, MONITORING_NAMESPACE } from "../core/namespaces";
import { SCALING_METRICS } from "./metrics-adapter";
import { PinnedRelease } from "../core/pinned-release";
import { namespaceNamed } from "../core/secure-namespace";
import { yamlData, yamlDocument } from "../core/yaml-document";

/**
 * The three CryptoPulse app services as releases of the local chart
 * `charts/app-service`. `appServiceValues` maps the environment's config to
 * the chart's values (a pure function, tested against `helm template`);
 * `AppService` ships the chart with the stack as an asset (DirectoryAsset) and installs
 * it as one helm_release.
 */

/** Where the chart lives, relative to the project root. */
export const CHART_PATH = path.join("charts", "app-service");



/** Seconds a terminating pod keeps serving, so ingress-nginx stops sending it requests first. */
export const PRE_STOP_SLEEP_SECONDS = 5;
/** Kubernetes' default grace period: enough for the web and API services' short requests. */
const DEFAULT_GRACE_SECONDS = 30;

/**
 * A rollout of up to 10 replicas, 25 % at a time, each pod given up to 5 minutes
 * by its startup probe in the worst case; typically an image pull and a boot,
 * about a minute per step. Matches the Deployment's progressDeadlineSeconds.
 */
export const RELEASE_TIMEOUT_SECONDS = 600;

/**
 * Where a service that reads PostgreSQL finds the clusters' CA certificate (a ConfigMap
 * mounted read-only): its connection URIs name it as `sslrootcert` with `sslmode=verify-full`,
 * and DATABASE_CA_FILE gives the same path to code that builds its TLS options itself.
 */
export const DATABASE_CA_DIR = "/etc/cryptopulse/database-ca";
export const DATABASE_CA_KEY = "ca.crt";
export const DATABASE_CA_FILE = `${DATABASE_CA_DIR}/${DATABASE_CA_KEY}`;

/** The pod label that shows the Node.js major the pods are meant to run (`kubectl get pods -L ...`). */
export const NODE_MAJOR_LABEL = "cryptopulse.com/node-major";

/**
 * The functions' HPA scales out once a pod holds this share of its concurrency cap: a pod can
 * never hold more than its cap, so a target at the cap itself would never be exceeded and the
 * HPA would not scale on requests in flight at all.
 */
export const SCALE_OUT_AT_CONCURRENCY_SHARE = 0.8;

/** What each service is and whom it talks to. */
interface ServiceTraits {
  /** app.kubernetes.io/component. */
  readonly component: string;
  /** Reached from the internet through ingress-nginx. */
  readonly public: boolean;
  /** The API: per-IP rate limits, a stricter one on its auth paths, and CORS for the app's origins. */
  readonly api: boolean;
  /** In-cluster services it calls. */
  readonly calls: readonly ServiceName[];
  /** May open HTTPS connections to the internet (exchange and payment APIs). */
  readonly externalHttps: boolean;
}

export const SERVICE_TRAITS: Readonly<Record<ServiceName, ServiceTraits>> = {
  frontend: { component: "web", public: true, api: false, calls: [], externalHttps: false },
  backend: { component: "api", public: true, api: true, calls: ["functions"], externalHttps: false },
  functions: { component: "functions", public: false, api: false, calls: [], externalHttps: true },
};

/** An image by immutable tag, by digest, or both (the digest then decides what runs). */
export interface ImageRef {
  /** Registry and repository without tag, e.g. registry.digitalocean.com/cryptopulse/backend. */
  readonly repository: string;
  readonly tag?: string;
  /** sha256:<64 hex digits>. */
  readonly digest?: string;
}

/** An address range outside the cluster a service may connect to, e.g. a database's private endpoint. */
export interface EgressTarget {
  /** IPv4 CIDR: the VPC range, or a /32 of one private address. */
  readonly cidr: string;
  readonly ports: readonly number[];
}

/** The deployment-specific inputs of a service's values: the third argument of appServiceValues. */
export interface AppServiceInputs {
  readonly image: ImageRef;
  /** The Secret whose keys become the container's environment (DATABASE_URL, REDIS_URL, JWT_SECRET, ...); none when the service needs no secret. */
  readonly secretName?: string;
  /** Hostnames served (see `defaultHosts`); none for functions, which is internal. */
  readonly hosts?: readonly string[];
  /** Database endpoints and ports the service may reach. */
  readonly databaseEgress?: readonly EgressTarget[];
  /** Pull secrets; `registry-<registry name>` (DOKS' registry integration) for images in the account's registry. */
  readonly imagePullSecrets?: readonly string[];
  /** The backend's path prefixes under the auth rate limit; BACKEND_AUTH_PATHS by default. */
  readonly authPaths?: readonly string[];
  /** Default INGRESS_NAMESPACE. */
  readonly ingressNamespace?: string;
  /** Default MONITORING_NAMESPACE. */
  readonly monitoringNamespace?: string;
  /** Labels the Prometheus serviceMonitorSelector matches. */
  readonly serviceMonitorLabels?: Readonly<Record<string, string>>;
  /** E.g. a hash of the Secret's version, so a rotated secret rolls the pods. */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /** The ConfigMap holding the database CA (key DATABASE_CA_KEY), mounted at DATABASE_CA_DIR; services that read PostgreSQL. */
  readonly databaseCaConfigMap?: string;
}

type LabelSelector = { readonly matchLabels: Readonly<Record<string, string>> };
type RateLimit = { readonly rps: number; readonly burstMultiplier: number };

const DOCR = "registry.digitalocean.com/";

/**
 * The guide's traffic triggers as per-pod HPA targets, served by prometheus-adapter
 * (constructs/platform/metrics-adapter.ts): requests in flight per pod above the queue length,
 * and each pod's p95 response time above the latency threshold, scale the service out.
 */
export function scalingPodMetrics(environment: EnvironmentConfig): { name: string; averageValue: string }[] {
  const { pendingRequests, latencySeconds } = environment.observability.thresholds;
  return [
    { name: SCALING_METRICS.requestsInFlight, averageValue: String(pendingRequests) },
    // In milli-units: the custom metrics API reports seconds, and 2 s is "2" or "2000m".
    { name: SCALING_METRICS.latencyP95, averageValue: `${Math.round(latencySeconds * 1000)}m` },
  ];
}

/**
 * Requests one functions pod holds in flight at most (FUNCTION_MAX_CONCURRENCY, which the app
 * enforces): the configured total shared over the most pods that serve at once.
 */
export function functionsConcurrencyPerPod(environment: EnvironmentConfig): number {
  return concurrencyPerPod(environment.platform.functions.maxConcurrentRequests, environment.services.functions.replicas.max);
}

/** scalingPodMetrics, with the functions' requests-in-flight target below their per-pod cap (SCALE_OUT_AT_CONCURRENCY_SHARE). */
function podMetricsOf(environment: EnvironmentConfig, service: ServiceName): { name: string; averageValue: string }[] {
  const metrics = scalingPodMetrics(environment);
  if (service !== "functions") return metrics;
  const belowCap = Math.max(1, Math.floor(functionsConcurrencyPerPod(environment) * SCALE_OUT_AT_CONCURRENCY_SHARE));
  return metrics.map((metric) =>
    metric.name === SCALING_METRICS.requestsInFlight ? { ...metric, averageValue: String(Math.min(Number(metric.averageValue), belowCap)) } : metric,
  );
}

/** `3600` → `"3600s"`: a duration both jsonwebtoken (vercel/ms) and jose read as seconds; a bare number string would be milliseconds to them. */
function durationSeconds(seconds: number): string {
  return `${seconds}s`;
}

/**
 * The plain environment of a service: the guide's shared settings, the Node.js major it must
 * run, the in-cluster URL and timeout of each service it calls, and its own settings (the
 * backend's JWT lifetime and database CA file, the functions' timeout and concurrency).
 * Credentials are never here: they come from the service's Secret.
 */
function serviceEnv(environment: EnvironmentConfig, service: ServiceName, inputs: AppServiceInputs): Record<string, string> {
  const { platform } = environment;
  const env: Record<string, string> = { ...platform.appEnvironment, NODE_MAJOR_VERSION: String(platform.runtime.nodeMajor) };
  for (const callee of SERVICE_TRAITS[service].calls) {
    env[`${callee.toUpperCase()}_URL`] = `http://${callee}:${environment.services[callee].port}`;
    // The caller gives up on a call when the function would: a hung function cannot time itself out.
    if (callee === "functions") env.FUNCTIONS_TIMEOUT_SECONDS = String(platform.functions.timeoutSeconds);
  }
  if (service === "backend") env.JWT_EXPIRES_IN = durationSeconds(platform.auth.jwtExpiresInSeconds);
  if (service === "functions") {
    Object.assign(env, platform.functions.environment, {
      FUNCTION_TIMEOUT_SECONDS: String(platform.functions.timeoutSeconds),
      FUNCTION_MAX_CONCURRENCY: String(functionsConcurrencyPerPod(environment)),
    });
  }
  if (inputs.databaseCaConfigMap !== undefined) env.DATABASE_CA_FILE = DATABASE_CA_FILE;
  return env;
}

/** The hosts a service serves: the apex and app. for the frontend, api. for the backend, none for functions. */
export function defaultHosts(environment: EnvironmentConfig, service: ServiceName): string[] {
  const { apex, app, api } = environment.domain;
  return { frontend: [apex, app], backend: [api], functions: [] }[service];
}

/** The origins the API answers cross-origin requests from: the app's own, over HTTPS. */
export function appOrigins(environment: EnvironmentConfig): string[] {
  return [...new Set([environment.domain.apex, environment.domain.app])].map((host) => `https://${host}`);
}

/** ingress-nginx expresses a burst as a multiple of the rate. */
function nginxRateLimit(limit: { readonly requestsPerSecond: number; readonly burst: number }): RateLimit {
  const burstMultiplier = limit.burst / limit.requestsPerSecond;
  if (!Number.isInteger(burstMultiplier) || burstMultiplier < 1) {
    throw new Error(`burst ${limit.burst} is not a whole multiple (>= 1) of ${limit.requestsPerSecond} r/s, which ingress-nginx needs`);
  }
  return { rps: limit.requestsPerSecond, burstMultiplier };
}

/** The inputs that become chart values, checked by the rules of those values, under the names the caller gave them. */
const inputRules = z.object({
  image: valueRules.image,
  secretName: valueRules.objectName.optional(),
  databaseCaConfigMap: valueRules.objectName.optional(),
  hosts: z.array(valueRules.hostname),
  databaseEgress: z.array(z.object({ cidr: valueRules.cidr, ports: z.array(valueRules.port).min(1, "at least one port") })).optional(),
});

function checkInputs(service: ServiceName, inputs: AppServiceInputs, image: AppServiceValues["image"], hosts: readonly string[]): void {
  const problems = schemaProblems(inputRules, { ...inputs, image, hosts });
  if (!SERVICE_TRAITS[service].public && hosts.length > 0) problems.push(`hosts: ${service} is internal and serves no hostname`);
  if (SERVICE_TRAITS[service].public && hosts.length === 0) problems.push(`hosts: ${service} is public and needs at least one hostname`);
  (inputs.databaseEgress ?? []).forEach((target, index) => {
    // A malformed CIDR is reported by its rule above; JSON Schema cannot see host bits.
    if (parseCidr(target.cidr)?.hostBitsSet) problems.push(`databaseEgress[${index}].cidr = ${JSON.stringify(target.cidr)}: host bits set; an IPv4 CIDR such as 10.20.0.0/16`);
  });
  if (problems.length > 0) throw new ConfigError(`app service ${service}`, problems);
}

/** Selects the pods of a service by the labels the chart gives them. */
function podsOf(service: ServiceName): LabelSelector {
  return { matchLabels: { "app.kubernetes.io/name": service, "app.kubernetes.io/part-of": "cryptopulse" } };
}

/** The app pools: a nodeSelector for one, a node affinity for several; tolerations for each pool's taint. */
function placement(environment: EnvironmentConfig): Required<Pick<AppServiceValues, "nodeSelector" | "affinity" | "tolerations">> {
  const pools = environment.cluster.appPools.map((pool) => pool.name);
  const tolerations = pools.map((pool) => ({ key: APP_POOL_TAINT.key, operator: "Equal" as const, value: pool, effect: APP_POOL_TAINT.effect }));
  if (pools.length === 1) return { nodeSelector: { [APP_POOL_LABEL]: pools[0] }, affinity: {}, tolerations };
  return {
    nodeSelector: {},
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: APP_POOL_LABEL, operator: "In", values: pools }] }],
        },
      },
    },
    tolerations,
  };
}

/**
 * The chart values of `service` in `environment`: a pure function of the
 * configuration and the deployment inputs, so the values can be rendered and
 * checked with `helm template` without synthesizing a stack. Throws a
 * ConfigError for an image without an immutable tag or digest, a hostname on
 * an internal service (or none on a public one), a malformed egress target or
 * CA ConfigMap name, and for any value the chart's schema (config/app-service-values.ts)
 * refuses, so a release never carries values values.schema.json would reject at apply.
 */
export function appServiceValues(environment: EnvironmentConfig, service: ServiceName, inputs: AppServiceInputs) {
  const config = environment.services[service];
  const traits = SERVICE_TRAITS[service];
  const hosts = [...(inputs.hosts ?? defaultHosts(environment, service))];
  const image = {
    repository: inputs.image.repository,
    ...(inputs.image.tag ? { tag: inputs.image.tag } : {}),
    ...(inputs.image.digest ? { digest: inputs.image.digest } : {}),
    pullPolicy: "IfNotPresent" as const,
  };
  checkInputs(service, inputs, image, hosts);

  const memory = `${config.memoryMiB}Mi`;
  const { healthCheck, autoscaling } = environment;
  const imagePullSecrets = [...(inputs.imagePullSecrets ?? (inputs.image.repository.startsWith(DOCR) ? [`registry-${environment.registry.name}`] : []))];
  const isApi = traits.api;

  // The keys the platform sets, typed as built (so callers see them present) and held to the chart's type.
  const values = {
    nameOverride: service,
    component: traits.component,
    partOf: "cryptopulse",
    image,
    imagePullSecrets,
    port: config.port,
    replicas: config.replicas.min,
    autoscaling: {
      enabled: true,
      minReplicas: config.replicas.min,
      maxReplicas: config.replicas.max,
      targetCPUUtilizationPercentage: autoscaling.cpuUtilizationPercent,
      targetMemoryUtilizationPercentage: autoscaling.memoryUtilizationPercent,
      podMetrics: podMetricsOf(environment, service),
      behavior: {
        scaleUp: { stabilizationWindowSeconds: autoscaling.scaleUpCooldownSeconds },
        scaleDown: { stabilizationWindowSeconds: autoscaling.scaleDownCooldownSeconds },
      },
    },
    podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
    // Memory: request = limit. CPU: a request and no limit (see values.yaml, resources).
    resources: { requests: { cpu: `${config.cpuMillicores}m`, memory }, limits: { memory } },
    probes: {
      path: healthCheck.path,
      periodSeconds: healthCheck.intervalSeconds,
      timeoutSeconds: healthCheck.timeoutSeconds,
      failureThreshold: healthCheck.retries,
      startup: { enabled: true, periodSeconds: 10, failureThreshold: 30 },
    },
    env: serviceEnv(environment, service, inputs),
    envFromSecrets: inputs.secretName === undefined ? [] : [inputs.secretName],
    configMapMounts: inputs.databaseCaConfigMap === undefined ? [] : [{ configMap: inputs.databaseCaConfigMap, mountPath: DATABASE_CA_DIR }],
    podAnnotations: { ...inputs.podAnnotations },
    podLabels: { [NODE_MAJOR_LABEL]: String(environment.platform.runtime.nodeMajor) },
    // The chart's own default, stated here because the functions' concurrency share counts the surge pods.
    rollingUpdate: { maxSurge: `${ROLLING_UPDATE_MAX_SURGE_PERCENT}%`, maxUnavailable: 0 },
    // Functions finish an in-flight call (up to their timeout, the guide's 30 s) after SIGTERM.
    terminationGracePeriodSeconds:
      service === "functions" ? environment.platform.functions.timeoutSeconds + PRE_STOP_SLEEP_SECONDS + 5 : DEFAULT_GRACE_SECONDS,
    preStopSleepSeconds: PRE_STOP_SLEEP_SECONDS,
    ...placement(environment),
    ingress: {
      enabled: traits.public,
      hosts,
      // The guide rate-limits the API; the frontend's static files sit behind Cloudflare's cache.
      rateLimit: { enabled: isApi, ...nginxRateLimit(environment.platform.ingress.rateLimits.api) },
      cors: { enabled: isApi, allowOrigins: isApi ? appOrigins(environment) : [] },
      authRoutes: {
        enabled: isApi,
        paths: isApi ? [...(inputs.authPaths ?? BACKEND_AUTH_PATHS)] : [],
        rateLimit: nginxRateLimit(environment.platform.ingress.rateLimits.auth),
      },
    },
    serviceMonitor: { enabled: true, labels: { ...inputs.serviceMonitorLabels } },
    networkPolicy: {
      enabled: true,
      ingressFrom: traits.public
        ? [namespaceNamed(inputs.ingressNamespace ?? INGRESS_NAMESPACE)]
        : (Object.keys(SERVICE_TRAITS) as ServiceName[])
            .filter((caller) => SERVICE_TRAITS[caller].calls.includes(service))
            .map((caller) => ({ podSelector: podsOf(caller) })),
      metricsFrom: [namespaceNamed(inputs.monitoringNamespace ?? MONITORING_NAMESPACE)],
      egress: {
        dns: { enabled: true },
        pods: traits.calls.map((callee) => ({
          podSelector: podsOf(callee),
          ports: [{ port: environment.services[callee].port, protocol: "TCP" as const }],
        })),
        cidrs: (inputs.databaseEgress ?? []).map((target) => ({
          cidr: target.cidr,
          ports: target.ports.map((port) => ({ port, protocol: "TCP" as const })),
        })),
        externalHttps: { enabled: traits.externalHttps },
      },
    },
  } satisfies AppServiceValues;
  const problems = schemaProblems(appServiceValuesSchema, values);
  if (problems.length > 0) throw new ConfigError(`app service ${service} values`, problems);
  return values;
}

/** The values as the YAML document the release passes to Helm. */
export function appServiceValuesYaml(values: AppServiceValues): string {
  return yamlDocument(values, { lineWidth: 0 });
}

/** The chart's name and version from its Chart.yaml: the release pins this version. */
export function chartMetadata(directory: string): { name: string; version: string } {
  const chart = yamlData(readFileSync(path.join(directory, "Chart.yaml"), "utf8")) as { name?: unknown; version?: unknown };
  if (typeof chart.name !== "string" || typeof chart.version !== "string") {
    throw new Error(`${directory}/Chart.yaml: name and version must be strings`);
  }
  return { name: chart.name, version: chart.version };
}

const ASSET_ID = "app-service-chart";

/** The chart, copied into the stack's directory at synth: one copy per stack, shared by every release in it. */
function chartAsset(scope: Construct, directory: string): DirectoryAsset {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(ASSET_ID);
  if (existing instanceof DirectoryAsset) {
    if (existing.directory !== path.resolve(directory)) {
      throw new Error(`${stack.node.id}: the app-service chart is already shipped from ${existing.directory}, not ${directory}`);
    }
    return existing;
  }
  return new DirectoryAsset(stack, ASSET_ID, directory);
}

export interface AppServiceProps extends AppServiceInputs {
  readonly environment: EnvironmentConfig;
  readonly service: ServiceName;
  /** The namespace the release installs into (it must exist; the release does not create it). */
  readonly namespace: string;
  /** E.g. the Secret named by `secretName`, and for the backend the schema migration job. */
  readonly dependsOn?: ITerraformDependable[];
  /** The chart's directory (a relative one from the working directory): the project's charts/app-service when absent. */
  readonly chartDirectory?: string;
  /** Seconds Helm waits for the release's objects (RELEASE_TIMEOUT_SECONDS by default). */
  readonly timeoutSeconds?: number;
}

/**
 * One app service: a helm_release of charts/app-service, named after the
 * service, with the chart's own version pinned, atomic with cleanup on
 * failure, a bounded history and the values of `appServiceValues`.
 *
 * Give it an id other than "backend" when its scope is the stack itself:
 * cdktf names a stack's state backend "backend" (e.g. `app-backend`).
 */
export class AppService extends Construct {
  readonly release: PinnedRelease;
  readonly values: ReturnType<typeof appServiceValues>;
  readonly chart: DirectoryAsset;

  constructor(scope: Construct, id: string, props: AppServiceProps) {
    super(scope, id);
    const directory = props.chartDirectory ?? projectPath(CHART_PATH);
    const { version } = chartMetadata(directory);
    this.values = appServiceValues(props.environment, props.service, props);
    this.chart = chartAsset(this, directory);
    this.release = new PinnedRelease(this, "release", {
      name: props.service,
      namespace: props.namespace,
      createNamespace: false,
      // A path inside the stack's directory: the chart travels with the synthesized stack.
      chart: this.chart.path,
      // The chart's own version, which the provider compares with the chart at that path.
      version,
      values: [appServiceValuesYaml(this.values)],
      timeout: props.timeoutSeconds ?? RELEASE_TIMEOUT_SECONDS,
      lint: true,
      description: `CryptoPulse ${props.service} (${props.environment.name})`,
      dependsOn: props.dependsOn,
    });
  }
}
