// The loopback stand-in for the DigitalOcean and Cloudflare APIs and for a Helm chart repository, used by the
// plan rehearsal (scripts/plan-rehearsal.mjs). It answers the read calls the stacks' data sources make, from
// fixtures shaped like the real responses (scripts/rehearsal/fixtures.mjs), and serves a chart repository folder
// under /charts/. Every request it does not know is answered 501 and recorded, and the rehearsal fails on it with
// its method and path. It binds 127.0.0.1 only and closes when the rehearsal ends (or after `lifetimeMs`).
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import * as fixtures from './fixtures.mjs';
import { listenOnLoopback } from './loopback.mjs';

const UUID = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';

/** [method, path pattern, handler(world, match, query)]: a handler returns the body, or null for the API's 404. */
const ROUTES = [
  ['GET', /^\/v2\/kubernetes\/options$/, () => fixtures.kubernetesOptions()],
  ['GET', /^\/v2\/kubernetes\/clusters$/, (world) => fixtures.kubernetesClusters(world)],
  ['GET', new RegExp(`^/v2/kubernetes/clusters/${UUID}/credentials$`), (world, m) => fixtures.kubernetesCredentials(world, m[1])],
  ['GET', /^\/v2\/databases\/metrics\/credentials$/, () => fixtures.databaseMetricsCredentials()],
  ['GET', new RegExp(`^/v2/databases/${UUID}/ca$`), (world, m) => fixtures.databaseCa(world, m[1])],
  ['GET', /^\/v2\/load_balancers$/, (world) => fixtures.loadBalancers(world)],
  ['GET', /^\/client\/v4\/ips$/, () => fixtures.cloudflareIps()],
  ['GET', /^\/client\/v4\/zones$/, (world, m, query) => fixtures.cloudflareZones(world, query.get('name'))],
  ['GET', /^\/client\/v4\/zones\/([0-9a-f]{32})$/, (world, m) => fixtures.cloudflareZone(world, m[1])],
];

/** The APIs' own "not found" bodies, so the providers report a missing object as they would for real. */
function notFound(path) {
  return path.startsWith('/client/v4/')
    ? { success: false, errors: [{ code: 7003, message: 'Could not route to this path: object not found' }], messages: [], result: null }
    : { id: 'not_found', message: 'The resource you were accessing could not be found.' };
}

/**
 * Starts the stand-in on 127.0.0.1 (a free port). `world` holds what exists (clusters, database ids,
 * load balancers, zones, the CA certificate) and may grow while the rehearsal runs.
 * Resolves to { url, requests, unknown, close }.
 */
export async function startApiStub({ world, chartsDir, lifetimeMs = 30 * 60_000 }) {
  const requests = [];
  const unknown = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    requests.push(`${req.method} ${path}`);
    const send = (status, body, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(type === 'application/json' ? JSON.stringify(body) : body);
    };
    if (req.method === 'GET' && path.startsWith('/charts/')) {
      const file = normalize(join(chartsDir, path.slice('/charts/'.length)));
      if (!file.startsWith(normalize(chartsDir))) return send(403, 'outside the chart repository', 'text/plain');
      readFile(file).then(
        (data) => send(200, data, file.endsWith('.yaml') ? 'application/x-yaml' : 'application/gzip'),
        () => send(404, 'no such chart file', 'text/plain'),
      );
      return;
    }
    for (const [method, pattern, handler] of ROUTES) {
      const match = req.method === method ? pattern.exec(path) : null;
      if (!match) continue;
      const body = handler(world, match, url.searchParams);
      return body === null ? send(404, notFound(path)) : send(200, body);
    }
    unknown.push(`${req.method} ${url.pathname}${url.search}`);
    send(501, { id: 'not_implemented', message: `the plan rehearsal's API stand-in does not know ${req.method} ${url.pathname}` });
  });
  const { port, close } = await listenOnLoopback(server, lifetimeMs);
  return { url: `http://127.0.0.1:${port}`, requests, unknown, close };
}
