// A minimal GitHub REST client for the workflow scripts (pr-comment.mjs, drift-issue.mjs): the calls they
// need, nothing else. Token and repository come from the Actions environment (GITHUB_TOKEN,
// GITHUB_REPOSITORY, GITHUB_API_URL), so the same code works on github.com and GitHub Enterprise.

export class GitHubError extends Error {}

/** A client for one repository; `fetchImpl` is injectable for tests. */
export function githubClient({ token, repository, apiUrl = 'https://api.github.com', fetchImpl = fetch }) {
  if (!token) throw new GitHubError('GITHUB_TOKEN is not set');
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository ?? '')) throw new GitHubError(`GITHUB_REPOSITORY must be owner/name, got "${repository ?? ''}"`);
  const base = `${apiUrl.replace(/\/$/, '')}/repos/${repository}`;

  async function request(method, path, body) {
    const response = await fetchImpl(`${base}${path}`, {
      method,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${token}`,
        'x-github-api-version': '2022-11-28',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      let message = text;
      try {
        message = JSON.parse(text).message ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw new GitHubError(`GitHub ${method} ${path}: ${response.status} ${message}`);
    }
    return text ? JSON.parse(text) : undefined;
  }

  /** Every item of a list endpoint, 100 per page. */
  async function paginate(path) {
    const items = [];
    for (let page = 1; ; page++) {
      const batch = await request('GET', `${path}${path.includes('?') ? '&' : '?'}per_page=100&page=${page}`);
      items.push(...batch);
      if (batch.length < 100) return items;
    }
  }

  return { request, paginate };
}

export function clientFromEnv(env = process.env) {
  return githubClient({ token: env.GITHUB_TOKEN, repository: env.GITHUB_REPOSITORY, apiUrl: env.GITHUB_API_URL || undefined });
}

/** Bodies the scripts own start with an HTML comment marker, so they find their own comment or issue again. */
const owns = (item, marker, author) => typeof item.body === 'string' && item.body.startsWith(marker) && (!author || item.user?.login === author);

/**
 * One comment per pull request, updated in place: edits the comment that starts with `marker` (and was
 * written by `author`) or creates it.
 */
export async function upsertComment(client, { issue, marker, body, author }) {
  if (!body.startsWith(marker)) throw new GitHubError('the comment body must start with its marker');
  const existing = (await client.paginate(`/issues/${issue}/comments`)).find((comment) => owns(comment, marker, author));
  if (existing) {
    await client.request('PATCH', `/issues/comments/${existing.id}`, { body });
    return { action: 'updated', id: existing.id };
  }
  const created = await client.request('POST', `/issues/${issue}/comments`, { body });
  return { action: 'created', id: created.id };
}

/**
 * Keeps one open issue labelled `label` whose body starts with `marker` in step with a condition: while
 * `open`, creates it or replaces its body; once not `open`, comments `closingComment` on it and closes it.
 */
export async function syncIssue(client, { marker, label, title, body, open, closingComment }) {
  const existing = (await client.paginate(`/issues?state=open&labels=${encodeURIComponent(label)}`)).find(
    (issue) => !issue.pull_request && owns(issue, marker),
  );
  if (open) {
    if (!body.startsWith(marker)) throw new GitHubError('the issue body must start with its marker');
    if (existing) {
      await client.request('PATCH', `/issues/${existing.number}`, { title, body });
      return { action: 'updated', number: existing.number };
    }
    const created = await client.request('POST', '/issues', { title, body, labels: [label] });
    return { action: 'created', number: created.number };
  }
  if (!existing) return { action: 'none' };
  await client.request('POST', `/issues/${existing.number}/comments`, { body: closingComment });
  await client.request('PATCH', `/issues/${existing.number}`, { state: 'closed', state_reason: 'completed' });
  return { action: 'closed', number: existing.number };
}
