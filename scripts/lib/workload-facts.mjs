// Facts about what the rendered objects run, asserted on the objects themselves (not on the values that should
// produce them): resources, probes, disruption budgets, autoscaler bounds and behaviour, service ports, image tags.
// Each fact returns one result per object it looks at: { fact, object: "namespace/Kind/name[/container]", problem? }.
import { podTemplates } from './workloads.mjs';

const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
/** Pods the Prometheus Operator creates for these resources, and the labels it gives them (its statefulset.go). */
const OPERATED = {
  Prometheus: (o) => ({ 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': o.metadata.name, 'operator.prometheus.io/name': o.metadata.name, prometheus: o.metadata.name }),
  Alertmanager: (o) => ({ 'app.kubernetes.io/name': 'alertmanager', 'app.kubernetes.io/instance': o.metadata.name, alertmanager: o.metadata.name }),
};
/** A tag that names one release (v1.2.3, 1.2, 3.14.0-distroless), or a digest. */
const PINNED_TAG = /^v?\d+(\.\d+)+([-+._][A-Za-z0-9._-]+)?$/;

const where = (o, rest) => `${o.metadata.namespace ?? ''}/${o.kind}/${o.metadata.name}${rest ? `/${rest}` : ''}`;
const matches = (selector, labels) => Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);

function containersOf(pod) {
  return [...(pod.spec.initContainers ?? []).map((c) => ({ ...c, init: true })), ...(pod.spec.containers ?? [])];
}

/** Every container, of a pod template or of an operated resource, asks for CPU and memory and caps its memory. */
function resources(objects) {
  const results = [];
  const check = (o, name, r) => {
    const missing = ['requests.cpu', 'requests.memory', 'limits.memory'].filter((path) => !path.split('.').reduce((v, k) => v?.[k], r));
    results.push({ fact: 'resources', object: where(o, name), problem: missing.length ? `no ${missing.join(', ')}` : undefined });
  };
  for (const pod of podTemplates(objects)) for (const c of containersOf(pod)) check(pod.object, c.name, c.resources);
  for (const o of objects.filter((o) => OPERATED[o.kind])) check(o, '', o.spec.resources);
  return results;
}

/** Long-running containers have liveness and readiness probes; the project's own services a startup probe too. */
function probes(objects, { ownChart }) {
  const results = [];
  for (const pod of podTemplates(objects).filter((p) => LONG_RUNNING.has(p.kind))) {
    for (const c of pod.spec.containers ?? []) {
      const wanted = ['livenessProbe', 'readinessProbe', ...(ownChart ? ['startupProbe'] : [])];
      const missing = wanted.filter((probe) => !c[probe]);
      results.push({ fact: 'probes', object: where(pod.object, c.name), problem: missing.length ? `no ${missing.join(', ')}` : undefined });
    }
  }
  return results;
}

/** How many pods each replicated workload keeps: its replicas, or the floor of the autoscaler that owns it. */
function replicated(objects) {
  const hpas = objects.filter((o) => o.kind === 'HorizontalPodAutoscaler');
  const found = [];
  for (const pod of podTemplates(objects).filter((p) => p.kind === 'Deployment' || p.kind === 'StatefulSet')) {
    const hpa = hpas.find((h) => h.spec.scaleTargetRef.kind === pod.kind && h.spec.scaleTargetRef.name === pod.object.metadata.name);
    found.push({ object: pod.object, replicas: hpa ? hpa.spec.minReplicas ?? 1 : pod.object.spec.replicas ?? 1, labels: pod.metadata.labels ?? {} });
  }
  for (const o of objects.filter((o) => OPERATED[o.kind])) found.push({ object: o, replicas: o.spec.replicas ?? 1, labels: { ...o.spec.podMetadata?.labels, ...OPERATED[o.kind](o) } });
  return found;
}

/** A workload that keeps more than one pod has a disruption budget that selects them and still lets a node drain. */
function disruptionBudgets(objects) {
  const budgets = objects.filter((o) => o.kind === 'PodDisruptionBudget');
  return replicated(objects)
    .filter((w) => w.replicas > 1)
    .map(({ object, replicas, labels }) => {
      const budget = budgets.find((b) => b.metadata.namespace === object.metadata.namespace && b.spec.selector?.matchLabels && matches(b.spec.selector.matchLabels, labels));
      let problem;
      if (!budget) problem = `${replicas} replicas and no PodDisruptionBudget selects them`;
      else if (budget.spec.maxUnavailable === 0 || budget.spec.minAvailable >= replicas) problem = `PodDisruptionBudget ${budget.metadata.name} lets no pod go (${replicas} replicas): node drains would block`;
      return { fact: 'disruption budget', object: where(object), problem };
    });
}

/** What autoscaling/v2 applies when behavior.scaleDown says nothing, and the least the gate accepts. */
const DEFAULT_SCALE_DOWN_WINDOW = 300;
const MIN_SCALE_DOWN_WINDOW = 60;

/** Autoscalers scale a rendered workload that leaves its replica count to them, between sane bounds, with damped scale-down. */
function autoscalers(objects) {
  return objects
    .filter((o) => o.kind === 'HorizontalPodAutoscaler')
    .map((hpa) => {
      const { scaleTargetRef: ref, minReplicas = 1, maxReplicas, behavior } = hpa.spec;
      const target = objects.find((o) => o.kind === ref.kind && o.metadata.name === ref.name && o.metadata.namespace === hpa.metadata.namespace);
      const problems = [];
      if (!target) problems.push(`scales ${ref.kind}/${ref.name}, which the release does not render`);
      else if (target.spec.replicas !== undefined) problems.push(`${ref.kind}/${ref.name} sets replicas (${target.spec.replicas}): every upgrade would reset what the autoscaler chose`);
      if (!(minReplicas >= 1)) problems.push(`minReplicas ${minReplicas}: the workload would scale to nothing`);
      if (!(maxReplicas > minReplicas)) problems.push(`maxReplicas ${maxReplicas} leaves no room above minReplicas ${minReplicas}`);
      const scaleDownWindow = behavior?.scaleDown?.stabilizationWindowSeconds ?? DEFAULT_SCALE_DOWN_WINDOW;
      if (!(scaleDownWindow >= MIN_SCALE_DOWN_WINDOW)) problems.push(`scale-down stabilization window ${scaleDownWindow} s (under ${MIN_SCALE_DOWN_WINDOW} s): it would flap`);
      return { fact: 'autoscaler', object: where(hpa), problem: problems.join('; ') || undefined };
    });
}

/** Every Service port reaches a container port of the pods it selects (by name or number). */
function servicePorts(objects) {
  const pods = podTemplates(objects);
  const operated = objects.filter((o) => OPERATED[o.kind]).map((o) => ({ namespace: o.metadata.namespace, labels: OPERATED[o.kind](o) }));
  const results = [];
  for (const service of objects.filter((o) => o.kind === 'Service' && o.spec.selector)) {
    const selected = pods.filter((p) => p.namespace === service.metadata.namespace && matches(service.spec.selector, p.metadata.labels));
    if (!selected.length) {
      const byOperator = operated.some((o) => o.namespace === service.metadata.namespace && matches(service.spec.selector, o.labels));
      // The operator's pods are not rendered: their ports are the operator's, not the chart's.
      if (!byOperator) results.push({ fact: 'service ports', object: where(service), problem: `selects ${JSON.stringify(service.spec.selector)}: no pod the release renders` });
      continue;
    }
    const ports = selected.flatMap((p) => (p.spec.containers ?? []).flatMap((c) => c.ports ?? []));
    for (const port of service.spec.ports ?? []) {
      const target = port.targetPort ?? port.port;
      const found = ports.some((p) => (typeof target === 'string' && !/^\d+$/.test(target) ? p.name === target : p.containerPort === Number(target)));
      results.push({ fact: 'service ports', object: where(service, port.name ?? String(port.port)), problem: found ? undefined : `port ${port.port} targets ${target}, which no selected container exposes` });
    }
  }
  return results;
}

/** Every image names one release: a digest, or a version tag (never latest, a branch, or none). */
function imageTags(objects) {
  const results = [];
  const check = (o, name, image) => {
    const digest = /@sha256:[0-9a-f]{64}$/.test(image ?? '');
    const tag = (image ?? '').replace(/@.*$/, '').match(/:([^/:]+)$/)?.[1];
    const problem = digest || PINNED_TAG.test(tag ?? '') ? undefined : `image ${image ?? '(none)'} is not pinned to a version tag or digest`;
    results.push({ fact: 'image tags', object: where(o, name), problem });
  };
  for (const pod of podTemplates(objects)) for (const c of containersOf(pod)) check(pod.object, c.name, c.image);
  for (const o of objects.filter((o) => OPERATED[o.kind])) check(o, '', o.spec.image);
  return results;
}

/** Every fact about one release's objects. `ownChart`: the release installs the project's own chart. */
export function workloadFacts(objects, { ownChart }) {
  return [resources, probes, disruptionBudgets, autoscalers, servicePorts, imageTags].flatMap((fact) => fact(objects, { ownChart }));
}

/** A glob on "namespace/Kind/name[/container]": `*` matches within one part (a cluster-scoped object has no namespace: "/ClusterRole/x"). */
export const objectPattern = (glob) => new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);

/**
 * Facts a release may fail, each for a reason a reviewer accepted: { fact, object (a glob on "namespace/Kind/name[/container]"), reason }.
 * Applies the exceptions and returns the results with `excepted` set, plus the exceptions that excused nothing.
 */
export function applyExceptions(results, exceptions) {
  const used = new Set();
  const out = results.map((r) => {
    if (!r.problem) return r;
    const index = exceptions.findIndex((e) => e.fact === r.fact && objectPattern(e.object).test(r.object));
    if (index === -1) return r;
    used.add(index);
    return { ...r, excepted: exceptions[index].reason };
  });
  return { results: out, unused: exceptions.filter((_, i) => !used.has(i)) };
}
