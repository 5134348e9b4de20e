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
//   -h, --help  this text
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { defineCli, leadingComment, UsageError } from '../lib/cli.mjs';
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

/** The options of each command; every option takes a value. */
const COMMANDS = {
  render: ['plans', 'affected', 'cost', 'cost-status', 'skip-reason', 'sha', 'run-url', 'out'],
  post: ['body', 'pr', 'author'],
};

const cli = defineCli({
  name: 'pr-comment',
  usage: leadingComment(import.meta.url),
  options: Object.fromEntries(Object.values(COMMANDS).flat().map((option) => [option, { type: 'string' }])),
  positionals: true,
  check: ({ values, positionals: [command, ...rest] }) => {
    if (!COMMANDS[command]) throw new UsageError(`unknown command ${JSON.stringify(command ?? '')}; the commands are render and post`);
    if (rest.length) throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])}`);
    const foreign = Object.keys(values).find((option) => !COMMANDS[command].includes(option));
    if (foreign) throw new UsageError(`--${foreign} is not an option of ${command}, whose options are ${COMMANDS[command].map((option) => `--${option}`).join(', ')}`);
    if (command === 'post' && (!values.body || !/^\d+$/.test(values.pr ?? ''))) throw new UsageError('post needs --body FILE and --pr NUMBER');
    return { command, o: values };
  },
});

async function main(argv) {
  const { args, status } = cli.command(argv);
  if (status !== undefined) return status;
  const { command, o } = args;
  try {
    if (command === 'render') {
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
    const result = await upsertComment(clientFromEnv(), {
      issue: Number(o.pr),
      marker: MARKER,
      body: readFileSync(o.body, 'utf8'),
      author: o.author ?? 'github-actions[bot]',
    });
    console.log(`pr-comment: ${result.action} comment ${result.id} on #${o.pr}`);
    return 0;
  } catch (error) {
    console.error(`pr-comment: ${error.message}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = await main(process.argv.slice(2));
