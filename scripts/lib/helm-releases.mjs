// The Helm releases a plan would install, read from `terraform show -json` of the plan (the plan rehearsal keeps one
// per stack as rehearsal.plan.json), and rendered with the helm CLI exactly as the helm provider installs them: the
// chart at its pinned version, the values documents in order (Terraform expressions already evaluated by the plan),
// the release namespace, CRDs included, test hooks left out.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** Attributes of helm_release the renderer does not reproduce: a plan that sets one fails instead of rendering something else. */
const UNSUPPORTED = ['set', 'set_list', 'set_sensitive', 'postrender'];

/** The helm_release resources a plan creates, with what rendering them needs. */
export function plannedReleases(plan, stackDir) {
  const releases = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.type !== 'helm_release' || rc.mode !== 'managed') continue;
    const after = rc.change.after ?? {};
    const unknown = rc.change.after_unknown ?? {};
    for (const attribute of ['name', 'namespace', 'chart', 'version', 'values']) {
      if (unknown[attribute] === true || (Array.isArray(unknown[attribute]) && unknown[attribute].some(Boolean))) {
        throw new Error(`${rc.address}: ${attribute} is known only after apply, so the release cannot be rendered from the plan`);
      }
    }
    for (const attribute of UNSUPPORTED) {
      const value = after[attribute];
      if (value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0)) {
        throw new Error(`${rc.address}: ${attribute} is set; render it with values instead (the manifest gate reads values only)`);
      }
    }
    releases.push({
      address: rc.address,
      name: after.name,
      namespace: after.namespace ?? 'default',
      chart: after.chart,
      version: after.version,
      // A chart repository (a URL) or a local chart directory, relative to the stack's directory.
      repository: after.repository ?? null,
      localChart: after.repository ? null : resolve(stackDir, after.chart),
      values: after.values ?? [],
      skipCrds: after.skip_crds === true,
    });
  }
  return releases;
}

/** The packaged chart of a repository release in a chart repository folder (index.yaml + <chart>-<version>.tgz). */
export function chartArchive(release, chartsDir) {
  const file = join(chartsDir, `${release.chart}-${release.version}.tgz`);
  if (!existsSync(file)) throw new Error(`${release.address}: ${release.chart} ${release.version} is not in ${chartsDir} (add it to the chart repository first)`);
  return file;
}

/**
 * `helm template` of one release: returns the rendered objects (parsed) and the text. `valueFiles` are the release's
 * values documents written to files, in order; `apiVersions` the group versions (and CRD kinds) the cluster serves.
 */
export function renderRelease({ helm, release, chartPath, valueFiles, kubeVersion, apiVersions, env }) {
  const args = ['template', release.name, chartPath, '--namespace', release.namespace, '--kube-version', kubeVersion, '--skip-tests'];
  if (!release.skipCrds) args.push('--include-crds');
  for (const apiVersion of apiVersions) args.push('--api-versions', apiVersion);
  for (const file of valueFiles) args.push('--values', file);
  const run = spawnSync(helm, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, env });
  if (run.error) throw new Error(`cannot run ${helm}: ${run.error.message} (bash toolbox/install.sh, then source its env.sh)`);
  if (run.status !== 0) throw new Error(`${release.address}: helm template failed: ${run.stderr.trim().split('\n').slice(-3).join(' ')}`);
  const objects = [];
  for (const doc of parseAllDocuments(run.stdout)) {
    if (doc.errors.length) throw new Error(`${release.address}: helm rendered YAML that does not parse: ${doc.errors[0].message}`);
    const object = doc.toJS();
    if (object === null || object === undefined) continue;
    // helm template leaves metadata.namespace unset where a chart relies on the release namespace; the install sets it.
    objects.push(object);
  }
  return { objects, text: run.stdout };
}
