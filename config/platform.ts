import { z } from "zod";
import { isPort, PORT_RULE } from "./port";
import { terraformVariableName } from "./terraform-variable";
import { uniqueList } from "./unique";

/**
 * The `platform` section of an environment: what runs inside the workload
 * cluster around the app services — images, the ingress controller, who may
 * do what in the cluster.
 */

/** `registry[:port]/path`; the port, if any, is the first group. */
const REPOSITORY_PATTERN = /^[a-z0-9.-]+(?::(\d+))?(\/[a-z0-9._-]+)+$/;

/** An image by immutable tag or by digest; a moving tag would deploy whatever was pushed last. */
export const imageSchema = z
  .strictObject({
    repository: z
      .string()
      .regex(REPOSITORY_PATTERN, "an image repository such as registry.digitalocean.com/cryptopulse/backend")
      .refine((repository) => {
        const port = REPOSITORY_PATTERN.exec(repository)?.[1]; // none where the pattern fails: its own line says why
        return port === undefined || isPort(Number(port));
      }, `the registry's port is out of range: ${PORT_RULE}`),
    tag: z
      .string()
      .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "a Docker tag")
      .refine((tag) => tag !== "latest", '"latest" moves under you; pin a release tag or a digest')
      .optional(),
    digest: z.string().regex(/^sha256:[a-f0-9]{64}$/, "a digest such as sha256:<64 hex digits>").optional(),
  })
  .superRefine((image, ctx) => {
    if (image.tag === undefined && image.digest === undefined) {
      ctx.addIssue({ code: "custom", path: ["tag"], message: "an image needs a tag or a digest" });
    }
  });

/**
 * Node.js LTS lines the app images may run on, with their end of life (the Node.js release
 * schedule, github.com/nodejs/Release). The guide's Node.js 18 reached its end of life on
 * 2025-04-30 and gets no security fixes; 20 followed on 2026-04-30. Drop a line here when it ends.
 */
export const NODE_LTS_END_OF_LIFE = { 22: "2027-04-30", 24: "2028-04-30" } as const;
const NODE_MAJORS = Object.keys(NODE_LTS_END_OF_LIFE).map(Number);

/**
 * The request timeout of the backend's public Ingress (helm-values/ingress-nginx.yaml,
 * proxy-read-timeout: the guide's 300 s): a function call that takes longer than that
 * outlives the API request that made it.
 */
export const API_PROXY_READ_TIMEOUT_SECONDS = 300;

/**
 * Pods a rollout may add above the replica count (the app Deployments' maxSurge, a percentage
 * Kubernetes rounds up), with maxUnavailable 0: during a rollout of a service at its maximum,
 * maxReplicas + surge pods serve at once.
 */
export const ROLLING_UPDATE_MAX_SURGE_PERCENT = 25;

/** The most pods of a service with at most `maxReplicas` that serve at once, a rollout's surge included. */
export function peakPods(maxReplicas: number): number {
  return maxReplicas + Math.ceil((maxReplicas * ROLLING_UPDATE_MAX_SURGE_PERCENT) / 100);
}

/**
 * Requests one functions pod may hold in flight, so that all of them together stay within
 * `maxConcurrentRequests` even at the HPA's maximum in the middle of a rollout.
 */
export function concurrencyPerPod(maxConcurrentRequests: number, maxReplicas: number): number {
  return Math.floor(maxConcurrentRequests / peakPods(maxReplicas));
}

/** Plain environment variables the app services get as they are (names as a shell writes them). */
const plainEnvironment = z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/, "an environment variable name: capitals, digits and underscores"), z.string());

/**
 * One of ingress-nginx's per-client-IP limits: requests a second and the burst above them, which
 * ingress-nginx takes as a whole multiple of the rate (limit-burst-multiplier).
 */
const ingressRateLimit = z
  .strictObject({ requestsPerSecond: z.int().min(1).max(10000), burst: z.int().min(1) })
  .refine((limit) => limit.burst % limit.requestsPerSecond === 0, { message: "burst must be a whole multiple of requestsPerSecond (ingress-nginx's burst multiplier)", path: ["burst"] });

const groupName = z.string().regex(/^[A-Za-z0-9:._@-]{1,128}$/, "a group name as the cluster's identity provider sends it");

export const platformSchema = z.strictObject({
  images: z.strictObject({ frontend: imageSchema, backend: imageSchema, functions: imageSchema }),
  /** The non-secret environment every app service gets (the guide's Backend Service → Environment Variables). */
  appEnvironment: plainEnvironment,
  ingress: z
    .strictObject({
      /** Controller replicas: the floor is also the PodDisruptionBudget's reason to exist. */
      minReplicas: z.int().min(1).max(20),
      maxReplicas: z.int().min(1).max(50),
      /** DigitalOcean load balancer size units (1 unit ≈ 10k connections/s). */
      loadBalancerSizeUnit: z.int().min(1).max(100),
      /** The guide's nginx rate limiting per client IP: the API's zone and the auth routes' zone. */
      rateLimits: z.strictObject({ api: ingressRateLimit, auth: ingressRateLimit }),
    })
    .superRefine((ingress, ctx) => {
      if (ingress.minReplicas > ingress.maxReplicas) {
        ctx.addIssue({ code: "custom", path: ["minReplicas"], message: `minReplicas must not exceed maxReplicas (${ingress.maxReplicas})` });
      }
    }),
  /** Identity-provider groups bound to the cluster roles (the guide's RBAC). */
  rbac: z.strictObject({
    /** Read-only access to the app namespace. */
    developerGroups: uniqueList(groupName, "developerGroups", "group"),
    /** What CI needs to roll out the app services. */
    deployerGroups: uniqueList(groupName, "deployerGroups", "group"),
  }),
  /** The Node.js major of every app image (they are built FROM node:<major>), given to the pods to check. */
  runtime: z.strictObject({
    nodeMajor: z.int().refine((major) => NODE_MAJORS.includes(major), {
      message: `a supported Node.js LTS major: ${Object.entries(NODE_LTS_END_OF_LIFE).map(([major, end]) => `${major} (until ${end})`).join(", ")}`,
    }),
  }),
  /** The API's sessions (Security Architecture → Application Security). */
  auth: z.strictObject({
    /** Lifetime of an issued JWT (the guide: 1 hour). Short: a stolen token is only good until then. */
    jwtExpiresInSeconds: z.int().min(60, "at least 60 s").max(86400, "at most 86400 s (one day): a longer-lived token outlives a revoked session"),
  }),
  /** Cloud Functions → Resource Allocation: per-call timeout and the service's concurrency. */
  functions: z.strictObject({
    /** A call is abandoned after this long: by the backend's client and by the function itself. */
    timeoutSeconds: z
      .int()
      .min(1, "at least 1 s")
      .max(API_PROXY_READ_TIMEOUT_SECONDS, `at most ${API_PROXY_READ_TIMEOUT_SECONDS} s: the API's Ingress cuts the request that calls the function after that`),
    /** Requests in flight across all functions pods at once, surge pods of a rollout included. */
    maxConcurrentRequests: z.int().min(1, "at least 1 request"),
    /** The functions' own environment (the guide's Function Configuration, milliseconds). */
    environment: plainEnvironment,
  }),
  /** Sensitive Terraform variables holding the app's own secrets. */
  secrets: z.strictObject({
    /** Signs the API's JWTs (the guide: 1-hour tokens). */
    jwtSecretVariable: terraformVariableName,
    /** Encrypts exchange credentials at rest (pgcrypto; at least 32 characters). */
    exchangeKeyVariable: terraformVariableName,
  }),
});

export type PlatformLayerConfig = z.output<typeof platformSchema>;
export type ImageConfig = z.output<typeof imageSchema>;
