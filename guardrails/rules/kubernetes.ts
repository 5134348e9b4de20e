import { blocks, first, isObject, refersTo, type Json, type JsonObject } from "../json";
import { defineRule, resourcesOf, type Block, type RuleContext } from "../rule";

const TEMPLATE = ["spec", "template", "spec"];

/** Where each workload type keeps its pod spec. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  kubernetes_deployment: TEMPLATE,
  kubernetes_deployment_v1: TEMPLATE,
  kubernetes_stateful_set: TEMPLATE,
  kubernetes_stateful_set_v1: TEMPLATE,
  kubernetes_daemonset: TEMPLATE,
  kubernetes_daemon_set_v1: TEMPLATE,
  kubernetes_replication_controller: TEMPLATE,
  kubernetes_replication_controller_v1: TEMPLATE,
  kubernetes_job: TEMPLATE,
  kubernetes_job_v1: TEMPLATE,
  kubernetes_cron_job: ["spec", "job_template", "spec", "template", "spec"],
  kubernetes_cron_job_v1: ["spec", "job_template", "spec", "template", "spec"],
  kubernetes_pod: ["spec"],
  kubernetes_pod_v1: ["spec"],
};

/** Workloads that run to completion: probes would only restart them mid-run. */
const BATCH_TYPES = ["kubernetes_job", "kubernetes_job_v1", "kubernetes_cron_job", "kubernetes_cron_job_v1"];

const WORKLOAD_TYPES = Object.keys(POD_SPEC_PATHS);
const NAMESPACE_TYPES = ["kubernetes_namespace", "kubernetes_namespace_v1"];
const NETWORK_POLICY_TYPES = ["kubernetes_network_policy", "kubernetes_network_policy_v1"];

/** Seccomp profiles the Pod Security Standard "restricted" accepts. */
const RESTRICTED_SECCOMP = ["RuntimeDefault", "Localhost"];

interface Container {
  /** `container migrate` or `init_container 0`, for messages. */
  readonly label: string;
  readonly init: boolean;
  readonly config: JsonObject;
}

function podSpec(block: Block): JsonObject | undefined {
  return first(block.config, ...(POD_SPEC_PATHS[block.type] ?? []));
}

function containersOf(spec: JsonObject | undefined): Container[] {
  return (["container", "init_container"] as const).flatMap((key) =>
    blocks(spec, key).map((config, index) => ({
      label: `${key} ${typeof config.name === "string" ? config.name : index}`,
      init: key === "init_container",
      config,
    })),
  );
}

/** Joins per-container problems into one finding, or passes when there are none. */
function eachContainer(block: Block, problem: (container: Container, spec: JsonObject | undefined) => string | undefined): string | undefined {
  const spec = podSpec(block);
  const containers = containersOf(spec);
  if (containers.length === 0) return "has no containers";
  const problems = containers.map((container) => {
    const found = problem(container, spec);
    return found && `${container.label}: ${found}`;
  });
  const found = problems.filter(Boolean);
  return found.length > 0 ? found.join("; ") : undefined;
}

/** The default of `var.<name>` when the stack declares it. */
function variableDefault(context: RuleContext, name: string): Json | undefined {
  return context.blocks.find((block) => block.kind === "variable" && block.address === `var.${name}`)?.config.default;
}

/**
 * What is wrong with an image reference: no tag (Kubernetes pulls `latest`) or
 * `latest` itself. A tag or a whole image from a variable is checked against
 * the variable's default; any other expression cannot be checked at synth and
 * is refused, so the repository stays visible in code.
 */
function imageProblem(image: Json | undefined, context: RuleContext): string | undefined {
  if (typeof image !== "string" || image === "") return "has no image";
  const whole = /^\$\{var\.([\w-]+)\}$/.exec(image);
  if (whole) {
    const fallback = variableDefault(context, whole[1]);
    return typeof fallback === "string" ? imageProblem(fallback, context) : `image comes from var.${whole[1]}, which has no pinned default`;
  }
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return undefined;
  const name = image.slice(image.lastIndexOf("/") + 1);
  const colon = name.lastIndexOf(":");
  if (colon === -1) return `image ${image} has no tag, so it pulls latest`;
  const tag = name.slice(colon + 1);
  const tagVariable = /^\$\{var\.([\w-]+)\}$/.exec(tag);
  if (tagVariable && variableDefault(context, tagVariable[1]) === "latest") return `image ${image}: var.${tagVariable[1]} defaults to latest`;
  return tag === "latest" ? `image ${image} uses the latest tag` : undefined;
}

/** `tag: latest`, `"tag" = "latest"`, `image: nginx:latest` in Helm values (YAML, JSON or a yamlencode expression). */
const LATEST_IN_VALUES = /["']?\b(tag|image)["']?\s*[:=]\s*["']?([^\s"',}]*:)?latest["']?(?![\w.-])/i;

function helmImageProblem(block: Block): string | undefined {
  const problems: string[] = [];
  const values = Array.isArray(block.config.values) ? block.config.values : [];
  values.forEach((text, index) => {
    if (typeof text === "string" && LATEST_IN_VALUES.test(text)) problems.push(`values[${index}] sets an image to latest`);
  });
  for (const entry of blocks(block.config, "set")) {
    const { name, value } = entry;
    if (typeof name !== "string" || typeof value !== "string") continue;
    if ((/(^|\.)tag$/.test(name) && value === "latest") || (/(^|\.)image$/.test(name) && /:latest$/.test(value))) {
      problems.push(`set ${name}=${value}`);
    }
  }
  return problems.length > 0 ? problems.join("; ") : undefined;
}

function resourcesProblem(container: Container): string | undefined {
  const resources = first(container.config, "resources");
  const requests = resources?.requests;
  const limits = resources?.limits;
  const missing = [
    isObject(requests) && requests.cpu !== undefined ? undefined : "requests.cpu",
    isObject(requests) && requests.memory !== undefined ? undefined : "requests.memory",
    isObject(limits) && limits.memory !== undefined ? undefined : "limits.memory",
  ].filter(Boolean);
  return missing.length > 0 ? `no ${missing.join(", ")}` : undefined;
}

/** The Pod Security Standard "restricted", per container, with pod-level defaults. */
function securityContextProblem(container: Container, spec: JsonObject | undefined): string | undefined {
  const pod = first(spec, "security_context");
  const own = first(container.config, "security_context");
  const capabilities = first(own, "capabilities");
  const drop = Array.isArray(capabilities?.drop) ? capabilities.drop : [];
  const add = Array.isArray(capabilities?.add) ? capabilities.add : [];
  const runAsNonRoot = own?.run_as_non_root ?? pod?.run_as_non_root;
  const runAsUser = own?.run_as_user ?? pod?.run_as_user;
  const seccomp = first(own, "seccomp_profile")?.type ?? first(pod, "seccomp_profile")?.type;
  const problems = [
    own?.privileged === true ? "privileged" : undefined,
    own?.allow_privilege_escalation === false ? undefined : "allow_privilege_escalation is not false",
    drop.includes("ALL") ? undefined : "capabilities.drop lacks ALL",
    add.every((capability) => capability === "NET_BIND_SERVICE") ? undefined : `capabilities.add ${JSON.stringify(add)}`,
    runAsNonRoot === true ? undefined : "run_as_non_root is not true",
    runAsUser === 0 || runAsUser === "0" ? "run_as_user is 0" : undefined,
    typeof seccomp === "string" && RESTRICTED_SECCOMP.includes(seccomp) ? undefined : "seccomp_profile is not RuntimeDefault or Localhost",
    ...(["host_network", "host_pid", "host_ipc"] as const).map((key) => (spec?.[key] === true ? `${key} is true` : undefined)),
  ].filter(Boolean);
  return problems.length > 0 ? problems.join(", ") : undefined;
}

/** A NetworkPolicy that selects every pod and allows nothing, in and out. */
function isDefaultDeny(policy: Block): boolean {
  const spec = first(policy.config, "spec");
  const selector = first(spec, "pod_selector");
  const selectsAll =
    !selector || ((!isObject(selector.match_labels) || Object.keys(selector.match_labels).length === 0) && blocks(selector, "match_expressions").length === 0);
  const types = Array.isArray(spec?.policy_types) ? spec.policy_types : [];
  return selectsAll && types.includes("Ingress") && types.includes("Egress") && blocks(spec, "ingress").length === 0 && blocks(spec, "egress").length === 0;
}

export const kubernetesRules = [
  defineRule({
    id: "CP-K8S-001",
    reason: "an image without a pinned tag changes under a running workload, and a rollback cannot return to it",
    fix: "use an explicit version tag or a sha256 digest, never latest",
    scope: "workloads (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod, ReplicationController) and `helm_release` values and `set`; an image or tag from a variable is checked by the variable's default",
    appliesTo: (block) => block.kind === "resource" && (WORKLOAD_TYPES.includes(block.type) || block.type === "helm_release"),
    check: (block, context) =>
      block.type === "helm_release" ? helmImageProblem(block) : eachContainer(block, (container) => imageProblem(container.config.image, context)),
  }),
  defineRule({
    id: "CP-K8S-002",
    reason: "a container without requests cannot be scheduled reliably, and one without a memory limit can starve its node",
    fix: "set resources.requests.cpu, resources.requests.memory and resources.limits.memory on every container",
    scope: "workloads: every container (CPU limits are not required: they throttle latency-sensitive services)",
    appliesTo: resourcesOf(...WORKLOAD_TYPES),
    check: (block) => eachContainer(block, resourcesProblem),
  }),
  defineRule({
    id: "CP-K8S-003",
    reason: "without probes Kubernetes sends traffic to pods that are not ready and never restarts hung ones",
    fix: "set livenessProbe and readinessProbe on every container of a long-running workload",
    scope: "long-running workloads (not Jobs or CronJobs)",
    appliesTo: (block) => block.kind === "resource" && WORKLOAD_TYPES.includes(block.type) && !BATCH_TYPES.includes(block.type),
    check: (block) =>
      eachContainer(block, (container) => {
        if (container.init) return undefined;
        const missing = ["liveness_probe", "readiness_probe"].filter((probe) => blocks(container.config, probe).length === 0);
        return missing.length > 0 ? `no ${missing.join(", ")}` : undefined;
      }),
  }),
  defineRule({
    id: "CP-K8S-004",
    reason: "a container outside the restricted Pod Security Standard can escalate to its node",
    fix: "run as non-root with allowPrivilegeEscalation false, capabilities drop [ALL] and seccompProfile RuntimeDefault",
    scope: "workloads: the restricted Pod Security Standard, host network, PID and IPC namespaces included",
    appliesTo: resourcesOf(...WORKLOAD_TYPES),
    check: (block) => eachContainer(block, securityContextProblem),
  }),
  defineRule({
    id: "CP-K8S-005",
    reason: "without a default-deny NetworkPolicy every pod of the namespace is reachable from, and can reach, the whole cluster",
    fix: "add a NetworkPolicy in the namespace with an empty podSelector, policyTypes [Ingress, Egress] and no rules; allow traffic with further policies",
    scope: "every namespace the stack creates",
    appliesTo: resourcesOf(...NAMESPACE_TYPES),
    check: (block, context) => {
      const name = first(block.config, "metadata")?.name;
      const denies = context.blocks.some((policy) => {
        if (policy.kind !== "resource" || !NETWORK_POLICY_TYPES.includes(policy.type)) return false;
        const namespace = first(policy.config, "metadata")?.namespace;
        return (namespace === name || refersTo(namespace, block.address)) && isDefaultDeny(policy);
      });
      return denies ? undefined : `no default-deny NetworkPolicy in namespace ${JSON.stringify(name)}`;
    },
  }),
] as const;
