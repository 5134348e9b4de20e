#!/usr/bin/env node
// Drift report: after the scheduled `cdktf diff` of every stack of an environment, keeps one open issue
// (label "drift") in step with what the plans found.
//   drift (a stack's plan would change infrastructure)  open the issue, or replace its body with this report
//   no drift and every plan succeeded                   comment on the open issue and close it
//   a plan failed and none drifted                      leave the issue as it is: the run proves nothing
//
// Usage: node scripts/ci/drift-issue.mjs --plans FILE --environment NAME [--run-url URL] [--dry-run]
//   --plans     plan summaries (scripts/ci/plan-summary.mjs)
//   --dry-run   print the report and the decision, do not call GitHub
//   -h, --help  this text
//   Needs GITHUB_TOKEN and GITHUB_REPOSITORY (GITHUB_API_URL optional) unless --dry-run.
//   Exit status: 0 when every plan ran (drift or not: the issue is the signal); 1 when a plan failed or
//   GitHub refused a call; 2 on a usage error.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { defineCli, leadingComment, UsageError } from '../lib/cli.mjs';
import { clientFromEnv, syncIssue } from './github.mjs';

export const LABEL = 'drift';
export const markerFor = (environment) => `<!-- cryptopulse:drift:${environment} -->`;

const code = (text) => `\`${text}\``;

/** What the plans say about `environment`, and the issue body that reports it. */
export function driftReport(summaries, { environment, runUrl, now = new Date() }) {
  const drifted = summaries.filter((summary) => summary.status === 'changes' && !summary.outputsOnly);
  const failed = summaries.filter((summary) => summary.status === 'error');
  const when = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const lines = [
    markerFor(environment),
    `The live ${environment} infrastructure differs from the code on the default branch (checked ${when}${runUrl ? `, [workflow run](${runUrl})` : ''}).`,
    '',
    '| stack | to add | to change | to destroy |',
    '| --- | ---: | ---: | ---: |',
    ...drifted.map((summary) => `| ${code(summary.stack)} | ${summary.add} | ${summary.change} | ${summary.destroy > 0 ? `**${summary.destroy}**` : 0} |`),
    '',
    ...drifted.flatMap((summary) => [
      `**${summary.stack}**`,
      ...summary.resources.filter((resource) => resource.action !== 'read').map((resource) => `- ${resource.action} ${code(resource.address)}`),
      '',
    ]),
  ];
  if (failed.length) lines.push(`Plans that failed (unknown drift): ${failed.map((summary) => code(summary.stack)).join(', ')}.`, '');
  lines.push(
    'Either apply the code again (re-run the deploy workflow for the last release tag) to undo changes made outside Terraform, or bring the change into the code through a pull request. This issue closes itself once a scheduled check finds no drift.',
  );
  return {
    drift: drifted.length > 0,
    failed: failed.map((summary) => summary.stack),
    title: `Drift: the ${environment} infrastructure differs from the code`,
    body: `${lines.join('\n')}\n`,
    closingComment: `No drift in any ${environment} stack as of ${when}${runUrl ? ` ([workflow run](${runUrl}))` : ''}. Closing.`,
  };
}

const cli = defineCli({
  name: 'drift-issue',
  usage: leadingComment(import.meta.url),
  options: { plans: { type: 'string' }, environment: { type: 'string' }, 'run-url': { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
  check: ({ values }) => {
    if (!values.plans || !values.environment) throw new UsageError('--plans and --environment are required');
    return { ...values, dryRun: values['dry-run'] };
  },
});

/**
 * The command line: `argv` without node and the script; returns the exit status. `io` is the process's
 * environment and output unless a test passes its own, so the tests run it in process.
 */
export async function main(argv, io = {}) {
  const { env = process.env, stdout = (text) => process.stdout.write(text), stderr = (text) => process.stderr.write(text) } = io;
  const log = (line) => stdout(`${line}\n`);
  const { args: o, status } = cli.command(argv, { stdout, stderr });
  if (status !== undefined) return status;
  try {
    const summaries = JSON.parse(readFileSync(o.plans, 'utf8'));
    const report = driftReport(summaries, { environment: o.environment, runUrl: o['run-url'] });
    for (const summary of summaries) log(`${summary.stack}: ${summary.status}${summary.outputsOnly ? ' (outputs only)' : ''}`);
    if (report.failed.length) log(`plans failed: ${report.failed.join(', ')}`);
    const decision = report.drift ? 'open or update the drift issue' : report.failed.length ? 'leave the drift issue as it is' : 'close the drift issue if one is open';
    log(`${report.drift ? 'DRIFT' : 'no drift'}: ${decision}`);
    if (o.dryRun) {
      stdout(`\n${report.body}`);
    } else if (report.drift || report.failed.length === 0) {
      const result = await syncIssue(clientFromEnv(env), {
        marker: markerFor(o.environment),
        label: LABEL,
        title: report.title,
        body: report.body,
        open: report.drift,
        closingComment: report.closingComment,
      });
      log(`drift-issue: ${result.action}${result.number ? ` #${result.number}` : ''}`);
    }
    return report.failed.length ? 1 : 0;
  } catch (error) {
    stderr(`drift-issue: ${error.message}\n`);
    return 1;
  }
}

// Not a top-level await: the tests load this module in process, compiled to CommonJS.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((status) => {
    process.exitCode = status;
  });
}
