import { z } from "zod";
import { isPort, PORT_RULE } from "./port";
import { isSupportedRegion, SUPPORTED_REGIONS, type RegionSlug } from "./regions";
import { parseOrThrow } from "./validate";

/**
 * Settings read from environment variables at synth time: which environments to
 * build and where each stack keeps its Terraform state. Credentials are never
 * read here: the providers and the state backends read them from the
 * environment themselves, so they never reach the synthesized JSON.
 */
export const STATE_BACKENDS = ["local", "cloud", "s3"] as const;
export type StateBackendKind = (typeof STATE_BACKENDS)[number];

export type StateBackendOptions =
  | { readonly kind: "local" }
  /** Terraform Cloud / HCP Terraform: one named workspace per stack. */
  | { readonly kind: "cloud"; readonly organization: string; readonly hostname: string; readonly project?: string }
  /** DigitalOcean Spaces through Terraform's S3 backend, with S3-native locking. */
  | { readonly kind: "s3"; readonly bucket: string; readonly region: RegionSlug; readonly keyPrefix: string };

/**
 * Where the providers and the Helm releases reach their services. Unset means
 * the public endpoints; an air-gapped team points them at internal mirrors, and
 * the plan rehearsal at its loopback stand-ins.
 */
export interface ServiceEndpoints {
  /** The DigitalOcean provider's `api_endpoint` (default https://api.digitalocean.com). */
  readonly digitaloceanApi?: string;
  /** The DigitalOcean provider's `spaces_endpoint`; may hold `{{.Region}}` (default https://{{.Region}}.digitaloceanspaces.com). */
  readonly spaces?: string;
  /** The Cloudflare provider's `base_url` (default https://api.cloudflare.com/client/v4). */
  readonly cloudflareApi?: string;
  /** One chart repository that serves every upstream chart at its pinned version, in place of the public ones. */
  readonly chartRepository?: string;
}

/** The Terraform Cloud organization the bootstrap stack sets up (CRYPTOPULSE_TFC_BOOTSTRAP=true). */
export interface TerraformCloudBootstrapOptions {
  readonly organization: string;
  readonly hostname: string;
  /** The project holding every workspace: CRYPTOPULSE_TFC_PROJECT, else "cryptopulse". */
  readonly project: string;
}

export interface RuntimeOptions {
  /** Environment names to synthesize; undefined means all of them. */
  readonly environments?: readonly string[];
  readonly state: StateBackendOptions;
  readonly endpoints: ServiceEndpoints;
  /** Set only when the bootstrap stack is selected: it is never synthesized by accident. */
  readonly terraformCloudBootstrap?: TerraformCloudBootstrapOptions;
  /** Set (CRYPTOPULSE_TOKEN_TRACES=true) to keep cdktf's creation stack trace in every token, for debugging a token that fails to resolve. */
  readonly tokenTraces?: true;
}

/** The project the bootstrap creates when CRYPTOPULSE_TFC_PROJECT is unset. */
export const DEFAULT_TFC_PROJECT = "cryptopulse";

/** DNS labels joined by dots ("..." or "-tfe." is no host), optionally with a port (Terraform Enterprise on :8443). */
const HOSTNAME_PATTERN = /^(?=[^:]{1,253}(:|$))[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\d{1,5})?$/;
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const TFC_NAME_PATTERN = /^[A-Za-z0-9_-]{1,90}$/;
const KEY_PREFIX_PATTERN = /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/;

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

/** The port written in a URL's authority (`https://host:8443/...`), even one the URL parser refuses. */
const URL_PORT = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*:(\d+)(?:[/?#]|$)/i;

/** An absolute URL with one of `schemes`, without credentials (they would land in the synthesized JSON). */
function serviceUrl(schemes: readonly string[]) {
  const allowed = schemes.map((scheme) => `${scheme}://`).join(" or ");
  return optionalText.pipe(
    z
      .string()
      .superRefine((text, ctx) => {
        const port = URL_PORT.exec(text)?.[1];
        if (port !== undefined && !isPort(Number(port))) {
          ctx.addIssue({ code: "custom", message: `port ${port} is out of range: ${PORT_RULE}` });
          return;
        }
        try {
          const url = new URL(text.replaceAll("{{.Region}}", "region"));
          if (schemes.includes(url.protocol.slice(0, -1)) && url.host !== "" && !url.username && !url.password) return;
        } catch {
          // reported below
        }
        ctx.addIssue({ code: "custom", message: `an absolute ${allowed} URL without credentials` });
      })
      .optional(),
  );
}

/** Where the providers reach their services: also read on their own by scripts that call those services (scripts/cost-report.mjs). */
const endpointVariables = {
  CRYPTOPULSE_DIGITALOCEAN_API_ENDPOINT: serviceUrl(["https", "http"]),
  CRYPTOPULSE_SPACES_ENDPOINT: serviceUrl(["https", "http"]),
  CRYPTOPULSE_CLOUDFLARE_BASE_URL: serviceUrl(["https", "http"]),
  CRYPTOPULSE_CHART_REPOSITORY: serviceUrl(["https", "http", "oci"]),
};

const environmentSchema = z
  .object({
    /** Kept as given: set but naming nothing is an error, not "all" (see readRuntimeOptions). */
    CRYPTOPULSE_ENVIRONMENTS: z.string().optional(),
    CRYPTOPULSE_STATE_BACKEND: optionalText.pipe(
      z.enum(STATE_BACKENDS, { message: `unknown state backend; allowed: ${STATE_BACKENDS.join(", ")}` }).default("local"),
    ),
    CRYPTOPULSE_TFC_ORGANIZATION: optionalText.pipe(z.string().regex(TFC_NAME_PATTERN, "letters, digits, - and _ only").optional()),
    CRYPTOPULSE_TFC_HOSTNAME: optionalText.pipe(
      z
        .string()
        .regex(HOSTNAME_PATTERN, "a host name such as app.terraform.io")
        .refine((host) => !/:\d+$/.test(host) || isPort(Number(host.split(":")[1])), `the port is out of range: ${PORT_RULE}`)
        .default("app.terraform.io"),
    ),
    CRYPTOPULSE_TFC_PROJECT: optionalText,
    CRYPTOPULSE_TFC_BOOTSTRAP: optionalText.pipe(z.enum(["true", "false"], { message: "true (synthesize the Terraform Cloud bootstrap stack) or false" }).default("false")),
    CRYPTOPULSE_TOKEN_TRACES: optionalText.pipe(z.enum(["true", "false"], { message: "true (record where every token was created, for debugging) or false" }).default("false")),
    CRYPTOPULSE_STATE_BUCKET: optionalText.pipe(z.string().regex(BUCKET_PATTERN, "a Spaces bucket name: 3-63 lowercase letters, digits or dashes").optional()),
    CRYPTOPULSE_STATE_REGION: optionalText.pipe(
      z.string().refine(isSupportedRegion, `unknown Spaces region; allowed: ${SUPPORTED_REGIONS.join(", ")}`).optional(),
    ),
    CRYPTOPULSE_STATE_KEY_PREFIX: optionalText.pipe(z.string().regex(KEY_PREFIX_PATTERN, "slash-separated key segments without spaces").default("cryptopulse")),
    ...endpointVariables,
  })
  .superRefine((vars, ctx) => {
    const require = (name: keyof typeof vars, why: string) => {
      if (vars[name] === undefined) ctx.addIssue({ code: "custom", path: [name], message: `required ${why}` });
    };
    if (vars.CRYPTOPULSE_STATE_BACKEND === "cloud") {
      require("CRYPTOPULSE_TFC_ORGANIZATION", "when CRYPTOPULSE_STATE_BACKEND=cloud (the Terraform Cloud organization)");
    }
    if (vars.CRYPTOPULSE_TFC_BOOTSTRAP === "true") {
      require("CRYPTOPULSE_TFC_ORGANIZATION", "when CRYPTOPULSE_TFC_BOOTSTRAP=true (the organization the bootstrap sets up)");
      if (vars.CRYPTOPULSE_ENVIRONMENTS !== undefined) {
        // A bootstrap of one environment would plan to delete the others' workspaces, and their state with them.
        ctx.addIssue({ code: "custom", path: ["CRYPTOPULSE_ENVIRONMENTS"], message: "must be unset when CRYPTOPULSE_TFC_BOOTSTRAP=true: the bootstrap manages the workspaces of every environment" });
      }
    }
    if (vars.CRYPTOPULSE_STATE_BACKEND === "s3") {
      require("CRYPTOPULSE_STATE_BUCKET", "when CRYPTOPULSE_STATE_BACKEND=s3 (the Spaces bucket holding state)");
      require("CRYPTOPULSE_STATE_REGION", "when CRYPTOPULSE_STATE_BACKEND=s3 (the bucket's Spaces region)");
    }
  });

/**
 * Reads the runtime options from `env` and checks the environment filter
 * against the configured environment names. Throws ConfigError on bad input.
 */
export function readRuntimeOptions(env: NodeJS.ProcessEnv, knownEnvironments: readonly string[]): RuntimeOptions {
  const filterSchema = environmentSchema.superRefine((vars, ctx) => {
    if (vars.CRYPTOPULSE_ENVIRONMENTS !== undefined && splitList(vars.CRYPTOPULSE_ENVIRONMENTS).length === 0) {
      // An empty synth would look like success: a typo in a workflow must not deploy nothing quietly.
      ctx.addIssue({
        code: "custom",
        path: ["CRYPTOPULSE_ENVIRONMENTS"],
        message: `selects no environment: name one or more, comma-separated (allowed: ${knownEnvironments.join(", ")}), or unset it for all`,
      });
    }
    for (const name of splitList(vars.CRYPTOPULSE_ENVIRONMENTS)) {
      if (!knownEnvironments.includes(name)) {
        ctx.addIssue({
          code: "custom",
          path: ["CRYPTOPULSE_ENVIRONMENTS"],
          message: `unknown environment "${name}"; allowed: ${knownEnvironments.join(", ")}`,
        });
      }
    }
  });
  const vars = parseOrThrow(filterSchema, pickVariables(env), "invalid environment variables");
  const environments = vars.CRYPTOPULSE_ENVIRONMENTS === undefined ? undefined : splitList(vars.CRYPTOPULSE_ENVIRONMENTS);
  return {
    environments,
    state: stateOptions(vars),
    endpoints: serviceEndpoints(vars),
    ...(vars.CRYPTOPULSE_TFC_BOOTSTRAP === "true"
      ? {
          terraformCloudBootstrap: {
            organization: vars.CRYPTOPULSE_TFC_ORGANIZATION as string,
            hostname: vars.CRYPTOPULSE_TFC_HOSTNAME,
            project: vars.CRYPTOPULSE_TFC_PROJECT ?? DEFAULT_TFC_PROJECT,
          },
        }
      : {}),
    ...(vars.CRYPTOPULSE_TOKEN_TRACES === "true" ? { tokenTraces: true } : {}),
  };
}

type Variables = z.output<typeof environmentSchema>;

/** The service endpoints alone, for a script that needs no stack settings. Throws ConfigError on a bad URL. */
export function readServiceEndpoints(env: NodeJS.ProcessEnv): ServiceEndpoints {
  const names = Object.keys(endpointVariables);
  const picked = Object.fromEntries(names.map((name) => [name, env[name]]));
  return serviceEndpoints(parseOrThrow(z.object(endpointVariables), picked, "invalid environment variables"));
}

function stateOptions(vars: Variables): StateBackendOptions {
  switch (vars.CRYPTOPULSE_STATE_BACKEND) {
    case "local":
      return { kind: "local" };
    case "cloud":
      return {
        kind: "cloud",
        organization: vars.CRYPTOPULSE_TFC_ORGANIZATION as string,
        hostname: vars.CRYPTOPULSE_TFC_HOSTNAME,
        ...(vars.CRYPTOPULSE_TFC_PROJECT ? { project: vars.CRYPTOPULSE_TFC_PROJECT } : {}),
      };
    case "s3":
      return {
        kind: "s3",
        bucket: vars.CRYPTOPULSE_STATE_BUCKET as string,
        region: vars.CRYPTOPULSE_STATE_REGION as RegionSlug,
        keyPrefix: vars.CRYPTOPULSE_STATE_KEY_PREFIX,
      };
  }
}

function serviceEndpoints(vars: z.output<z.ZodObject<typeof endpointVariables>>): ServiceEndpoints {
  const endpoints: Record<keyof ServiceEndpoints, string | undefined> = {
    digitaloceanApi: vars.CRYPTOPULSE_DIGITALOCEAN_API_ENDPOINT,
    spaces: vars.CRYPTOPULSE_SPACES_ENDPOINT,
    cloudflareApi: vars.CRYPTOPULSE_CLOUDFLARE_BASE_URL,
    chartRepository: vars.CRYPTOPULSE_CHART_REPOSITORY,
  };
  return Object.fromEntries(Object.entries(endpoints).filter(([, url]) => url !== undefined));
}

function splitList(text: string | undefined): string[] {
  return (text ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Only our own variables, so error lines never echo unrelated (possibly secret) values. */
function pickVariables(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.keys(environmentSchema.shape).map((name) => [name, env[name]]));
}
