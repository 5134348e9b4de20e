#!/usr/bin/env node
// npm run test:manifests — the Kubernetes manifests the platform would install, proven before a deploy: every Helm
// release of every environment rendered with its real chart and the values its stack's plan holds, then checked.
//
//  1. Renders each helm_release of the plan rehearsal's plans (rehearsal.plan.json, `terraform show -json`; the
//     values' Terraform expressions already evaluated) with `helm template`: the upstream charts from the chart
//     repository folder, the project's own chart from the synthesized stack, at the cluster's Kubernetes version (the
//     cluster stack's plan) and with the API versions a cluster running the Prometheus Operator serves (the pinned
//     Kubernetes OpenAPI spec's GA group versions plus the CRDs the charts ship). Namespaces are set as Helm sets them.
//  2. kubeconform -strict on every object, against schemas generated offline from the pinned Kubernetes OpenAPI spec
//     (cached by version) and from the charts' CRDs: every object valid, none skipped.
//  3. Pod Security: every pod template against its namespace's enforce level (the plan's namespace labels), with the
//     upstream k8s.io/pod-security-admission library (pod-security, toolbox/pod-security); a namespace below
//     restricted holds only pods that fail restricted.
//  4. Workload facts on the rendered objects (scripts/lib/workload-facts.mjs).
//  5. checkov's kubernetes framework on every object as installed, and its helm framework on charts/app-service with
//     each app release's values. Failed facts and checks pass only where guardrails/manifest-exceptions.yaml excuses
//     them with a reason; an entry that excuses nothing fails.
//
// Usage: npm run test:manifests -- [--rehearsal DIR] [--charts DIR] [--out DIR] [--exceptions FILE]
//   --rehearsal DIR  a plan rehearsal's kept work directory (npm run test:plan -- --keep --work DIR); without it the
//                    rehearsal is run first (every stack) into a temporary one
//   --charts DIR     the chart repository folder (index.yaml + packaged charts); default the rehearsal's copy of it
//                    with --rehearsal, else $CRYPTOPULSE_REHEARSAL_CHARTS
//   --out DIR        where the rendered manifests and generated schemas are written (kept); default a temporary
//                    directory, removed afterwards
//   --exceptions FILE  what may fail, each with its reason (default guardrails/manifest-exceptions.yaml); an entry
//                    that excuses nothing fails
//   -h, --help       this text
//
// Needs helm, kubeconform, pod-security and checkov (each the toolbox's pinned build, else on PATH; checkov $CHECKOV
// when set) and the Kubernetes OpenAPI spec ($CRYPTOPULSE_KUBERNETES_OPENAPI, else the toolbox's), as
// bash toolbox/install.sh provides them. Prints one line per release and closes with "N passed, N failed".
// Exit 0 all passed, 1 not, 2 usage.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { defineCli, leadingComment, UsageError } from './lib/cli.mjs';
import { chartRepositoryProblem } from './lib/chart-mirror.mjs';
import { chartArchive, plannedReleases, renderRelease } from './lib/helm-releases.mjs';
import { crdSchemas, kubernetesSchemas, servedApiVersions } from './lib/kube-schemas.mjs';
import { applyExceptions, objectPattern, workloadFacts } from './lib/workload-facts.mjs';
import { podTemplates } from './lib/workloads.mjs';
import { findTool, missingTool, toolboxCache } from './lib/toolbox.mjs';
import { parse as parseYaml, stringify } from 'yaml';

const ROOT = resolve(import.meta.dirname, '..');
const NAME = 'manifest-gate';
class Failure extends Error {}
/** The Kubernetes release whose OpenAPI spec the schemas come from (toolbox/versions.json). */
const KUBERNETES = JSON.parse(readFileSync(join(ROOT, 'toolbox', 'versions.json'), 'utf8')).kubernetes;

const cli = defineCli({
  name: NAME,
  usage: leadingComment(import.meta.url),
  options: {
    rehearsal: { type: 'string' },
    charts: { type: 'string' },
    out: { type: 'string' },
    exceptions: { type: 'string', default: join('guardrails', 'manifest-exceptions.yaml') },
  },
  check: ({ values }) => {
    // A kept rehearsal holds the copy of the chart repository it planned with.
    const charts = values.charts ?? (values.rehearsal ? join(values.rehearsal, 'charts') : process.env.CRYPTOPULSE_REHEARSAL_CHARTS);
    const chartsProblem = chartRepositoryProblem(charts);
    if (chartsProblem) throw new UsageError(chartsProblem);
    if (values.rehearsal && !existsSync(join(values.rehearsal, 'cdktf.out', 'manifest.json'))) {
      throw new UsageError(`--rehearsal: "${values.rehearsal}" is not a kept plan rehearsal work directory (no cdktf.out/manifest.json)`);
    }
    if (values.out && existsSync(values.out) && readdirSync(values.out).length) throw new UsageError(`--out: "${values.out}" is not empty`);
    return { charts: resolve(charts), rehearsal: values.rehearsal && resolve(values.rehearsal), out: values.out && resolve(values.out), exceptions: resolve(ROOT, values.exceptions) };
  },
});

/** The project's own chart, which the stacks install from the synthesized assets. */
const NAME_OF_OWN_CHART = 'charts/app-service';
const MIN_REASON_LENGTH = 20;

/** The exceptions file: workload facts a named object may fail, each with the reason a reviewer accepted. */
function readExceptions(file) {
  if (!existsSync(file)) throw new Failure(`${file} does not exist`);
  const document = parseYaml(readFileSync(file, 'utf8')) ?? {};
  const facts = document.facts ?? [];
  if (!Array.isArray(facts)) throw new Failure(`${file}: "facts" must be a list`);
  const known = ['resources', 'probes', 'disruption budget', 'autoscaler', 'service ports', 'image tags'];
  facts.forEach((e, i) => {
    const at = `${file} facts[${i}]`;
    if (!known.includes(e?.fact)) throw new Failure(`${at}: "fact" must be one of ${known.join(', ')} (got ${JSON.stringify(e?.fact)})`);
    if (typeof e.object !== 'string' || e.object.split('/').length < 3) throw new Failure(`${at}: "object" must be namespace/Kind/name[/container] (* matches within a part)`);
    if (typeof e.reason !== 'string' || e.reason.trim().length < MIN_REASON_LENGTH) throw new Failure(`${at}: "reason" must say in at least ${MIN_REASON_LENGTH} characters why ${e.object} may fail ${e.fact}`);
  });
  const checkovSkips = document.checkov ?? [];
  if (!Array.isArray(checkovSkips)) throw new Failure(`${file}: "checkov" must be a list`);
  checkovSkips.forEach((e, i) => {
    const at = `${file} checkov[${i}]`;
    if (typeof e?.check !== 'string' || !/^CKV2?_K8S_\d+$/.test(e.check)) throw new Failure(`${at}: "check" must be a checkov kubernetes check id such as CKV_K8S_11`);
    if (!Array.isArray(e.objects) || !e.objects.length || e.objects.some((o) => typeof o !== 'string' || o.split('/').length !== 3)) {
      throw new Failure(`${at} (${e.check}): "objects" must be a list of namespace/Kind/name (* matches within a part)`);
    }
    if (typeof e.reason !== 'string' || e.reason.trim().length < MIN_REASON_LENGTH) throw new Failure(`${at} (${e.check}): "reason" must say in at least ${MIN_REASON_LENGTH} characters why the check does not apply`);
  });
  return { file: file.replace(`${ROOT}/`, ''), facts, checkov: checkovSkips };
}

/** The tool's path: the toolbox's pinned build, else on PATH (scripts/lib/toolbox.mjs). */
function tool(name, options) {
  const found = findTool(name, options);
  if (!found) throw new Failure(missingTool(name));
  return found;
}

/** Runs the plan rehearsal (every stack: the platform stacks read their producers' outputs), keeping its work directory. */
function rehearse(charts, work) {
  const run = spawnSync(process.execPath, [join(ROOT, 'scripts', 'plan-rehearsal.mjs'), '--charts', charts, '--keep', '--work', work], { stdio: 'inherit' });
  if (run.status !== 0) throw new Failure('the plan rehearsal failed: its plans are what the releases are rendered from');
}

/** Every stack of a kept rehearsal that has a plan: name, directory, plan. */
function rehearsedStacks(work) {
  const outdir = join(work, 'cdktf.out');
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  return Object.entries(manifest.stacks).map(([name, s]) => {
    const dir = join(outdir, s.workingDirectory);
    const planFile = join(dir, 'rehearsal.plan.json');
    if (!existsSync(planFile)) throw new Failure(`${planFile} is missing: the rehearsal was not run with --keep, or ${name} was not planned`);
    return { name, dir, plan: JSON.parse(readFileSync(planFile, 'utf8')) };
  });
}

/** The Kubernetes version each planned cluster runs, by cluster name. */
function clusterVersions(stacks) {
  const versions = new Map();
  for (const { plan } of stacks) {
    for (const rc of plan.resource_changes ?? []) {
      if (rc.type === 'digitalocean_kubernetes_cluster' && rc.change.after?.version) versions.set(rc.change.after.name, rc.change.after.version);
    }
  }
  return versions;
}

/** The cluster a stack installs onto (its digitalocean_kubernetes_cluster data source) and that cluster's version. */
function targetCluster(stack, versions) {
  const data = (stack.plan.prior_state?.values?.root_module?.resources ?? []).filter((r) => r.mode === 'data' && r.type === 'digitalocean_kubernetes_cluster');
  if (data.length !== 1) throw new Failure(`${stack.name}: expected one digitalocean_kubernetes_cluster data source, found ${data.length}`);
  const name = data[0].values.name;
  const slug = versions.get(name);
  if (!slug) throw new Failure(`${stack.name}: installs onto cluster ${name}, which no planned stack creates`);
  const version = slug.match(/^(\d+)\.(\d+)\.(\d+)/);
  if (!version) throw new Failure(`${stack.name}: cluster ${name} has version "${slug}", not x.y.z-do.n`);
  return { name, slug, kubeVersion: `${version[1]}.${version[2]}.${version[3]}`, minor: `${version[1]}.${version[2]}` };
}

/** The namespaces a stack creates, with their Pod Security labels. */
function plannedNamespaces(plan) {
  const namespaces = new Map();
  for (const rc of plan.resource_changes ?? []) {
    if (!/^kubernetes_namespace(_v1)?$/.test(rc.type)) continue;
    const metadata = rc.change.after.metadata[0];
    const labels = metadata.labels ?? {};
    namespaces.set(metadata.name, {
      enforce: labels['pod-security.kubernetes.io/enforce'] ?? 'privileged',
      enforceVersion: labels['pod-security.kubernetes.io/enforce-version'] ?? 'latest',
    });
  }
  return namespaces;
}

/** Kubernetes' schemas at the pinned version, generated once and cached by version and generator. */
function kubernetesSchemaDir(swaggerFile) {
  const spec = readFileSync(swaggerFile);
  const key = createHash('sha256').update(readFileSync(join(ROOT, 'scripts', 'lib', 'kube-schemas.mjs'))).update(spec).digest('hex').slice(0, 12);
  const dir = join(toolboxCache(), 'store', 'kubernetes-schemas', `${KUBERNETES.version}-${key}`);
  const swagger = JSON.parse(spec.toString('utf8'));
  const apiVersions = servedApiVersions(swagger);
  if (!existsSync(join(dir, '.complete'))) {
    const partial = `${dir}.partial.${process.pid}`;
    mkdirSync(partial, { recursive: true });
    for (const [file, { schema }] of kubernetesSchemas(swagger, apiVersions)) writeFileSync(join(partial, file), JSON.stringify(schema));
    writeFileSync(join(partial, '.complete'), '');
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
  }
  return { dir, version: KUBERNETES.version, swagger, apiVersions };
}

/** apiVersion/Kind → namespaced, from the spec's paths and the CRDs' scope. */
function scopes(swagger, crds) {
  const namespaced = new Map();
  for (const [path, item] of Object.entries(swagger.paths)) {
    for (const operation of Object.values(item)) {
      const gvk = operation?.['x-kubernetes-group-version-kind'];
      if (!gvk) continue;
      const key = `${gvk.group ? `${gvk.group}/` : ''}${gvk.version}/${gvk.kind}`;
      if (path.includes('{namespace}')) namespaced.set(key, true);
      else if (!namespaced.has(key)) namespaced.set(key, false);
    }
  }
  for (const crd of crds) for (const v of crd.spec.versions) namespaced.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, crd.spec.scope === 'Namespaced');
  return namespaced;
}

/** The group versions and group/version/Kind entries a cluster's discovery lists, as `--api-versions` takes them. */
function capabilities(swagger, apiVersions, crds) {
  const served = new Set(apiVersions);
  const list = new Set(apiVersions);
  for (const definition of Object.values(swagger.definitions)) {
    for (const { group, version, kind } of definition['x-kubernetes-group-version-kind'] ?? []) {
      const gv = group ? `${group}/${version}` : version;
      if (served.has(gv)) list.add(`${gv}/${kind}`);
    }
  }
  for (const crd of crds) {
    for (const v of crd.spec.versions) {
      if (!v.served) continue;
      list.add(`${crd.spec.group}/${v.name}`);
      list.add(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`);
    }
  }
  return [...list].sort();
}

/**
 * A namespace the stacks do not create (kube-system, DigitalOcean's): the gate holds what the platform installs there
 * to restricted, whatever the cluster's default admits.
 */
const UNMANAGED_NAMESPACE = { enforce: 'restricted', enforceVersion: 'latest' };

const isCrd = (o) => o.apiVersion === 'apiextensions.k8s.io/v1' && o.kind === 'CustomResourceDefinition';

function renderAll(releases, { helm, kubeVersionOf, apiVersions, work }) {
  const env = { ...process.env, HELM_CACHE_HOME: join(work, 'helm', 'cache'), HELM_CONFIG_HOME: join(work, 'helm', 'config'), HELM_DATA_HOME: join(work, 'helm', 'data') };
  for (const release of releases) {
    const valueFiles = release.values.map((doc, i) => {
      const file = join(work, 'values', release.stack, `${release.name}.${i}.yaml`);
      mkdirSync(join(work, 'values', release.stack), { recursive: true });
      writeFileSync(file, doc);
      return file;
    });
    Object.assign(release, { valueFiles }, renderRelease({ helm, release, chartPath: release.chartPath, valueFiles, kubeVersion: kubeVersionOf(release), apiVersions, env }));
  }
}

/** kubeconform -strict on one file: per object, valid or the reason it is not. */
function kubeconform(binary, file, schemaDirs) {
  const args = ['-strict', '-output', 'json', '-verbose', '-kubernetes-version', 'master'];
  for (const dir of schemaDirs) args.push('-schema-location', `${dir}/{{ .ResourceKind }}{{ .KindSuffix }}.json`);
  const run = spawnSync(binary, [...args, file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    throw new Failure(`kubeconform gave no JSON for ${file} (exit ${run.status}): ${run.stderr.trim().split('\n').slice(-3).join(' ')}`);
  }
  return report.resources ?? [];
}

/** Kinds checkov's kubernetes framework has checks for and must have scanned: a file it skips silently fails the gate. */
const CHECKOV_SCANNED = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod', 'Role', 'ClusterRole']);

/**
 * checkov's kubernetes framework on one file per object (on a multi-document file it silently drops whatever it
 * cannot place, kube-prometheus-stack's whole release among them). Returns its results by file.
 */
async function checkov(binary, dir) {
  const report = await checkovReport(binary, ['-d', dir, '--framework', 'kubernetes'], dir);
  const reports = (Array.isArray(report) ? report : [report]).filter((r) => r.check_type === 'kubernetes');
  const byFile = new Map();
  const at = (file) => byFile.get(file) ?? byFile.set(file, { passed: [], failed: [] }).get(file);
  const parsingErrors = [];
  for (const r of reports) {
    for (const c of r.results?.passed_checks ?? []) at(c.file_abs_path).passed.push(c);
    for (const c of r.results?.failed_checks ?? []) at(c.file_abs_path).failed.push(c);
    parsingErrors.push(...(r.results?.parsing_errors ?? []));
  }
  const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return { byFile, parsingErrors, version };
}

/**
 * checkov's helm framework on the project's own chart, with a release's values: what `checkov -d charts` scans when
 * given values that pass the chart's schema (alone it renders nothing, the chart's defaults failing its schema).
 */
async function checkovChart(binary, chartDir, valueFiles) {
  const report = await checkovReport(binary, ['-d', chartDir, '--framework', 'helm', ...valueFiles.flatMap((file) => ['--var-file', file])], chartDir);
  const helm = (Array.isArray(report) ? report : [report]).find((r) => r.check_type === 'helm');
  return { resourceCount: helm?.summary?.resource_count ?? 0, passed: helm?.results?.passed_checks ?? [], failed: helm?.results?.failed_checks ?? [] };
}

/** One checkov run's JSON report; runs go two at a time (checkov takes one core each). */
function checkovReport(binary, args, what) {
  return checkovSlots.run(
    () =>
      new Promise((resolvePromise, reject) => {
        const child = spawn(binary, [...args, '--output', 'json', '--skip-download', '--soft-fail'], { env: { ...process.env, LOG_LEVEL: 'WARNING' } });
        const out = [];
        const err = [];
        child.stdout.on('data', (d) => out.push(d));
        child.stderr.on('data', (d) => err.push(d));
        child.on('error', (error) => reject(new Failure(`cannot run ${binary}: ${error.message}`)));
        child.on('close', (code) => {
          try {
            resolvePromise(JSON.parse(Buffer.concat(out).toString('utf8')));
          } catch {
            reject(new Failure(`no JSON from checkov on ${what} (exit ${code}): ${Buffer.concat(err).toString('utf8').trim().split('\n').slice(-3).join(' ')}`));
          }
        });
      }),
  );
}

/** At most `size` tasks at once. */
function slots(size) {
  let running = 0;
  const waiting = [];
  const next = () => {
    if (running >= size || !waiting.length) return;
    running++;
    const { task, resolveTask, rejectTask } = waiting.shift();
    task().then(resolveTask, rejectTask).finally(() => {
      running--;
      next();
    });
  };
  return { run: (task) => new Promise((resolveTask, rejectTask) => (waiting.push({ task, resolveTask, rejectTask }), next())) };
}
const checkovSlots = slots(2);

/** pod-security on every pod template: verdicts by id. */
function podSecurity(binary, minor, pods) {
  const run = spawnSync(binary, ['-kubernetes-version', `v${minor}`], { input: JSON.stringify(pods), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.status !== 0) throw new Failure(`pod-security failed: ${run.stderr.trim()}`);
  return new Map(JSON.parse(run.stdout).map((v) => [v.id, v]));
}

async function main() {
  const opts = cli.read();
  const helm = tool('helm');
  const kubeconformBinary = tool('kubeconform');
  const podSecurityBinary = tool('pod-security');
  const checkovBinary = tool('checkov', { variable: 'CHECKOV' });
  // The toolbox's env.sh names it; without it, where the toolbox puts the pinned version's.
  const swaggerFile = process.env.CRYPTOPULSE_KUBERNETES_OPENAPI || join(toolboxCache(), 'store', 'kubernetes', KUBERNETES.version, 'swagger.json');
  if (!existsSync(swaggerFile)) throw new Failure(`no Kubernetes OpenAPI spec at ${swaggerFile} (bash toolbox/install.sh, then source its env.sh)`);
  const t0 = Date.now();
  const work = opts.out ?? mkdtempSync(join(tmpdir(), 'cryptopulse-manifests-'));
  mkdirSync(work, { recursive: true });
  const rehearsalDir = opts.rehearsal ?? join(work, 'rehearsal');
  try {
    if (!opts.rehearsal) rehearse(opts.charts, rehearsalDir);
    return await gate({ opts, helm, kubeconformBinary, podSecurityBinary, checkovBinary, swaggerFile, work, rehearsalDir, t0 });
  } finally {
    if (!opts.out) rmSync(work, { recursive: true, force: true });
    else console.log(`${NAME}: rendered manifests, schemas and reports kept in ${work}`);
  }
}

async function gate({ opts, helm, kubeconformBinary, podSecurityBinary, checkovBinary, swaggerFile, work, rehearsalDir, t0 }) {
  const stacks = rehearsedStacks(rehearsalDir);
  const versions = clusterVersions(stacks);
  const kubernetes = kubernetesSchemaDir(swaggerFile);
  const releases = [];
  const targets = new Map();
  for (const stack of stacks) {
    const found = plannedReleases(stack.plan, stack.dir);
    if (!found.length) continue;
    const cluster = targetCluster(stack, versions);
    if (cluster.minor !== kubernetes.version.split('.').slice(0, 2).join('.')) {
      throw new Failure(`${stack.name}: cluster ${cluster.name} runs ${cluster.slug}, the schemas are Kubernetes ${kubernetes.version} (toolbox/versions.json kubernetes.version): pin the same minor`);
    }
    targets.set(stack.name, { cluster, namespaces: plannedNamespaces(stack.plan) });
    for (const release of found) {
      release.stack = stack.name;
      release.chartPath = release.localChart ?? chartArchive(release, opts.charts);
      releases.push(release);
    }
  }
  if (!releases.length) throw new Failure(`no helm_release in the plans of ${rehearsalDir}`);
  const kubeVersionOf = (release) => targets.get(release.stack).cluster.kubeVersion;

  // Two passes: the CRDs the charts ship are part of what the cluster serves once they are installed.
  // CRDs do not depend on values, so the first pass renders each chart once.
  const firstOfEachChart = [...new Map(releases.map((r) => [r.chartPath, r])).values()].map((r) => ({ ...r }));
  renderAll(firstOfEachChart, { helm, kubeVersionOf, apiVersions: capabilities(kubernetes.swagger, kubernetes.apiVersions, []), work });
  const crds = firstOfEachChart.flatMap((r) => r.objects.filter(isCrd));
  const uniqueCrds = [...new Map(crds.map((c) => [c.metadata.name, c])).values()];
  renderAll(releases, { helm, kubeVersionOf, apiVersions: capabilities(kubernetes.swagger, kubernetes.apiVersions, uniqueCrds), work });

  const crdDir = join(work, 'schemas', 'crds');
  mkdirSync(crdDir, { recursive: true });
  for (const [file, { schema }] of crdSchemas(uniqueCrds)) writeFileSync(join(crdDir, file), JSON.stringify(schema));
  const namespaced = scopes(kubernetes.swagger, uniqueCrds);

  let passed = 0;
  let failed = 0;
  const rows = [];
  const allFacts = [];
  const exceptions = readExceptions(opts.exceptions);
  for (const release of releases) {
    const { namespaces, cluster } = targets.get(release.stack);
    const problems = [];
    // As Helm installs them: a namespaced object without a namespace lands in the release's.
    for (const object of release.objects) {
      const key = `${object.apiVersion}/${object.kind}`;
      if (!namespaced.has(key)) problems.push(`${key} ${object.metadata?.name}: the cluster serves no such kind`);
      else if (namespaced.get(key) && !object.metadata.namespace) object.metadata.namespace = release.namespace;
    }
    const file = join(work, 'manifests', release.stack, `${release.name}.yaml`);
    mkdirSync(join(work, 'manifests', release.stack), { recursive: true });
    writeFileSync(file, release.objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n'));
    const objectDir = join(work, 'checkov', release.stack, release.name);
    mkdirSync(objectDir, { recursive: true });
    release.objectFiles = release.objects.map((o, i) => {
      const objectFile = join(objectDir, `${String(i).padStart(3, '0')}.yaml`);
      writeFileSync(objectFile, stringify(o, { lineWidth: 0 }));
      return { file: objectFile, id: `${o.metadata.namespace ?? ''}/${o.kind}/${o.metadata.name}`, kind: o.kind };
    });

    // ---- schemas
    const results = kubeconform(kubeconformBinary, file, [kubernetes.dir, crdDir]);
    const valid = results.filter((r) => r.status === 'statusValid').length;
    for (const r of results.filter((r) => r.status !== 'statusValid')) problems.push(`kubeconform: ${r.kind} ${r.name}: ${r.status.replace(/^status/, '').toLowerCase()}: ${r.msg}`);
    if (results.length !== release.objects.length) problems.push(`kubeconform reported ${results.length} object(s), helm rendered ${release.objects.length}`);

    // ---- Pod Security: admitted at the namespace's enforce level, and a namespace enforcing less than restricted
    // holds only what needs it (a pod that would pass restricted belongs in a restricted namespace).
    const pods = podTemplates(release.objects).map((p) => {
      const level = namespaces.get(p.namespace) ?? UNMANAGED_NAMESPACE;
      return { ...p, level: level.enforce, version: level.enforceVersion };
    });
    const verdicts = podSecurity(podSecurityBinary, cluster.minor, pods.flatMap(({ id, level, version, metadata, spec }) => [
      { id, level, version, metadata, spec },
      { id: `${id} at restricted`, level: 'restricted', version, metadata, spec },
    ]));
    for (const pod of pods) {
      const verdict = verdicts.get(pod.id);
      if (!verdict.allowed) problems.push(`pod security: ${pod.id} in ${pod.namespace} (enforce ${pod.level}): ${verdict.violations.join('; ')}`);
      else if (pod.level !== 'restricted' && verdicts.get(`${pod.id} at restricted`).allowed) {
        problems.push(`pod security: ${pod.id} passes restricted, yet runs in ${pod.namespace}, which enforces ${pod.level}: move it to a restricted namespace`);
      }
    }
    const allowed = pods.filter((pod) => verdicts.get(pod.id).allowed).length;

    // ---- workload facts, on the rendered objects
    const facts = workloadFacts(release.objects, { ownChart: Boolean(release.localChart) }).map((r) => ({ ...r, release }));
    allFacts.push(...facts);
    rows.push({ release, objects: release.objects.length, valid, pods: pods.length, allowed, problems, facts, privilegedPods: pods.filter((p) => p.level !== 'restricted') });
  }
  // ---- checkov's kubernetes checks, on the objects as installed
  const chartRows = rows.filter((r) => r.release.localChart);
  const [scan, ...chartScans] = await Promise.all([
    checkov(checkovBinary, join(work, 'checkov')),
    ...chartRows.map(({ release }) => checkovChart(checkovBinary, release.localChart, release.valueFiles)),
  ]);
  const skips = exceptions.checkov.map((entry) => ({ ...entry, patterns: entry.objects.map(objectPattern), used: 0 }));
  /** A failed check of object `id`: skipped when an exception covers it (and that exception counted as used), else a problem. */
  const countFailure = (row, check, id, scanner) => {
    const skip = skips.find((e) => e.check === check.check_id && e.patterns.some((p) => p.test(id)));
    if (skip) {
      skip.used++;
      row.checkov.skipped++;
    } else {
      row.checkov.failed++;
      row.problems.push(`${scanner}: ${check.check_id} ${id}: ${check.check_name}`);
    }
  };
  for (const row of rows) {
    row.checkov = { passed: 0, failed: 0, skipped: 0 };
    for (const { file, id, kind } of row.release.objectFiles) {
      const result = scan.byFile.get(file);
      if (!result && CHECKOV_SCANNED.has(kind)) row.problems.push(`checkov: ${id}: not scanned (checkov ${scan.version} could not read it)`);
      row.checkov.passed += result?.passed.length ?? 0;
      for (const check of result?.failed ?? []) countFailure(row, check, id, 'checkov');
    }
  }
  for (const [i, row] of chartRows.entries()) {
    const { release } = row;
    const chartScan = chartScans[i];
    if (chartScan.resourceCount !== release.objects.length) {
      row.problems.push(`checkov --framework helm: scanned ${chartScan.resourceCount} resource(s) of the chart, helm renders ${release.objects.length} with these values`);
    }
    // checkov renders as release "release-name" without a namespace: named as Helm installs them.
    const idOf = (resource) => {
      const [kind, namespace, ...name] = resource.split('.');
      return `${namespace === 'default' ? release.namespace : namespace}/${kind}/${name.join('.').replace(/^release-name-/, '')}`;
    };
    row.checkov.passed += chartScan.passed.length;
    for (const check of chartScan.failed) {
      countFailure(row, check, idOf(check.resource), 'checkov --framework helm');
    }
  }
  for (const error of scan.parsingErrors) {
    failed++;
    console.log(`FAIL checkov could not parse ${error}`);
  }
  for (const e of skips.filter((e) => !e.used)) {
    failed++;
    console.log(`FAIL ${exceptions.file}: the checkov skip of ${e.check} for ${e.objects.join(', ')} skips no failed check: remove it`);
  }
  const { results: judged, unused } = applyExceptions(allFacts, exceptions.facts);
  for (const row of rows) {
    row.facts = judged.filter((r) => r.release === row.release);
    for (const r of row.facts.filter((r) => r.problem && !r.excepted)) row.problems.push(`${r.fact}: ${r.object}: ${r.problem}`);
    passed += row.valid + row.allowed + row.facts.filter((r) => !r.problem).length + row.checkov.passed;
    failed += row.problems.length;
  }
  for (const e of unused) {
    failed++;
    console.log(`FAIL ${exceptions.file}: the ${e.fact} exception for ${e.object} excuses nothing: remove it`);
  }

  for (const { release, objects, valid, pods, allowed, problems, facts, checkov: ck } of rows) {
    const chart = release.localChart ? `${NAME_OF_OWN_CHART} ${release.version}` : `${release.chart} ${release.version}`;
    const factsPassed = facts.filter((r) => !r.problem).length;
    const factsExcepted = facts.filter((r) => r.excepted).length;
    console.log(`${problems.length ? 'FAIL' : 'ok  '} ${release.stack} ${release.namespace}/${release.name} (${chart}): ${objects} object(s), ${valid} valid; ${allowed}/${pods} pod template(s) admitted; facts ${factsPassed} passed, ${facts.length - factsPassed - factsExcepted} failed, ${factsExcepted} excepted; checkov ${ck.passed} passed, ${ck.failed} failed, ${ck.skipped} skipped`);
    for (const problem of problems) console.log(`     ${problem}`);
  }
  const privileged = new Map();
  for (const { release, privilegedPods } of rows) for (const pod of privilegedPods) privileged.set(`${release.stack}:${pod.namespace}`, [...(privileged.get(`${release.stack}:${pod.namespace}`) ?? []), pod.id]);
  for (const [where, ids] of privileged) console.log(`${NAME}: ${where} enforces less than restricted, for ${ids.join(', ')} (each fails restricted)`);
  console.log(`${NAME}: ${releases.length} release(s), ${rows.reduce((n, r) => n + r.objects, 0)} object(s), Kubernetes ${[...new Set([...targets.values()].map((t) => t.cluster.kubeVersion))].join(', ')} (schemas ${kubernetes.version}, ${uniqueCrds.length} CRD(s)) in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`${NAME}: ${error?.message ?? error}`);
    console.log('0 passed, 1 failed');
    process.exitCode = 1;
  },
);
