#!/usr/bin/env node
// npm run test:plan — a deploy rehearsal: every stack of every environment planned offline, in dependency order,
// by the real engine and the real provider binaries.
//
//  1. Starts a loopback stand-in (127.0.0.1 only) for the DigitalOcean and Cloudflare APIs and a chart repository
//     serving a copy of the chart folder (scripts/rehearsal/api-stub.mjs), and one for the Terraform Cloud API over
//     TLS (scripts/rehearsal/tfc-stub.mjs).
//  2. Synthesizes the app into its own work directory with the endpoints pointed at them
//     (CRYPTOPULSE_DIGITALOCEAN_API_ENDPOINT, CRYPTOPULSE_SPACES_ENDPOINT, CRYPTOPULSE_CLOUDFLARE_BASE_URL,
//     CRYPTOPULSE_CHART_REPOSITORY, CRYPTOPULSE_TFC_HOSTNAME), the Terraform Cloud bootstrap stack selected
//     (CRYPTOPULSE_TFC_BOOTSTRAP=true) and the local state backend, the default a user has.
//  3. Per stack, dependencies first: init, plan, show -json. The plan gets only the TF_VAR_* that
//     docs/variables.md tells a user to set (dummy values), so a variable the docs miss fails the plan.
//     Asserted: no delete or replace on a first plan; as many resources created as the stack declares; every
//     resource of a stateful type carries prevent_destroy, and the engine refuses to destroy each one
//     (`plan -destroy` against a state holding the planned resources fails with "Instance cannot be destroyed").
//  4. Then the stack's own declared outputs, typed by the providers' schemas, go into its local state file, where
//     the consumers' terraform_remote_state reads them through the same backend settings.
// Any request the stand-in does not know fails the rehearsal with its method and path.
//
// Usage: npm run test:plan -- --charts DIR [--stack NAME]... [--parallel 1|2] [--timeout SECONDS] [--work DIR] [--keep]
//   --charts DIR       a Helm chart repository folder (index.yaml + packaged charts) holding the pinned charts;
//                      default $CRYPTOPULSE_REHEARSAL_CHARTS
//   --stack NAME       plan this stack (repeatable); its dependencies are planned first. Default: every stack
//   --parallel N       stacks planned at once, 1 or 2 (default 2)
//   --timeout SECONDS  limit for each engine command (default 600)
//   --work DIR         work directory (default a new temporary one); it must not exist or be empty
//   --keep             keep the work directory (plans, each as rehearsal.plan.json too, state files, synthesized
//                      stacks) for a look, or for npm run test:manifests -- --rehearsal DIR
//   -h, --help         this text
//
// Needs the engine and a provider mirror (TF_CLI_CONFIG_FILE, as the toolbox's env.sh sets it): the rehearsal never
// reaches a registry. Prints one line per stack and closes with "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startApiStub } from './rehearsal/api-stub.mjs';
import { startTfcStub } from './rehearsal/tfc-stub.mjs';
import { appliedValues, blockType, outputsState, resourceSchema, stateFile } from './rehearsal/state.mjs';
import { ENGINE_OPTIONS, engineLimits, engineVersion, errorLines, MISSING_PROVIDER, oneLine, run, secs } from './lib/engine.mjs';
import { MISSING_ENGINE, pickEngine } from './lib/toolbox.mjs';
import { requireTypeScript } from './lib/esbuild-runner.cjs';
import { defineCli, leadingComment, UsageError } from './lib/cli.mjs';
import { chartRepositoryProblem } from './lib/chart-mirror.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const NAME = 'plan-rehearsal';

const cli = defineCli({
  name: NAME,
  usage: leadingComment(import.meta.url),
  options: {
    charts: { type: 'string' },
    stack: { type: 'string', multiple: true, default: [] },
    ...ENGINE_OPTIONS,
    work: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
  check: ({ values }) => {
    const { parallel, timeout } = engineLimits(values);
    const charts = values.charts ?? process.env.CRYPTOPULSE_REHEARSAL_CHARTS;
    const chartsProblem = chartRepositoryProblem(charts);
    if (chartsProblem) throw new UsageError(chartsProblem);
    if (values.work && existsSync(values.work) && readdirSync(values.work).length) throw new UsageError(`--work: "${values.work}" is not empty`);
    return { ...values, charts: resolve(charts), parallel, timeout };
  },
});

/** The TF_VAR_ names docs/variables.md tells a user to set, each with a dummy value of the right shape. */
function documentedVariables() {
  const file = join(ROOT, 'docs', 'variables.md');
  if (!existsSync(file)) throw new Failure(`no ${file}: the variables reference is what a plan may be given`);
  const names = [...readFileSync(file, 'utf8').matchAll(/^\| `TF_VAR_([a-z0-9_]+)` \|/gm)].map((m) => m[1]);
  if (!names.length) throw new Failure(`${file} lists no TF_VAR_ variable`);
  return Object.fromEntries(
    names.map((name) => [`TF_VAR_${name}`, name.endsWith('_url') ? `https://hooks.slack.invalid/rehearsal/${name}` : `rehearsal-${name.replace(/_/g, '-')}`]),
  );
}

class Failure extends Error {}

function openssl(args, what) {
  const r = spawnSync('openssl', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Failure(`openssl could not make ${what}: ${oneLine(r.stderr || r.error?.message)}`);
}

/**
 * A throwaway CA: the clusters' and databases' CA in the stand-in's answers, and the issuer of the Terraform Cloud
 * stand-in's certificate for 127.0.0.1. Returns the CA certificate's path and PEM, and that server key pair.
 */
function rehearsalCertificates(dir) {
  const ca = { key: join(dir, 'ca.key'), crt: join(dir, 'ca.crt') };
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '30',
    '-subj', '/CN=cryptopulse-rehearsal-ca', '-keyout', ca.key, '-out', ca.crt], 'the rehearsal CA');
  const server = { key: join(dir, 'tfc.key'), csr: join(dir, 'tfc.csr'), crt: join(dir, 'tfc.crt'), ext: join(dir, 'tfc.ext') };
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=127.0.0.1',
    '-keyout', server.key, '-out', server.csr], 'the Terraform Cloud stand-in key');
  writeFileSync(server.ext, 'subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n');
  openssl(['x509', '-req', '-in', server.csr, '-CA', ca.crt, '-CAkey', ca.key, '-set_serial', '1', '-days', '30',
    '-extfile', server.ext, '-out', server.crt], 'the Terraform Cloud stand-in certificate');
  return {
    caFile: ca.crt,
    caPem: readFileSync(ca.crt, 'utf8'),
    tls: { key: readFileSync(server.key, 'utf8'), cert: readFileSync(server.crt, 'utf8') },
  };
}

/** The organization the rehearsal's bootstrap sets up. */
const TFC_ORGANIZATION = 'cryptopulse-rehearsal';

/** The world the stand-in describes; it fills as the synthesis and the plans say what exists. */
function emptyWorld(caCertificatePem) {
  return { clusters: [], zones: [], loadBalancers: [], databaseIds: new Set(), caCertificatePem };
}

/** Adds what exists once the producers are applied, as far as the synthesized stacks say by name. */
function addSynthesized(world, stacks) {
  for (const { json } of stacks.values()) {
    for (const cluster of Object.values(json.resource?.digitalocean_kubernetes_cluster ?? {})) world.clusters.push({ name: cluster.name, region: cluster.region });
    // The zone is a prerequisite a user creates in Cloudflare before the first deploy (docs/edge.md, "Zone prerequisites").
    for (const zone of Object.values(json.data?.cloudflare_zone ?? {})) if (zone.filter?.name) world.zones.push(zone.filter.name);
  }
}

/** The ingress load balancers a platform plan would create: the names its ingress-nginx values ask DigitalOcean for. */
function plannedLoadBalancers(plan, stackJson, world) {
  // In the region of the cluster the stack installs onto.
  const clusterName = Object.values(stackJson.data?.digitalocean_kubernetes_cluster ?? {})[0]?.name;
  const region = world.clusters.find((cluster) => cluster.name === clusterName)?.region;
  const found = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.type !== 'helm_release' || !rc.change.after?.values) continue;
    for (const doc of rc.change.after.values) {
      const service = parseYaml(doc)?.controller?.service;
      const name = service?.annotations?.['service.beta.kubernetes.io/do-loadbalancer-name'];
      if (name) {
        found.push({
          name,
          region,
          sizeUnit: Number(service.annotations['service.beta.kubernetes.io/do-loadbalancer-size-unit'] ?? 1),
          proxyProtocol: service.annotations['service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol'] === 'true',
        });
      }
    }
  }
  return found;
}

/** Resources the stack creates, counting `count` when it is a number. */
function declaredResourceCount(json) {
  let n = 0;
  for (const named of Object.values(json.resource ?? {})) {
    for (const config of Object.values(named)) n += typeof config.count === 'number' ? config.count : 1;
  }
  return n;
}

function protectedAddresses(json) {
  const found = [];
  for (const [type, named] of Object.entries(json.resource ?? {})) {
    for (const [name, config] of Object.entries(named)) if (config.lifecycle?.prevent_destroy === true) found.push(`${type}.${name}`);
  }
  return found.sort();
}

function backendStatePath(stack) {
  const local = stack.json.terraform?.backend?.local;
  if (!local?.path) throw new Failure(`${stack.name}: the rehearsal synthesizes with the local backend, but the stack has ${JSON.stringify(Object.keys(stack.json.terraform?.backend ?? {}))}`);
  return resolve(stack.dir, local.path);
}

/** Stacks in dependency order: the requested ones and everything they depend on. */
function planOrder(manifest, requested) {
  const all = Object.keys(manifest.stacks);
  const unknown = requested.filter((name) => !all.includes(name));
  if (unknown.length) throw new Failure(`--stack: no such stack ${unknown.join(', ')} (have: ${all.join(', ')})`);
  const wanted = new Set();
  const visit = (name) => {
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const dep of manifest.stacks[name].dependencies ?? []) visit(dep);
  };
  for (const name of requested.length ? requested : all) visit(name);
  return [...wanted];
}

async function main() {
  const opts = cli.read();
  const engine = pickEngine();
  if (!engine) throw new Failure(MISSING_ENGINE);
  if (!process.env.TF_CLI_CONFIG_FILE) throw new Failure('TF_CLI_CONFIG_FILE is not set: the rehearsal installs providers from a mirror only (source the toolbox env.sh)');
  const variables = documentedVariables();
  const rules = requireTypeScript(ROOT, 'guardrails/rules/data.ts', { cache: 'cryptopulse-scripts', dependsOn: ['package-lock.json'] });
  if (!rules) throw new Failure('guardrails/rules/data.ts does not build or load (see above)');
  const { STATEFUL_TYPES } = rules;

  const work = opts.work ? resolve(opts.work) : mkdtempSync(join(tmpdir(), 'cryptopulse-rehearsal-'));
  mkdirSync(work, { recursive: true });
  let stub;
  let tfc;
  try {
    const charts = join(work, 'charts');
    cpSync(opts.charts, charts, { recursive: true });
    const certificates = rehearsalCertificates(work);
    const world = emptyWorld(certificates.caPem);
    stub = await startApiStub({ world, chartsDir: charts });
    tfc = await startTfcStub({ tls: certificates.tls });
    return await rehearse({ opts, engine, variables, STATEFUL_TYPES, work, world, stub, tfc, caFile: certificates.caFile });
  } finally {
    await stub?.close();
    await tfc?.close();
    if (opts.keep) console.log(`${NAME}: work directory kept: ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

async function rehearse({ opts, engine, variables, STATEFUL_TYPES, work, world, stub, tfc, caFile }) {
  const t0 = Date.now();
  // ---- synth, pointed at the stand-in, with the default (local) state backend
  const synthEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CRYPTOPULSE_')));
  Object.assign(synthEnv, {
    CDKTF_OUTDIR: join(work, 'cdktf.out'),
    CHECKPOINT_DISABLE: '1',
    CRYPTOPULSE_DIGITALOCEAN_API_ENDPOINT: stub.url,
    CRYPTOPULSE_SPACES_ENDPOINT: `${stub.url}/spaces/{{.Region}}`,
    CRYPTOPULSE_CLOUDFLARE_BASE_URL: `${stub.url}/client/v4`,
    CRYPTOPULSE_CHART_REPOSITORY: `${stub.url}/charts`,
    CRYPTOPULSE_TFC_BOOTSTRAP: 'true',
    CRYPTOPULSE_TFC_ORGANIZATION: TFC_ORGANIZATION,
    CRYPTOPULSE_TFC_HOSTNAME: tfc.host,
  });
  const synth = spawnSync(process.execPath, [join(ROOT, 'scripts', 'app.cjs')], { cwd: work, env: synthEnv, encoding: 'utf8' });
  if (synth.status !== 0) throw new Failure(`synth failed: ${oneLine(synth.stderr || synth.stdout)}`);
  const outdir = join(work, 'cdktf.out');
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
  const stacks = new Map(
    Object.entries(manifest.stacks).map(([name, s]) => {
      const dir = join(outdir, s.workingDirectory);
      return [name, { name, dir, deps: s.dependencies ?? [], json: JSON.parse(readFileSync(join(outdir, s.synthesizedStackPath), 'utf8')) }];
    }),
  );
  addSynthesized(world, stacks);
  const order = planOrder(manifest, opts.stack);
  const version = engineVersion(engine, process.env);
  if (!version) throw new Failure(`cannot run the engine ${engine}`);
  console.log(`${NAME}: ${engine} (v${version}); providers: ${process.env.TF_CLI_CONFIG_FILE}; stand-ins ${stub.url}, https://${tfc.host}; ${order.length} stack(s), parallel ${opts.parallel}`);

  // ---- the engine's environment: dummy credentials, documented variables only, helm and kube config in the work dir
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(TF_VAR_|TF_TOKEN_|TFE_|KUBE_|KUBECONFIG$|HELM_|DIGITALOCEAN_|CLOUDFLARE_|SPACES_|AWS_|SSL_CERT_|https?_proxy$|HTTPS?_PROXY$)/.test(k)),
  );
  Object.assign(env, variables, {
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    HELM_CACHE_HOME: join(work, 'helm', 'cache'),
    HELM_CONFIG_HOME: join(work, 'helm', 'config'),
    HELM_DATA_HOME: join(work, 'helm', 'data'),
    KUBECONFIG: join(work, 'no-kubeconfig'),
    NO_PROXY: '127.0.0.1',
    DIGITALOCEAN_TOKEN: `dop_v1_${'0'.repeat(64)}`,
    SPACES_ACCESS_KEY_ID: 'DO00REHEARSAL0000000',
    SPACES_SECRET_ACCESS_KEY: 'rehearsal-not-a-real-secret-key-000000000',
    CLOUDFLARE_API_TOKEN: '0'.repeat(40),
    TFE_TOKEN: 'rehearsal.atlasv1.not-a-real-token',
    // The tfe provider trusts the rehearsal CA, which signed the Terraform Cloud stand-in's certificate.
    SSL_CERT_FILE: caFile,
  });

  const results = new Map();
  const started = new Set();
  const ctx = { opts, engine, env, version, STATEFUL_TYPES, world, stub, schemas: new Map() };

  // Dependency order: a stack starts once every stack it depends on has passed; one whose dependency failed is
  // reported as failed without a plan.
  const pending = new Set(order);
  const running = new Map();
  while (pending.size || running.size) {
    let settled = 0;
    for (const name of [...pending]) {
      if (running.size >= opts.parallel) break;
      const stack = stacks.get(name);
      const deps = stack.deps.filter((d) => order.includes(d));
      if (deps.some((d) => !results.has(d))) continue;
      pending.delete(name);
      const failedDeps = deps.filter((d) => results.get(d).status !== 'passed');
      if (failedDeps.length) {
        report({ stack: name, status: 'failed', errors: [`not planned: ${failedDeps.join(', ')} failed`], ms: 0, timings: '' });
        results.set(name, { status: 'failed' });
        settled++;
        continue;
      }
      started.add(name);
      running.set(name, rehearseStack(stack, ctx).then((r) => { results.set(name, r); running.delete(name); report(r); }));
    }
    if (running.size) await Promise.race(running.values());
    else if (pending.size && !settled) throw new Failure(`dependency cycle among ${[...pending].join(', ')}`);
  }

  const passed = [...results.values()].filter((r) => r.status === 'passed').length;
  let failed = results.size - passed;
  for (const [name, standIn] of [['API', stub], ['Terraform Cloud', tfc]]) {
    if (!standIn.unknown.length) continue;
    failed++;
    console.log(`FAIL the ${name} stand-in was asked what it does not know (add a fixture shaped like the real response):`);
    for (const request of [...new Set(standIn.unknown)]) console.log(`     ${request}`);
  }
  console.log(`${NAME}: ${results.size} stack(s) in ${secs(Date.now() - t0)}; the stand-ins answered ${stub.requests.length + tfc.requests.length} request(s)`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

function report(r) {
  const tag = r.status === 'passed' ? 'ok  ' : 'FAIL';
  console.log(`${tag} ${r.stack} (${secs(r.ms)}${r.timings ? `: ${r.timings}` : ''})${r.summary ? ` ${r.summary}` : ''}`);
  for (const e of r.errors) console.log(`     error: ${r.stack}: ${e}`);
}

async function engineStep(ctx, stack, label, args, timings) {
  const r = await run(ctx.engine, args, { cwd: stack.dir, env: ctx.env, timeoutS: ctx.opts.timeout });
  timings.push(`${label} ${secs(r.ms)}`);
  return r;
}

async function rehearseStack(stack, ctx) {
  const t0 = Date.now();
  const timings = [];
  const errors = [];
  const done = (summary) => ({ stack: stack.name, status: errors.length ? 'failed' : 'passed', errors, ms: Date.now() - t0, timings: timings.join(', '), summary });
  const statePath = backendStatePath(stack);

  // From a filesystem mirror the engine links each provider into .terraform rather than copying it.
  const init = await engineStep(ctx, stack, 'init', ['init', '-input=false', '-no-color'], timings);
  if (init.code !== 0) {
    const missing = MISSING_PROVIDER.test(init.stderr) ? ' (a provider is missing from the mirror: run bash toolbox/install.sh)' : '';
    errors.push(...errorLines(init.stderr).map((e) => `init: ${e}${missing}`));
    if (!errors.length) errors.push(`init: exit ${init.code}: ${oneLine(init.stderr || init.stdout)}`);
    return done();
  }

  const plan = await engineStep(ctx, stack, 'plan', ['plan', '-input=false', '-no-color', '-lock=false', '-out=rehearsal.tfplan'], timings);
  if (plan.code !== 0) {
    errors.push(...errorLines(plan.stderr).map((e) => `plan: ${e}`));
    if (!errors.length) errors.push(`plan: exit ${plan.code}${plan.timedOut ? ' (timed out)' : ''}: ${oneLine(plan.stderr || plan.stdout)}`);
    return done();
  }
  const show = await engineStep(ctx, stack, 'show', ['show', '-json', 'rehearsal.tfplan'], timings);
  const planJson = JSON.parse(show.stdout);
  // Kept for what reads the plan afterwards (the manifest gate renders the helm releases from it).
  if (ctx.opts.keep) writeFileSync(join(stack.dir, 'rehearsal.plan.json'), show.stdout);

  // ---- facts of a first plan
  const changes = (planJson.resource_changes ?? []).filter((rc) => rc.mode === 'managed');
  for (const rc of changes) {
    if (rc.change.actions.join(',') !== 'create') errors.push(`${rc.address}: a first plan must only create, this one plans ${rc.change.actions.join('+')}`);
  }
  const created = changes.filter((rc) => rc.change.actions.join(',') === 'create').length;
  const declared = declaredResourceCount(stack.json);
  if (created !== declared) errors.push(`plans ${created} resource(s) to create, the stack declares ${declared}`);
  const guarded = protectedAddresses(stack.json);
  for (const rc of changes) {
    const base = rc.address.replace(/\[[^\]]*\]$/, '');
    if (ctx.STATEFUL_TYPES.includes(rc.type) && !guarded.includes(base)) errors.push(`${rc.address}: holds data but has no lifecycle.prevent_destroy`);
  }

  // ---- the engine refuses to destroy what is protected
  if (guarded.length) {
    const schemas = await providerSchemas(ctx, stack, timings);
    const resources = guardedStateResources(planJson, guarded, schemas);
    writeState(statePath, stateFile({ engineVersion: ctx.version, lineageSeed: `${stack.name}:guarded`, resources }));
    const destroy = await engineStep(ctx, stack, 'plan -destroy', ['plan', '-destroy', '-refresh=false', '-input=false', '-no-color', '-lock=false'], timings);
    rmSync(statePath, { force: true });
    writeFileSync(join(stack.dir, 'rehearsal-destroy.log'), destroy.stderr);
    const refused = new Set([...destroy.stderr.matchAll(/Resource\s+(\S+)\s+has\s+lifecycle\.prevent_destroy\s+set/g)].map((m) => m[1]));
    if (destroy.code === 0) errors.push(`plan -destroy succeeded: prevent_destroy did not stop it (${guarded.join(', ')})`);
    for (const address of guarded) if (!refused.has(address)) errors.push(`plan -destroy did not refuse to destroy ${address}`);
    const other = errorLines(destroy.stderr).filter((e) => !e.startsWith('Instance cannot be destroyed'));
    errors.push(...other.map((e) => `plan -destroy: ${e}`));
    if (!errors.length) stack.refused = refused.size;
  }

  // ---- what the consumers will read: the stack's declared outputs in its local state
  if (!errors.length && Object.keys(stack.json.output ?? {}).length) {
    const schemas = await providerSchemas(ctx, stack, timings);
    const outputs = outputsState(stack.json, schemas);
    writeState(statePath, stateFile({ engineVersion: ctx.version, lineageSeed: stack.name, outputs }));
    for (const [name, output] of Object.entries(stack.json.output)) {
      if (/^\$\{digitalocean_database_cluster\.[^.]+\.id\}$/.test(output.value)) ctx.world.databaseIds.add(outputs[name].value);
    }
  }
  ctx.world.loadBalancers.push(...plannedLoadBalancers(planJson, stack.json, ctx.world));

  const summary = `${created} to add${guarded.length ? `, ${guarded.length} protected (destroy refused)` : ''}`;
  return done(summary);
}

/** The providers' schemas, dumped once per set of required providers (stacks with the same set share them). */
async function providerSchemas(ctx, stack, timings) {
  const key = JSON.stringify(stack.json.terraform?.required_providers ?? {});
  if (!ctx.schemas.has(key)) {
    ctx.schemas.set(key, engineStep(ctx, stack, 'schema', ['providers', 'schema', '-json'], timings).then((r) => {
      if (r.code !== 0) throw new Failure(`${stack.name}: providers schema -json failed: ${oneLine(r.stderr)}`);
      return JSON.parse(r.stdout);
    }));
  }
  return ctx.schemas.get(key);
}

/** The protected resources as an apply would leave them: the planned values, unknowns filled by schema type. */
function guardedStateResources(planJson, guarded, schemas) {
  const planned = new Map((planJson.planned_values?.root_module?.resources ?? []).map((r) => [r.address, r]));
  return (planJson.resource_changes ?? [])
    .filter((rc) => rc.mode === 'managed' && guarded.includes(rc.address))
    .map((rc) => {
      const schema = resourceSchema(schemas, rc.type);
      const values = appliedValues(planned.get(rc.address).values, rc.change.after_unknown, blockType(schema.block), {
        type: rc.type, config: rc.change.after, seed: rc.address, name: rc.name,
      });
      return {
        mode: 'managed',
        type: rc.type,
        name: rc.name,
        provider: `provider["${rc.provider_name}"]`,
        instances: [{ schema_version: schema.version ?? 0, attributes: values, sensitive_attributes: [] }],
      };
    });
}

function writeState(path, state) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(state, null, 2)}\n`);
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`${NAME}: ${error instanceof Failure ? error.message : error?.stack || error}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
