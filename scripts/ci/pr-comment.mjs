#!/usr/bin/env node
// The pull-request report: one comment per pull request, updated in place on every push, with each
// affected stack's plan summary (adds / changes / destroys; destroys highlighted) and the cost difference.
//
// Usage:
//   node scripts/ci/pr-comment.mjs render [--plans FILE] [--affected FILE] [--cost FILE] [--cost-status N]
//                                         [--skip-reason TEXT] [--sha SHA] [--run-url URL] [--out FILE]
//     --plans        plan summaries (scripts/ci/plan-summary.mjs)
//     --affected     the affected-stack selection (scripts/ci/affected-stacks.mjs --json)
//     --cost         the Markdown of `npm run cost -- --diff <base> --markdown`; --cost-status its exit status
//     --skip-reason  why no plans ran (e.g. a pull request from a fork gets no secrets)
//   node scripts/ci/pr-comment.mjs post --body FILE --pr NUMBER [--author LOGIN]
//     creates the comment or edits the one that starts with the report's marker (written by LOGIN,
//     default github-actions[bot]); needs GITHUB_TOKEN and GITHUB_REPOSITORY (GITHUB_API_URL optional).
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { clientFromEnv, upsertComment } from './github.mjs';

export const MARKER = '<!-- cryptopulse:pull-request-report -->';
/** GitHub refuses comments over 65,536 characters; stay well below. */
const MAX_LENGTH = 60_000;
/** Destroyed resources named per stack in the warning; the rest are counted. */
const LISTED_DESTROYS = 20;

const code = (text) => `\`${text}\``;
const plural = (count, word) => `${count} ${word}${count === 1 ? '' : 's'}`;

function planRow(summary) {
  const stack = code(summary.stack);
  if (summary.status === 'error') return `| ${stack} | | | | ❌ plan failed: ${(summary.errors[0] ?? 'see the workflow log').replace(/\|/g, '\\|')} |`;
  if (summary.status === 'no-changes') return `| ${stack} | 0 | 0 | 0 | no changes |`;
  const replaced = summary.resources.filter((resource) => resource.action === 'replace').length;
  const notes = [
    summary.outputsOnly ? 'outputs only' : '',
    replaced ? `${replaced} replaced` : '',
    summary.import ? `${summary.import} imported` : '',
    summary.forget ? `${summary.forget} forgotten` : '',
  ].filter(Boolean);
  const destroy = summary.destroy > 0 ? `**🔴 ${summary.destroy}**` : '0';
  return `| ${stack} | ${summary.add} | ${summary.change} | ${destroy} | ${notes.join(', ')} |`;
}

function destroyWarning(summaries) {
  const destroying = summaries.filter((summary) => summary.status === 'changes' && summary.destroy > 0);
  if (destroying.length === 0) return [];
  const total = destroying.reduce((sum, summary) => sum + summary.destroy, 0);
  const replaced = destroying.reduce((sum, summary) => sum + summary.resources.filter((resource) => resource.action === 'replace').length, 0);
  const lines = ['> [!CAUTION]', `> **This change destroys ${plural(total, 'resource')}**${replaced ? ` (${replaced} of them replaced: destroyed, then created anew)` : ''}. Check each before merging:`];
  for (const summary of destroying) {
    const gone = summary.resources.filter((resource) => resource.action === 'delete' || resource.action === 'replace');
    const listed = gone.slice(0, LISTED_DESTROYS).map((resource) => `${code(resource.address)} (${resource.action === 'replace' ? 'replace' : 'destroy'})`);
    if (gone.length > LISTED_DESTROYS) listed.push(`and ${gone.length - LISTED_DESTROYS} more`);
    lines.push(`> - ${code(summary.stack)}: ${listed.join(', ') || 'see the plan'}`);
  }
  return [...lines, ''];
}

function details(summary) {
  const verbs = { create: 'create', update: 'update in place', delete: '🔴 destroy', replace: '🔴 replace', read: 'read', forget: 'forget', import: 'import' };
  const resources = summary.resources.filter((resource) => resource.action !== 'read');
  if (resources.length === 0) return [];
  return [
    `<details><summary>${summary.stack}: ${plural(resources.length, 'resource')}</summary>`,
    '',
    ...resources.map((resource) => `- ${verbs[resource.action]} ${code(resource.address)}`),
    '',
    '</details>',
  ];
}

/** The comment's Markdown. */
export function renderComment({ summaries = [], affected, costMarkdown, costStatus = 0, skipReason, sha, runUrl }) {
  const meta = [sha ? `Commit ${code(sha.slice(0, 12))}` : '', runUrl ? `[workflow run](${runUrl})` : ''].filter(Boolean).join(' · ');
  const head = [MARKER, '### Infrastructure plan', ...(meta ? [meta] : []), ''];
  const plans = [];
  if (skipReason) {
    plans.push('> [!NOTE]', `> **Plans skipped:** ${skipReason}`, '');
  } else if (affected && affected.stacks.length === 0) {
    plans.push('This change affects no stack, so nothing was planned.', '');
  } else if (summaries.length > 0) {
    plans.push(...destroyWarning(summaries));
    const failed = summaries.filter((summary) => summary.status === 'error').length;
    if (failed) plans.push('> [!WARNING]', `> ${plural(failed, 'plan')} failed; the table shows which. The workflow log has the output.`, '');
    plans.push('| stack | to add | to change | to destroy | |', '| --- | ---: | ---: | ---: | --- |', ...summaries.map(planRow), '');
  } else {
    plans.push('> [!WARNING]', '> No plan output was recorded; see the workflow log.', '');
  }
  if (!skipReason && affected?.unaffected?.length) {
    plans.push(`Not planned, because this change does not affect them: ${affected.unaffected.map(code).join(', ')}.`, '');
  }
  const cost = ['### Cost', ''];
  if (costStatus === 2 || !costMarkdown?.trim()) cost.push('⚠️ The cost estimate failed; the workflow log says why.');
  else cost.push(costMarkdown.trim());
  if (costStatus === 1) cost.push('', '> [!WARNING]', '> An environment would exceed its monthly budget at maximum scale (`budget` in its config): `npm run cost` fails until it fits.');

  const expanded = summaries.filter((summary) => summary.status === 'changes').flatMap(details);
  const withDetails = [...head, ...plans, ...(expanded.length ? [...expanded, ''] : []), ...cost].join('\n');
  if (withDetails.length <= MAX_LENGTH) return `${withDetails}\n`;
  return `${[...head, ...plans, '_Resource lists left out: the comment would exceed GitHub\'s size limit._', '', ...cost].join('\n')}\n`;
}

class UsageError extends Error {}

function options(argv, known) {
  const result = {};
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].replace(/^--/, '');
    if (!argv[i].startsWith('--') || !known.includes(name) || argv[i + 1] === undefined) throw new UsageError(`unexpected argument ${argv[i]}`);
    result[name] = argv[++i];
  }
  return result;
}

async function main([command, ...argv]) {
  try {
    if (command === 'render') {
      const o = options(argv, ['plans', 'affected', 'cost', 'cost-status', 'skip-reason', 'sha', 'run-url', 'out']);
      const json = (file) => (file ? JSON.parse(readFileSync(file, 'utf8')) : undefined);
      const body = renderComment({
        summaries: json(o.plans),
        affected: json(o.affected),
        costMarkdown: o.cost ? readFileSync(o.cost, 'utf8') : undefined,
        costStatus: Number(o['cost-status'] ?? 0),
        skipReason: o['skip-reason'] || undefined,
        sha: o.sha,
        runUrl: o['run-url'],
      });
      if (o.out) writeFileSync(o.out, body);
      else process.stdout.write(body);
      return 0;
    }
    if (command === 'post') {
      const o = options(argv, ['body', 'pr', 'author']);
      if (!o.body || !/^\d+$/.test(o.pr ?? '')) throw new UsageError('post needs --body FILE and --pr NUMBER');
      const result = await upsertComment(clientFromEnv(), {
        issue: Number(o.pr),
        marker: MARKER,
        body: readFileSync(o.body, 'utf8'),
        author: o.author ?? 'github-actions[bot]',
      });
      console.log(`pr-comment: ${result.action} comment ${result.id} on #${o.pr}`);
      return 0;
    }
    throw new UsageError(`unknown command ${command ?? '(none)'}; use render or post`);
  } catch (error) {
    console.error(`pr-comment: ${error.message}`);
    return error instanceof UsageError ? 2 : 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main(process.argv.slice(2));
