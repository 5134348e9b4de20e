import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { ConfigError } from "../config";
import { appServiceValuesSchema, renderValuesSchema, VALUES_SCHEMA_FILE, valuesJsonSchema, valuesSchemaIsCurrent } from "../config/app-service-values";
import { schemaProblems } from "../config/validate";
import { appServiceValues, type AppServiceInputs } from "../constructs/platform/app-service";
import { environmentNamed } from "./helpers";
import { requireTool, toolboxOrPath } from "./tools";

/**
 * The app chart's values are defined once, in config/app-service-values.ts: the committed
 * values.schema.json must say what that schema says (`npm run chart:schema` writes it), Helm
 * must refuse what the schema refuses and take what it takes, and appServiceValues must
 * never hand a release values the schema refuses.
 */

const ROOT = path.resolve(__dirname, "..");
const CHART = path.join(ROOT, "charts", "app-service");
const committed = readFileSync(path.join(ROOT, VALUES_SCHEMA_FILE), "utf8");

const BACKEND: AppServiceInputs = {
  image: { repository: "registry.digitalocean.com/cryptopulse/backend", tag: "1.4.2" },
  secretName: "backend-env",
  databaseEgress: [{ cidr: "10.20.0.0/16", ports: [25060] }],
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- values mutated freely, as a user would write them
type Values = Record<string, any>;

/** The platform's backend values in production, as plain data to mutate. */
function backendValues(): Values {
  return JSON.parse(JSON.stringify(appServiceValues(environmentNamed("production"), "backend", BACKEND))) as Values;
}

describe(VALUES_SCHEMA_FILE, () => {
  it("says what config/app-service-values.ts says (else run npm run chart:schema)", () => {
    expect(JSON.parse(committed)).toEqual(valuesJsonSchema());
    expect(valuesSchemaIsCurrent(committed)).toBe(true);
  });

  it("counts as current whatever its layout, and as stale when a rule differs", () => {
    expect(valuesSchemaIsCurrent(renderValuesSchema())).toBe(true);
    expect(valuesSchemaIsCurrent(JSON.stringify(JSON.parse(committed)))).toBe(true);
    const loosened = JSON.parse(committed) as Values;
    loosened.properties.replicas.maximum = 100;
    expect(valuesSchemaIsCurrent(JSON.stringify(loosened))).toBe(false);
    expect(valuesSchemaIsCurrent("")).toBe(false);
  });

  it("is written as draft-07 JSON Schema, the draft it declares to Helm", () => {
    expect(JSON.parse(renderValuesSchema())).toMatchObject({ $schema: "http://json-schema.org/draft-07/schema#", additionalProperties: false });
  });
});

describe("appServiceValues", () => {
  it("refuses config that maps to values the chart refuses, naming the values field", () => {
    const production = environmentNamed("production");
    const unreachable = { ...production, healthCheck: { ...production.healthCheck, path: "health" } };
    let error: unknown;
    try {
      appServiceValues(unreachable, "backend", BACKEND);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(['probes.path = "health": an absolute URL path such as /health']);
  });
});

const HELM = requireTool({ suite: "helm chart tests", requireVariable: "CRYPTOPULSE_REQUIRE_HELM", lookup: () => toolboxOrPath("helm", ["version", "--short"]) });

type Mutation = (values: Values) => void;
/** How Helm's schema errors name a place in the values: a JSON pointer. */
const at = (pointer: string) => `at '${pointer}'`;

/** Values the schema refuses: the mutation, the field the platform's error line names, and where Helm reports it. */
const REFUSED: [string, Mutation, string, string][] = [
  ["the latest tag", (v) => (v.image.tag = "latest"), "image.tag", at("/image/tag")],
  ["latest in another case", (v) => (v.image.tag = "LaTeSt"), "image.tag", at("/image/tag")],
  ["neither tag nor digest", (v) => delete v.image.tag, "image", at("/image")],
  ["a malformed digest", (v) => (v.image.digest = "sha256:xyz"), "image.digest", at("/image/digest")],
  ["a tag in the repository", (v) => (v.image.repository = "registry.digitalocean.com/cryptopulse/backend:1.0"), "image.repository", at("/image/repository")],
  ["zero replicas", (v) => (v.replicas = 0), "replicas", at("/replicas")],
  ["a privileged port", (v) => (v.port = 80), "port", at("/port")],
  ["an unknown top-level key", (v) => (v.replicaCount = 3), "replicaCount", at("")],
  ["an unknown nested key", (v) => (v.autoscaling.targetCPU = 70), "autoscaling.targetCPU", at("/autoscaling")],
  ["a string for a number", (v) => (v.autoscaling.minReplicas = "2"), "autoscaling.minReplicas", at("/autoscaling/minReplicas")],
  ["a number as env value", (v) => (v.env.LOG_LEVEL = 3), "env.LOG_LEVEL", at("/env/LOG_LEVEL")],
  ["a secret in env", (v) => (v.env.JWT_SECRET = "x"), "env.JWT_SECRET", at("/env/JWT_SECRET")],
  ["a connection URL in env", (v) => (v.env.ANALYTICS_DATABASE_URL = "postgresql://db/x"), "env.ANALYTICS_DATABASE_URL", at("/env/ANALYTICS_DATABASE_URL")],
  ["PORT in env", (v) => (v.env.PORT = "1"), "env.PORT", at("/env/PORT")],
  ["a password in a URL", (v) => (v.env.UPSTREAM = "https://user:hunter22@example.com"), "env.UPSTREAM", at("/env/UPSTREAM")],
  ["an env name that is none", (v) => (v.env["1ST"] = "x"), "env.1ST", at("/env")],
  ["GB as a memory unit", (v) => (v.resources.requests.memory = "4GB"), "resources.requests.memory", at("/resources/requests/memory")],
  ["no memory limit", (v) => delete v.resources.limits.memory, "resources.limits.memory", at("/resources/limits")],
  ["an ingress without hosts", (v) => (v.ingress.hosts = []), "ingress.hosts", at("/ingress/hosts")],
  ["a repeated host", (v) => (v.ingress.hosts = ["api.cryptopulse.com", "api.cryptopulse.com"]), "ingress.hosts[1]", at("/ingress/hosts")],
  ["a CORS wildcard", (v) => (v.ingress.cors.allowOrigins = ["*"]), "ingress.cors.allowOrigins[0]", at("/ingress/cors/allowOrigins/0")],
  ["CORS without origins", (v) => (v.ingress.cors.allowOrigins = []), "ingress.cors.allowOrigins", at("/ingress/cors/allowOrigins")],
  ["auth routes without paths", (v) => (v.ingress.authRoutes.paths = []), "ingress.authRoutes.paths", at("/ingress/authRoutes/paths")],
  ["a PDB that blocks drains", (v) => (v.podDisruptionBudget.maxUnavailable = 0), "podDisruptionBudget.maxUnavailable", at("/podDisruptionBudget/maxUnavailable")],
  ["a PDB of 0 %", (v) => (v.podDisruptionBudget.maxUnavailable = "0%"), "podDisruptionBudget.maxUnavailable", at("/podDisruptionBudget/maxUnavailable")],
  ["a root user", (v) => (v.securityContext = { runAsUser: 0, runAsGroup: 1000, fsGroup: 1000 }), "securityContext.runAsUser", at("/securityContext/runAsUser")],
  ["a malformed CIDR", (v) => (v.networkPolicy.egress.cidrs[0].cidr = "10.20.0.0/33"), "networkPolicy.egress.cidrs[0].cidr", at("/networkPolicy/egress/cidrs/0/cidr")],
  ["a peer that selects everything", (v) => (v.networkPolicy.ingressFrom = [{}]), "networkPolicy.ingressFrom[0]", at("/networkPolicy/ingressFrom/0")],
  ["a ConfigMap over /tmp", (v) => (v.configMapMounts = [{ configMap: "database-ca", mountPath: "/tmp" }]), "configMapMounts[0].mountPath", at("/configMapMounts/0/mountPath")],
  // Helm's validator reports a refused property name at a wrong location; the refusal itself is what matters.
  ["a label key with a space", (v) => (v.podLabels["bad key"] = "x"), "podLabels.bad key", "invalid propertyName 'bad key'"],
  ["a surge above 100 %", (v) => (v.rollingUpdate.maxSurge = "101%"), "rollingUpdate.maxSurge", at("/rollingUpdate/maxSurge")],
  ["a bare number as interval", (v) => (v.serviceMonitor.interval = "30"), "serviceMonitor.interval", at("/serviceMonitor/interval")],
  ["an unknown toleration operator", (v) => (v.tolerations[0].operator = "Maybe"), "tolerations[0].operator", at("/tolerations/0/operator")],
  ["an empty scaling policy list", (v) => (v.autoscaling.behavior.scaleUp.policies = []), "autoscaling.behavior.scaleUp.policies", at("/autoscaling/behavior/scaleUp/policies")],
];

/** Values the schema takes, near the edges of its rules. */
const ACCEPTED: [string, Mutation][] = [
  ["the platform's own values", () => undefined],
  ["a digest and no tag", (v) => {
    delete v.image.tag;
    v.image.digest = `sha256:${"0f".repeat(32)}`;
  }],
  ["a tag that only starts with latest", (v) => (v.image.tag = "latest-2026.07")],
  ["a PDB as a percentage", (v) => (v.podDisruptionBudget.maxUnavailable = "25%")],
  ["a surge as a count", (v) => (v.rollingUpdate.maxSurge = 2)],
  ["a lowercase env name and a URL without password", (v) => (v.env.node_extra = "https://user@example.com")],
  ["an ingress turned off without hosts", (v) => (v.ingress = { enabled: false, hosts: [] })],
  ["a prefixed label key", (v) => (v.podLabels["example.com/team"] = "payments")],
];

HELM.describe("the chart's values schema as Helm applies it", (helm) => {
  const scratch = mkdtempSync(path.join(tmpdir(), "cryptopulse-values-schema-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  let files = 0;
  function template(values: Values): { status: number | null; stderr: string } {
    const file = path.join(scratch, `values-${(files += 1)}.json`);
    writeFileSync(file, JSON.stringify(values));
    const env = { PATH: process.env.PATH, HOME: scratch, HELM_CACHE_HOME: scratch, HELM_CONFIG_HOME: scratch, HELM_DATA_HOME: scratch };
    const run = spawnSync(helm, ["template", "backend", CHART, "--namespace", "cryptopulse", "--values", file, "--kube-version", "1.35.0"], { encoding: "utf8", env });
    return { status: run.status, stderr: run.stderr };
  }

  it.each(REFUSED)("refuses %s, as the schema does", (_case, mutate, field, helmSays) => {
    const values = backendValues();
    mutate(values);
    const problems = schemaProblems(appServiceValuesSchema, values);
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^${field.replace(/[.[\]]/g, "\\$&")} = `))]);
    const run = template(values);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(helmSays);
  });

  it.each(ACCEPTED)("takes %s, as the schema does", (_case, mutate) => {
    const values = backendValues();
    mutate(values);
    expect(schemaProblems(appServiceValuesSchema, values)).toEqual([]);
    const run = template(values);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});
