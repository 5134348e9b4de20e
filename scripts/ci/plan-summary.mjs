#!/usr/bin/env node
// Summarizes Terraform plans per stack: adds, changes, destroys (replacements count as an add and a
// destroy, as Terraform counts them), the resources behind each, and errors.
//
// Usage: node scripts/ci/plan-summary.mjs <dir> [--out FILE]
//   -h, --help  this text
//   <dir> holds, per stack, what the workflows record:
//     <stack>.log    the output of `cdktf diff <stack>` (or of `terraform plan`), colours allowed
//     <stack>.exit   its exit status (optional)
//     <stack>.json   `terraform show -json` of the saved plan (optional; preferred when present: exact)
//   Prints (or writes to FILE) a JSON array, one summary per stack, sorted by name:
//     { stack, status: "changes"|"no-changes"|"error", source: "plan-json"|"text", add, change, destroy,
//       import, forget, outputsOnly, resources: [{ address, action }], errors: [summary] }
//   Exits 2 on a usage error; a stack whose plan failed is a summary with status "error", not a failure.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineCli, leadingComment, UsageError } from '../lib/cli.mjs';

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
const SPINNER = /^[\u2800-\u28ff]\s/;

/** Plan text without colours, spinner frames and the `<stack>  ` prefix cdktf puts before its lines. */
export function cleanLines(text, stack) {
  const pad = stack ? ' '.repeat(stack.length + 2) : '';
  return text
    .replace(ANSI, '')
    .split(/\r?\n/)
    .map((line) => {
      if (stack && (line === stack || line.startsWith(`${stack} `))) return line.slice(stack.length).replace(/^ {1,2}/, '');
      if (pad && line.startsWith(pad)) return line.slice(pad.length);
      return line;
    })
    .filter((line) => !SPINNER.test(line));
}

const HEADER =
  /^\s*# (?<address>\S+)(?: \([^)]*\))? (?<what>will be created|will be destroyed|will be updated in-place|must be replaced|is tainted, so must be replaced|will be replaced, as requested|will be read during apply|will no longer be managed by Terraform|will be imported)\b/;
const ACTIONS = {
  'will be created': 'create',
  'will be destroyed': 'delete',
  'will be updated in-place': 'update',
  'must be replaced': 'replace',
  'is tainted, so must be replaced': 'replace',
  'will be replaced, as requested': 'replace',
  'will be read during apply': 'read',
  'will no longer be managed by Terraform': 'forget',
  'will be imported': 'import',
};

function emptySummary(stack, source) {
  return { stack, status: 'no-changes', source, add: 0, change: 0, destroy: 0, import: 0, forget: 0, outputsOnly: false, resources: [], errors: [] };
}

/** Summary of `cdktf diff` / `terraform plan` output. */
export function summarizePlanText(text, { stack, exitCode = 0 } = {}) {
  const summary = emptySummary(stack, 'text');
  const lines = cleanLines(text, stack);
  let planLine = false;
  let noChanges = false;
  let outputs = false;
  for (const line of lines) {
    const header = HEADER.exec(line);
    if (header) {
      const { address, what } = header.groups;
      if (!summary.resources.some((resource) => resource.address === address && resource.action === ACTIONS[what])) {
        summary.resources.push({ address, action: ACTIONS[what] });
      }
      continue;
    }
    const plan = /^\s*Plan: (.*)\.\s*$/.exec(line);
    if (plan) {
      planLine = true;
      for (const [, count, kind] of plan[1].matchAll(/(\d+) to (import|add|change|destroy|forget)/g)) summary[kind] = Number(count);
      continue;
    }
    if (/^\s*No changes\./.test(line)) noChanges = true;
    if (/^\s*Changes to Outputs:/.test(line)) outputs = true;
    const error = /^\s*(?:\[[^\]]*\] \[ERROR\] \S+ - )?(?:│ )?Error: (.+?)\s*$/.exec(line);
    if (error && !summary.errors.includes(error[1])) summary.errors.push(error[1]);
  }
  if (summary.errors.length > 0 || exitCode !== 0) {
    summary.status = 'error';
    if (summary.errors.length === 0) summary.errors.push(`exit status ${exitCode} without an error message in the output`);
  } else if (planLine) {
    summary.status = 'changes';
  } else if (outputs) {
    summary.status = 'changes';
    summary.outputsOnly = true;
  } else if (!noChanges) {
    summary.status = 'error';
    summary.errors.push('no plan in the output (neither "Plan:" nor "No changes.")');
  }
  return summary;
}

/** Summary of `terraform show -json <planfile>`: exact, from resource_changes. */
export function summarizePlanJson(plan, { stack } = {}) {
  const summary = emptySummary(stack, 'plan-json');
  for (const resource of plan.resource_changes ?? []) {
    const actions = resource.change?.actions ?? [];
    let action;
    if (actions.includes('delete') && actions.includes('create')) action = 'replace';
    else if (actions.length === 1 && ['create', 'update', 'delete', 'read', 'forget'].includes(actions[0])) action = actions[0];
    if (resource.change?.importing) summary.import += 1;
    if (action === 'create' || action === 'replace') summary.add += 1;
    if (action === 'update') summary.change += 1;
    if (action === 'delete' || action === 'replace') summary.destroy += 1;
    if (action === 'forget') summary.forget += 1;
    if (action) summary.resources.push({ address: resource.address, action });
    else if (resource.change?.importing) summary.resources.push({ address: resource.address, action: 'import' });
  }
  const infrastructure = summary.add + summary.change + summary.destroy + summary.import + summary.forget;
  const outputs = Object.values(plan.output_changes ?? {}).some((change) => !(change.actions ?? []).every((action) => action === 'no-op'));
  if (plan.errored) {
    summary.status = 'error';
    summary.errors.push('the plan is marked as errored');
  } else if (infrastructure > 0) summary.status = 'changes';
  else if (outputs) {
    summary.status = 'changes';
    summary.outputsOnly = true;
  }
  return summary;
}

/** One summary per `<stack>.log` in `dir`: from `<stack>.json` when present, else from the log. */
export function summarizeDirectory(dir) {
  const stacks = readdirSync(dir)
    .filter((file) => file.endsWith('.log'))
    .map((file) => file.slice(0, -'.log'.length))
    .sort();
  return stacks.map((stack) => {
    const file = (extension) => join(dir, `${stack}${extension}`);
    const exitCode = existsSync(file('.exit')) ? Number(readFileSync(file('.exit'), 'utf8').trim() || '0') : 0;
    const fromText = summarizePlanText(readFileSync(file('.log'), 'utf8'), { stack, exitCode });
    if (fromText.status === 'error' || !existsSync(file('.json'))) return fromText;
    return summarizePlanJson(JSON.parse(readFileSync(file('.json'), 'utf8')), { stack });
  });
}

const cli = defineCli({
  name: 'plan-summary',
  usage: leadingComment(import.meta.url),
  options: { out: { type: 'string' } },
  positionals: true,
  check: ({ values, positionals }) => {
    if (positionals.length !== 1) throw new UsageError(`give one directory (got ${positionals.length})`);
    if (!existsSync(positionals[0])) throw new UsageError(`no such directory: ${positionals[0]}`);
    return { dir: positionals[0], out: values.out };
  },
});

function main(argv) {
  const { args, status } = cli.command(argv);
  if (status !== undefined) return status;
  const { dir, out } = args;
  const json = `${JSON.stringify(summarizeDirectory(dir), null, 2)}\n`;
  if (out) writeFileSync(out, json);
  else process.stdout.write(json);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
