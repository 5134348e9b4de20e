// The loopback stand-in for the Terraform Cloud API, used by the plan rehearsal (scripts/plan-rehearsal.mjs) for the
// bootstrap stack. The tfe provider only speaks HTTPS (it discovers the API at https://<hostname>/.well-known/...),
// so this one serves TLS with a certificate the rehearsal's throwaway CA signed for 127.0.0.1; the engine trusts that
// CA through SSL_CERT_FILE. It answers the requests the provider makes while it plans a first apply, from fixtures
// shaped like the real responses (scripts/rehearsal/tfc-fixtures.mjs). Every request it does not know is answered
// 501 and recorded, and the rehearsal fails on it with its method and path. It binds 127.0.0.1 only and closes when
// the rehearsal ends (or after `lifetimeMs`).
import { createServer } from 'node:https';
import * as fixtures from './tfc-fixtures.mjs';
import { listenOnLoopback } from './loopback.mjs';

/** [method, path pattern, answer()]: an answer is { status, headers, body? }. Service discovery is plain JSON (the client refuses anything else). */
const ROUTES = [
  ['GET', /^\/\.well-known\/terraform\.json$/, () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: fixtures.serviceDiscovery() })],
  ['GET', /^\/api\/v2\/ping$/, () => ({ status: 204, headers: fixtures.pingHeaders() })],
];

/**
 * Starts the stand-in on 127.0.0.1 (a free port). `tls` is { key, cert } in PEM. Resolves to
 * { host, requests, unknown, close }: `host` (127.0.0.1:<port>) is what the provider's hostname is set to.
 */
export async function startTfcStub({ tls, lifetimeMs = 30 * 60_000 }) {
  const requests = [];
  const unknown = [];
  const server = createServer(tls, (req, res) => {
    const url = new URL(req.url, 'https://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    requests.push(`${req.method} ${path}`);
    const route = ROUTES.find(([method, pattern]) => req.method === method && pattern.test(path));
    if (route) {
      const { status, headers, body } = route[2]();
      res.writeHead(status, headers);
      res.end(body === undefined ? undefined : JSON.stringify(body));
      return;
    }
    unknown.push(`${req.method} ${url.pathname}${url.search}`);
    res.writeHead(501, { 'content-type': 'application/vnd.api+json' });
    res.end(JSON.stringify({ errors: [{ status: '501', title: `the plan rehearsal's Terraform Cloud stand-in does not know ${req.method} ${url.pathname}` }] }));
  });
  const { port, close } = await listenOnLoopback(server, lifetimeMs);
  return { host: `127.0.0.1:${port}`, requests, unknown, close };
}
