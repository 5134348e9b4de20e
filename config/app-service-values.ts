import { isDeepStrictEqual } from "util";
import { z } from "zod";
import { PORT_RANGE } from "./port";
import { uniqueList } from "./unique";

/**
 * The values of the local chart charts/app-service, defined once. The zod schema
 * below is what the platform checks its values against at synth
 * (constructs/platform/app-service.ts), `AppServiceValues` is its TypeScript type, and
 * charts/app-service/values.schema.json, which Helm enforces on every lint,
 * template, install and upgrade, is generated from it by `npm run chart:schema`
 * (a test fails when the committed file is stale). values.yaml documents each key.
 *
 * It lives here and not in charts/app-service/ because that directory is shipped
 * as the stack's chart asset: every file in it is hashed into the release and
 * packaged by Helm. config/ is what the synth bundle, the type check and the
 * linter already cover, and it only needs zod, which config/schema.ts loads anyway.
 *
 * Every rule is written once, for both sides: a zod check with the message the
 * platform prints, and the JSON Schema keyword Helm applies. zod derives most
 * keywords itself; the helpers below add the ones it cannot (uniqueItems,
 * not, anyOf, if/then, patternProperties, minProperties) next to the check
 * that means the same. Rules JSON Schema cannot express across fields
 * (minReplicas <= maxReplicas, ...) stay in the chart's `app-service.validate`
 * template.
 */

/** JSON Schema keywords of one schema node. */
export type JsonSchema = { [keyword: string]: unknown };

/** The JSON Schema keywords zod cannot derive, and the ids of the shared definitions. */
const keywords = z.registry<JsonSchema>();

function withKeywords<Schema extends z.ZodType>(schema: Schema, added: JsonSchema): Schema {
  keywords.add(schema, { ...keywords.get(schema), ...added });
  return schema;
}

/** A pattern as written in values.schema.json, and the RegExp zod tests it with (JSON Schema patterns are unanchored searches, like RegExp.test). */
function pattern(source: string): RegExp {
  return new RegExp(source);
}

/** A string that must not match `source` (JSON Schema `not: { pattern }`). */
function notMatching(schema: z.ZodString, source: string, message: string): z.ZodString {
  const refused = pattern(source);
  return withKeywords(
    schema.refine((text) => !refused.test(text), message),
    { not: { pattern: source } },
  );
}

/** A string that must not be one of `refused` (JSON Schema `not: { enum }`). */
function noneOf(schema: z.ZodString, refused: readonly string[], message: string): z.ZodString {
  return withKeywords(
    schema.refine((text) => !refused.includes(text), message),
    { not: { enum: [...refused] } },
  );
}

/** A list without repeated entries (JSON Schema `uniqueItems`). */
function uniqueItems<Item extends z.ZodType>(item: Item, field: string, what: string) {
  return withKeywords(uniqueList(item, field, what), { uniqueItems: true });
}

/**
 * An object that sets at least one of `fields` to a non-empty string (JSON Schema
 * `anyOf` of one `required` each).
 */
function requiringOneOf<Schema extends z.ZodObject>(schema: Schema, fields: readonly string[], message: string): Schema {
  return withKeywords(
    schema.refine((object: Record<string, unknown>) => fields.some((field) => typeof object[field] === "string" && object[field] !== ""), { message }),
    { anyOf: fields.map((field) => ({ required: [field], properties: { [field]: { minLength: 1 } } })) },
  );
}

/** An object whose list `field` must have an entry when `enabled` is true (JSON Schema `if`/`then`). */
function requiredWhenEnabled<Schema extends z.ZodObject>(schema: Schema, field: string, message: string): Schema {
  return withKeywords(
    schema.superRefine((object: Record<string, unknown>, ctx) => {
      const list = object[field];
      if (object.enabled === true && !(Array.isArray(list) && list.length > 0)) ctx.addIssue({ code: "custom", path: [field], message });
    }),
    {
      if: { properties: { enabled: { const: true } }, required: ["enabled"] },
      then: { required: [field], properties: { [field]: { minItems: 1 } } },
    },
  );
}

/** An object with at least one key (JSON Schema `minProperties: 1`). */
function nonEmpty<Schema extends z.ZodObject>(schema: Schema, message: string): Schema {
  return withKeywords(
    schema.refine((object: object) => Object.keys(object).length > 0, { message }),
    { minProperties: 1 },
  );
}

const described = <Schema extends z.ZodType>(schema: Schema, description: string): Schema => withKeywords(schema, { description });

// -- Shared definitions ($ref'd from values.schema.json's `definitions`) --------------------------

const OBJECT_NAME = "^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$";
const LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$";
const LABEL_KEY = "^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$";
const CIDR =
  "^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])/([0-9]|[12][0-9]|3[0-2])$";
const URL_PATH = "^/[A-Za-z0-9._~/-]*$";
const MOUNT_PATH = "^/[A-Za-z0-9._/-]*$";

const between = (min: number, max: number, what: string) =>
  z.int(`${what}: a whole number`).min(min, `${what} from ${min} to ${max}`).max(max, `${what} from ${min} to ${max}`);
const atLeast = (min: number, what: string) => z.int(`${what}: a whole number`).min(min, `${what} at least ${min}`);

const port = between(PORT_RANGE.min, PORT_RANGE.max, "a port");
const unprivilegedPort = described(between(1024, PORT_RANGE.max, "a port"), "1024-65535: the container has no NET_BIND_SERVICE capability.");
const portList = z
  .array(
    z.strictObject({
      port,
      protocol: z.enum(["TCP", "UDP", "SCTP"]).optional(),
    }),
  )
  .min(1, "at least one port");
const percent = between(1, 100, "a percentage");
const intOrPercent = z.xor([atLeast(0, "a count"), z.string().regex(pattern("^([0-9]|[1-9][0-9]|100)%$"), "a count or a percentage such as 25%")]);
const nonRootId = between(1, 2147483647, "a non-root id");
const cpuQuantity = described(
  z.string().regex(pattern("^([1-9][0-9]*m|[0-9]+(\\.[0-9]{1,3})?)$"), "a CPU quantity: millicores (500m) or cores (2, 0.5)"),
  "Millicores (500m) or cores (2, 0.5).",
);
const memoryQuantity = described(
  z.string().regex(pattern("^[1-9][0-9]*(\\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$"), "a memory quantity such as 512Mi, 4Gi or 1G (GB and MB are not Kubernetes units)"),
  "Bytes with a binary or decimal suffix (512Mi, 4Gi, 1G); GB/MB are not Kubernetes units.",
);
const duration = z.string().regex(pattern("^[1-9][0-9]*(ms|s|m|h)$"), "a duration such as 30s, 500ms, 5m or 1h");
const urlPath = z.string().regex(pattern(URL_PATH), "an absolute URL path such as /health");
const hostname = z
  .string()
  .max(253, "a hostname is at most 253 characters")
  .regex(pattern("^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$"), "a lowercase DNS name such as api.cryptopulse.com");
const objectName = z.string().regex(pattern(OBJECT_NAME), "a Kubernetes object name: lowercase letters, digits, '-' and '.'");
const optionalLabelValue = z.string().regex(pattern(LABEL_VALUE), "a label value: up to 63 letters, digits, '-', '_' or '.', alphanumeric at both ends, or empty");
const stringMap = z.record(z.string(), z.string("a string"));
const labelMap = z.record(z.string().regex(pattern(LABEL_KEY), "a label key such as app.kubernetes.io/name"), optionalLabelValue);
const labelSelector = z.strictObject({
  matchLabels: labelMap.optional(),
  matchExpressions: z
    .array(
      z.strictObject({
        key: z.string(),
        operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"]),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});
const peer = described(
  nonEmpty(
    z.strictObject({
      namespaceSelector: labelSelector.optional(),
      podSelector: labelSelector.optional(),
    }),
    "a namespaceSelector and/or a podSelector",
  ),
  "A NetworkPolicyPeer without ipBlock: traffic arrives through in-cluster workloads only.",
);
const cidr = z.string().regex(pattern(CIDR), "an IPv4 CIDR such as 10.20.0.0/16");
const requestsPerSecond = between(1, 10000, "requests per second");
const burstMultiplier = between(1, 100, "a burst multiplier");
const scalingRules = z.strictObject({
  stabilizationWindowSeconds: between(0, 3600, "seconds").optional(),
  selectPolicy: z.enum(["Max", "Min", "Disabled"]).optional(),
  policies: z
    .array(
      z.strictObject({
        type: z.enum(["Pods", "Percent"]),
        value: atLeast(1, "a policy value"),
        periodSeconds: between(1, 1800, "seconds"),
      }),
    )
    .min(1, "at least one policy")
    .optional(),
});
/** An env name that may not appear at all: PORT (the chart sets it) and the names of credentials. */
const refusedEnvName = described(
  z.never(),
  "PORT is set from `port`; credentials belong in a Secret listed in envFromSecrets.",
);

/** The shared definitions, in the order values.schema.json lists them; the key is the definition's name. */
const DEFINITIONS = {
  port,
  unprivilegedPort,
  portList,
  percent,
  intOrPercent,
  nonRootId,
  cpuQuantity,
  memoryQuantity,
  duration,
  urlPath,
  hostname,
  objectName,
  optionalLabelValue,
  stringMap,
  labelMap,
  labelSelector,
  peer,
  cidr,
  requestsPerSecond,
  burstMultiplier,
  scalingRules,
  refusedEnvName,
} satisfies Record<string, z.ZodType>;
for (const [id, schema] of Object.entries(DEFINITIONS)) withKeywords(schema, { id });

// -- Values that are not shared ------------------------------------------------------------------

const kubernetesName = z.string().regex(pattern("^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)?$"), "a DNS label (lowercase letters, digits and '-', up to 63) or empty");
const mountPath = noneOf(
  z.string().regex(pattern(MOUNT_PATH), "an absolute path such as /app/.cache"),
  ["/", "/tmp"],
  "not / or /tmp (the root filesystem is read-only, /tmp is the chart's own mount)",
);
const replicaCount = between(1, 50, "replicas");
const probeSeconds = between(1, 300, "seconds");
const whenUnsatisfiable = z.enum(["DoNotSchedule", "ScheduleAnyway"]);

/** Names the chart refuses in `env`: PORT, connection URLs, and anything that names a credential (any case). */
const REFUSED_ENV_NAMES = [
  "^(PORT|([A-Z0-9_]+_)?DATABASE_URL|REDIS_URL|MONGODB_URI|MONGODB_URL|MONGO_URL)$",
  "([Pp][Aa][Ss][Ss][Ww][Oo][Rr][Dd]|[Pp][Aa][Ss][Ss][Ww][Dd]|[Ss][Ee][Cc][Rr][Ee][Tt]|[Tt][Oo][Kk][Ee][Nn]|[Aa][Pp][Ii]_?[Kk][Ee][Yy]|[Pp][Rr][Ii][Vv][Aa][Tt][Ee]_?[Kk][Ee][Yy]|[Cc][Rr][Ee][Dd][Ee][Nn][Tt][Ii][Aa][Ll][Ss]?)$",
] as const;
const ENV_NAME = "^[A-Za-z_][A-Za-z0-9_]*$";
/** A URL with a user and password: `scheme://user:password@host`. */
const PASSWORD_IN_URL = "://[^/@\\s:]+:[^/@\\s]+@";

/**
 * Plain environment variables. JSON Schema: every name matching a refused pattern
 * fails (`not: {}`), every other must be a variable name with a string value
 * without a password in it, and nothing else is allowed.
 */
const env = described(
  withKeywords(
    z.record(z.string(), z.string("a string")).superRefine((variables, ctx) => {
      for (const [name, value] of Object.entries(variables)) {
        if (REFUSED_ENV_NAMES.some((refused) => pattern(refused).test(name))) {
          ctx.addIssue({ code: "custom", path: [name], message: "PORT is set from `port`, and credentials belong in a Secret listed in envFromSecrets" });
        } else if (!pattern(ENV_NAME).test(name)) {
          ctx.addIssue({ code: "custom", path: [name], message: "not an environment variable name (letters, digits and _, not starting with a digit)" });
        } else if (pattern(PASSWORD_IN_URL).test(value)) {
          ctx.addIssue({ code: "custom", path: [name], message: "a URL with a password: put it in a Secret listed in envFromSecrets" });
        }
      }
    }),
    {
      patternProperties: {
        ...Object.fromEntries(REFUSED_ENV_NAMES.map((refused) => [refused, { $ref: "#/definitions/refusedEnvName" }])),
        [ENV_NAME]: { type: "string", not: { pattern: PASSWORD_IN_URL } },
      },
      additionalProperties: false,
    },
  ),
  "Plain, non-secret environment variables (strings). PORT comes from `port`; names that carry credentials and URLs with a password are refused: credentials go through envFromSecrets.",
);

const image = requiringOneOf(
  z.strictObject({
    repository: described(
      z
        .string()
        .min(1, "a registry and repository")
        .regex(
          pattern("^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]{1,5})?(/[a-z0-9]+([._-]+[a-z0-9]+)*)*$"),
          "a registry and repository without tag or digest, e.g. registry.digitalocean.com/cryptopulse/backend",
        ),
      "Registry and repository without tag or digest.",
    ),
    tag: described(
      notMatching(
        z.string().regex(pattern("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"), "not a valid image tag"),
        "^[Ll][Aa][Tt][Ee][Ss][Tt]$",
        "mutable; pin a release tag or a digest",
      ),
      "An immutable image tag; `latest` (any case) is rejected.",
    ).optional(),
    digest: described(z.string().regex(pattern("^sha256:[a-f0-9]{64}$"), "expected sha256:<64 hex digits>"), "A sha256 content digest.").optional(),
    pullPolicy: z.enum(["IfNotPresent", "Always"]).optional(),
  }),
  ["tag", "digest"],
  "set an immutable tag or a digest; neither is set",
);

const rateLimit = {
  rps: requestsPerSecond,
  burstMultiplier,
};

const ingress = requiredWhenEnabled(
  z.strictObject({
    enabled: z.boolean(),
    className: objectName.optional(),
    hosts: uniqueItems(hostname, "hosts", "hostname").optional(),
    path: urlPath.optional(),
    tls: z.boolean().optional(),
    annotations: stringMap.optional(),
    rateLimit: z.strictObject({ enabled: z.boolean(), ...rateLimit }).optional(),
    cors: requiredWhenEnabled(
      z.strictObject({
        enabled: z.boolean(),
        allowOrigins: described(
          uniqueItems(
            z.string().regex(pattern("^https?://[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:[0-9]{1,5})?$"), "an exact origin, scheme://host[:port], never *"),
            "allowOrigins",
            "origin",
          ),
          "Exact origins (scheme://host[:port]); no wildcard.",
        ).optional(),
        allowMethods: z.string().regex(pattern("^[A-Z]+(, ?[A-Z]+)*$"), "HTTP methods separated by commas, e.g. GET, POST").optional(),
        allowHeaders: z.string().regex(pattern("^[A-Za-z0-9-]+(, ?[A-Za-z0-9-]+)*$"), "header names separated by commas").optional(),
        allowCredentials: z.boolean().optional(),
        maxAge: between(0, 86400, "seconds").optional(),
      }),
      "allowOrigins",
      "at least one origin when CORS is enabled",
    ).optional(),
    authRoutes: requiredWhenEnabled(
      z.strictObject({
        enabled: z.boolean(),
        paths: uniqueItems(urlPath, "paths", "path").optional(),
        rateLimit: z.strictObject(rateLimit).optional(),
      }),
      "paths",
      "at least one path when the auth routes are enabled",
    ).optional(),
  }),
  "hosts",
  "at least one hostname when the ingress is enabled",
);

/** The chart's values: every key of charts/app-service/values.yaml, each object closed. */
export const appServiceValuesSchema = withKeywords(
  z.strictObject({
    global: described(z.record(z.string(), z.unknown()), "Helm's shared values for parent charts; unused here.").optional(),
    nameOverride: kubernetesName.optional(),
    fullnameOverride: kubernetesName.optional(),
    component: optionalLabelValue.optional(),
    partOf: optionalLabelValue.optional(),
    image,
    imagePullSecrets: uniqueItems(objectName, "imagePullSecrets", "pull secret").optional(),
    port: unprivilegedPort,
    metrics: z.strictObject({ port: unprivilegedPort.optional(), path: urlPath.optional() }).optional(),
    replicas: replicaCount.optional(),
    autoscaling: z
      .strictObject({
        enabled: z.boolean(),
        minReplicas: replicaCount,
        maxReplicas: replicaCount,
        targetCPUUtilizationPercentage: percent,
        targetMemoryUtilizationPercentage: percent.optional(),
        podMetrics: z
          .array(
            z.strictObject({
              name: z.string().regex(pattern("^[a-zA-Z_:][a-zA-Z0-9_:]*$"), "a Prometheus metric name"),
              averageValue: z.string().regex(pattern("^[0-9]+(\\.[0-9]+)?(m|k|M|G)?$"), "a quantity such as 100 or 2000m"),
            }),
          )
          .optional(),
        behavior: z.strictObject({ scaleUp: scalingRules.optional(), scaleDown: scalingRules.optional() }).optional(),
      })
      .optional(),
    podDisruptionBudget: z
      .strictObject({
        enabled: z.boolean(),
        maxUnavailable: described(
          z.xor([atLeast(1, "maxUnavailable"), z.string().regex(pattern("^([1-9][0-9]?|100)%$"), "a percentage from 1% to 100%")]),
          "At least 1 (or a percentage): a budget of 0 would block node drains.",
        ),
      })
      .optional(),
    resources: z.strictObject({
      requests: z.strictObject({ cpu: cpuQuantity, memory: memoryQuantity, "ephemeral-storage": memoryQuantity.optional() }),
      limits: z.strictObject({ cpu: cpuQuantity.optional(), memory: memoryQuantity, "ephemeral-storage": memoryQuantity.optional() }),
    }),
    probes: z
      .strictObject({
        path: urlPath,
        periodSeconds: probeSeconds,
        timeoutSeconds: probeSeconds,
        failureThreshold: between(1, 10, "failures"),
        startup: z
          .strictObject({
            enabled: z.boolean(),
            periodSeconds: probeSeconds.optional(),
            failureThreshold: between(1, 120, "failures").optional(),
          })
          .optional(),
      })
      .optional(),
    securityContext: described(
      z.strictObject({ runAsUser: nonRootId, runAsGroup: nonRootId, fsGroup: nonRootId }),
      "Only the ids are values; the rest of the restricted profile is fixed in the templates.",
    ).optional(),
    tmpDir: z.strictObject({ sizeLimit: memoryQuantity }).optional(),
    writableDirs: z.array(z.strictObject({ mountPath, sizeLimit: memoryQuantity })).optional(),
    configMapMounts: z.array(z.strictObject({ configMap: objectName, mountPath })).optional(),
    env: env.optional(),
    envFromSecrets: uniqueItems(objectName, "envFromSecrets", "Secret").optional(),
    podAnnotations: stringMap.optional(),
    podLabels: labelMap.optional(),
    serviceAccount: z.strictObject({ annotations: stringMap.optional() }).optional(),
    rollingUpdate: z.strictObject({ maxSurge: intOrPercent, maxUnavailable: intOrPercent }).optional(),
    revisionHistoryLimit: between(0, 50, "revisions").optional(),
    progressDeadlineSeconds: between(60, 3600, "seconds").optional(),
    terminationGracePeriodSeconds: between(1, 3600, "seconds").optional(),
    preStopSleepSeconds: between(0, 120, "seconds").optional(),
    nodeSelector: labelMap.optional(),
    tolerations: z
      .array(
        z.strictObject({
          key: z.string().optional(),
          operator: z.enum(["Equal", "Exists"]).optional(),
          value: z.string().optional(),
          effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
          tolerationSeconds: atLeast(0, "seconds").optional(),
        }),
      )
      .optional(),
    affinity: z
      .strictObject({
        nodeAffinity: z.record(z.string(), z.unknown()).optional(),
        podAffinity: z.record(z.string(), z.unknown()).optional(),
        podAntiAffinity: z.record(z.string(), z.unknown()).optional(),
      })
      .optional(),
    topologySpread: z
      .strictObject({
        enabled: z.boolean(),
        maxSkew: atLeast(1, "maxSkew"),
        nodes: z.strictObject({ whenUnsatisfiable: whenUnsatisfiable.optional() }).optional(),
        zones: z.strictObject({ enabled: z.boolean().optional(), whenUnsatisfiable: whenUnsatisfiable.optional() }).optional(),
      })
      .optional(),
    ingress: ingress.optional(),
    serviceMonitor: z
      .strictObject({
        enabled: z.boolean(),
        interval: duration.optional(),
        scrapeTimeout: duration.optional(),
        labels: labelMap.optional(),
      })
      .optional(),
    networkPolicy: z
      .strictObject({
        enabled: z.boolean(),
        ingressFrom: z.array(peer).optional(),
        metricsFrom: z.array(peer).optional(),
        egress: z
          .strictObject({
            dns: z
              .strictObject({ enabled: z.boolean(), namespaceSelector: labelSelector.optional(), podSelector: labelSelector.optional() })
              .optional(),
            pods: z.array(z.strictObject({ podSelector: labelSelector, namespaceSelector: labelSelector.optional(), ports: portList })).optional(),
            cidrs: z.array(z.strictObject({ cidr, except: z.array(cidr).optional(), ports: portList })).optional(),
            externalHttps: z
              .strictObject({ enabled: z.boolean(), ports: z.array(port).min(1, "at least one port").optional(), except: z.array(cidr).optional() })
              .optional(),
          })
          .optional(),
      })
      .optional(),
  }),
  {
    $id: "https://cryptopulse.com/charts/app-service/values.schema.json",
    title: "CryptoPulse app-service values",
    description: "Helm validates every install, upgrade, template and lint against this schema. values.yaml documents each key.",
  },
);

/** The chart's values, as the platform passes them to the release (keys left out take values.yaml's defaults). */
export type AppServiceValues = z.infer<typeof appServiceValuesSchema>;

/** The parts of the values schema that the platform's own inputs are checked with (constructs/platform/app-service.ts). */
export const valueRules = { image, objectName, hostname, cidr, port } as const;

// -- values.schema.json ------------------------------------------------------------------------------

/** Where the generated file lives, relative to the project root. */
export const VALUES_SCHEMA_FILE = "charts/app-service/values.schema.json";

/**
 * The order of keywords in each schema node: what it is (description, type), its
 * own constraints, then the schemas of its parts. Keywords a helper writes as a
 * whole (the `if` of an if/then, say) keep the order they are written in.
 */
const KEYWORD_ORDER = [
  // zod's own tag of a definition, removed once the definition is extracted.
  "id",
  "$schema",
  "$id",
  "title",
  "description",
  "type",
  "enum",
  "const",
  "minimum",
  "maximum",
  "minLength",
  "maxLength",
  "pattern",
  "not",
  "minItems",
  "items",
  "uniqueItems",
  "patternProperties",
  "propertyNames",
  "additionalProperties",
  "minProperties",
  "required",
  "anyOf",
  "oneOf",
  "if",
  "then",
  "properties",
  "$ref",
  "definitions",
];

const isReference = (value: unknown) => typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).join() === "$ref";
const isEmpty = (value: unknown) => typeof value === "object" && value !== null && Object.keys(value).length === 0;

/**
 * Drops what zod writes that says nothing to a validator, and puts the keywords in
 * KEYWORD_ORDER: the safe-integer bounds of z.int(), `type: "string"` on property
 * names (always strings), the empty schema as additionalProperties of an open map
 * (anything goes, as without it), the slashes RegExp#source escapes, and the
 * `allOf` draft-07 wraps around the reference of an optional shared definition
 * (one reference alone says the same).
 */
function tidy(node: JsonSchema): void {
  const wrapped = node.allOf;
  if (Array.isArray(wrapped) && wrapped.length === 1 && Object.keys(node).length === 1 && isReference(wrapped[0])) {
    delete node.allOf;
    Object.assign(node, wrapped[0]);
  }
  if (node.minimum === Number.MIN_SAFE_INTEGER) delete node.minimum;
  if (node.maximum === Number.MAX_SAFE_INTEGER) delete node.maximum;
  if (typeof node.pattern === "string") node.pattern = node.pattern.replaceAll("\\/", "/");
  const names = node.propertyNames as JsonSchema | undefined;
  if (names) {
    delete names.type;
    if (isEmpty(names)) delete node.propertyNames;
  }
  if (isEmpty(node.additionalProperties)) delete node.additionalProperties;
  const entries = Object.entries(node);
  const rank = (keyword: string) => {
    const index = KEYWORD_ORDER.indexOf(keyword);
    if (index === -1) throw new Error(`${VALUES_SCHEMA_FILE}: no place in KEYWORD_ORDER for the keyword ${keyword}`);
    return index;
  };
  entries.sort(([a], [b]) => rank(a) - rank(b));
  for (const [keyword] of entries) delete node[keyword];
  Object.assign(node, Object.fromEntries(entries));
}

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, {
    target: "draft-07",
    metadata: keywords,
    io: "input",
    override: ({ jsonSchema }) => tidy(jsonSchema as JsonSchema),
  }) as JsonSchema;
}

/** values.schema.json as an object: the values schema, with the shared definitions in DEFINITIONS' order. */
export function valuesJsonSchema(): JsonSchema {
  const { definitions: emitted, ...root } = jsonSchemaOf(appServiceValuesSchema) as JsonSchema & { definitions?: Record<string, JsonSchema> };
  const definitions = Object.fromEntries(
    Object.entries(DEFINITIONS).map(([id, schema]) => {
      // A definition only hand-written keywords refer to (refusedEnvName) is not reached by zod's walk.
      return [id, emitted?.[id] ?? (jsonSchemaOf(schema).definitions as Record<string, JsonSchema>)[id]];
    }),
  );
  const unknown = Object.keys(emitted ?? {}).filter((id) => !(id in DEFINITIONS));
  if (unknown.length > 0) throw new Error(`${VALUES_SCHEMA_FILE}: definitions ${unknown.join(", ")} are not in DEFINITIONS`);
  return { ...root, definitions };
}

/** Lines up to this long keep a schema on one line. */
const LINE_WIDTH = 120;

/** One-line JSON with spaces inside braces, as the file writes short schemas. */
function inline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(inline).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value);
    return entries.length === 0 ? "{}" : `{ ${entries.map(([key, child]) => `${JSON.stringify(key)}: ${inline(child)}`).join(", ")} }`;
  }
  return JSON.stringify(value);
}

/** `value` indented by `indent`, after `lead` characters of its line: on one line when it fits LINE_WIDTH, else one entry per line. */
function render(value: unknown, indent: string, lead: number): string {
  const flat = inline(value);
  if (typeof value !== "object" || value === null || indent.length + lead + flat.length <= LINE_WIDTH) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) return `[\n${value.map((child) => inner + render(child, inner, 1)).join(",\n")}\n${indent}]`;
  const lines = Object.entries(value).map(([key, child]) => {
    const label = `${JSON.stringify(key)}: `;
    return inner + label + render(child, inner, label.length + 1);
  });
  return `{\n${lines.join(",\n")}\n${indent}}`;
}

/** The text of values.schema.json. */
export function renderValuesSchema(): string {
  return `${render(valuesJsonSchema(), "", 0)}\n`;
}

/**
 * Whether `committed` (the text of values.schema.json) says what the schema says. Compared
 * as data, so key order and line breaks are free: every byte of the chart is hashed into
 * each app release, and a rewrite that changes only layout would show as an update of
 * every release in the next plan.
 */
export function valuesSchemaIsCurrent(committed: string): boolean {
  try {
    return isDeepStrictEqual(JSON.parse(committed), valuesJsonSchema());
  } catch {
    return false;
  }
}
