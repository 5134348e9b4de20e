import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "fs";
import * as http from "http";
import * as net from "net";
import { tmpdir } from "os";
import * as path from "path";
import { parse } from "yaml";
import { projectPath } from "../config/paths";
import { appServiceValues } from "../constructs/platform/app-service";
import { INGRESS_NGINX_CHART, ingressOverrides, PROXY_PROTOCOL_ANNOTATION } from "../constructs/platform/ingress-controller";
import { environmentNamed, ingressPropsOf } from "./helpers";
import { httpDirectives, listenOptions, proxyDirectives, rateLimitDirectives, readControllerConfig, upstreamBlock, type ControllerConfig, type RateLimitAnnotations } from "./ingress-nginx-template";
import { firstRunning, found, missing, onPath, requireTool } from "./tools";

/**
 * ingress-nginx's settings on a real nginx, configured with the directives the
 * controller renders (./ingress-nginx-template.ts) for the values the platform
 * stack gives the release.
 *
 * The client's identity, end to end: Client → Cloudflare →
 * load balancer → ingress-nginx. nginx is sent raw requests as the load
 * balancer delivers them: with a PROXY protocol v1 header naming the
 * connection's source when the values switch PROXY protocol on, else from its
 * own address. The address nginx settles on is what every rate-limit key is
 * made of, so it is what these tests look at (the upstream's X-Real-IP).
 *
 * Stand-ins: Cloudflare's ranges are TEST-NET-3 and an IPv6 documentation
 * range; nginx's peer (the load balancer, or a node forwarding for it) is the
 * loopback, so the loopback is the VPC.
 */

const CLOUDFLARE = { ipv4Cidrs: ["203.0.113.0/24"], ipv6Cidrs: ["2001:db8::/32"] };
const VPC = "127.0.0.0/8";
/** A Cloudflare edge: the PROXY protocol source of everything that comes through Cloudflare. */
const EDGE = "203.0.113.10";
/** Reaches the load balancer without Cloudflare. */
const OUTSIDER = "192.0.2.66";

interface Nginx {
  readonly binary: string;
  /** The headers-more module to load (the controller's nginx has it built in); undefined when this nginx has it built in too. */
  readonly headersMore: string | undefined;
}

const NGINX = requireTool<Nginx>({
  suite: "nginx ingress tests",
  requireVariable: "CRYPTOPULSE_REQUIRE_NGINX",
  lookup: () => {
    const install = "apt-get install nginx libnginx-mod-http-headers-more-filter";
    const binary = firstRunning([onPath("nginx", ["/usr/sbin"])], ["-v"]);
    if (!binary) return missing(`no nginx on PATH or in /usr/sbin (${install})`);
    const build = spawnSync(binary, ["-V"], { encoding: "utf8" }).stderr;
    if (/--add-module=\S*headers-more/.test(build)) return found({ binary, headersMore: undefined });
    const modules = /--modules-path=(\S+)/.exec(build)?.[1];
    const headersMore = modules && path.join(modules, "ngx_http_headers_more_filter_module.so");
    return headersMore && existsSync(headersMore) ? found({ binary, headersMore }) : missing(`${binary} has no headers-more module (${install})`);
  },
});

type Values = Record<string, unknown>;
const isMap = (value: unknown): value is Values => value !== null && typeof value === "object" && !Array.isArray(value);

/** Helm's merge of two values files: maps merge key by key, anything else the later file sets wins. */
function helmMerge(base: Values, override: Values): Values {
  return Object.fromEntries(
    [...new Set([...Object.keys(base), ...Object.keys(override)])].map((key) => {
      const [earlier, later] = [base[key], override[key]];
      return [key, isMap(earlier) && isMap(later) ? helmMerge(earlier, later) : key in override ? later : earlier];
    }),
  );
}

/** The ingress-nginx release's values as the platform stack hands them to Helm: the base file, then the production overrides. */
function releaseValues(): { config: Record<string, string>; annotations: Record<string, string> } {
  const base = parse(readFileSync(projectPath(INGRESS_NGINX_CHART.baseValues), "utf8")) as Values;
  const overrides = ingressOverrides(
    ingressPropsOf(environmentNamed("production"), VPC),
    CLOUDFLARE,
    "ingress-nginx/origin-tls",
  );
  const { controller } = helmMerge(base, overrides) as { controller: { config: Values; service: { annotations: Record<string, string> } } };
  // The chart's ConfigMap holds each controller.config value as a string.
  return { config: Object.fromEntries(Object.entries(controller.config).map(([key, value]) => [key, String(value)])), annotations: controller.service.annotations };
}

/** An nginx.conf whose http block holds `http`, with everything nginx writes kept in `dir`. */
function nginxConf(nginx: Nginx, dir: string, http: readonly string[]): string {
  return [
    ...(nginx.headersMore ? [`load_module ${nginx.headersMore};`] : []),
    // As root, the workers would run as nobody, who cannot reach this directory.
    ...(process.getuid?.() === 0 ? ["user root;"] : []),
    "worker_processes 1;",
    `pid ${path.join(dir, "nginx.pid")};`,
    `error_log ${path.join(dir, "error.log")} warn;`,
    "events { worker_connections 64; }",
    "http {",
    "access_log off;",
    ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((kind) => `${kind}_temp_path ${path.join(dir, kind)};`),
    ...http,
    "}",
    "",
  ].join("\n");
}

/** nginx as the controller configures it, proxying to an app that answers with the X-Real-IP it was given. */
function clientAddressHttp(dir: string, port: number, config: ControllerConfig, limit: RateLimitAnnotations): string[] {
  const rateLimit = rateLimitDirectives(config, limit);
  const app = path.join(dir, "app.sock");
  return [
    ...httpDirectives(config),
    ...rateLimit.http,
    "server {",
    `listen 127.0.0.1:${port} ${listenOptions(config)};`,
    // Proxied as the controller does (not `return`, which would answer before realip's second pass and limit_req run).
    "location / {",
    ...rateLimit.location,
    // nginx.tmpl 1304: the upstream is told the client's address.
    "proxy_set_header X-Real-IP $remote_addr;",
    `proxy_pass http://unix:${app};`,
    "}",
    "}",
    `server { listen unix:${app}; location / { return 200 $http_x_real_ip; } }`,
  ];
}

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts nginx with the configuration `http(dir, port)` makes for a free port; resolves to that
 * port and a way to stop it. nginx forks into the background once its sockets are bound, so it is
 * ready when this resolves.
 */
async function startNginx(nginx: Nginx, http: (dir: string, port: number) => string[]): Promise<{ port: number; stop: () => void }> {
  const dir = mkdtempSync(path.join(tmpdir(), "ingress-nginx-"));
  const confFile = path.join(dir, "nginx.conf");
  const args = ["-p", dir, "-c", confFile, "-e", path.join(dir, "error.log")];
  // Another process may take the free port before nginx binds it: then another port.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    writeFileSync(confFile, nginxConf(nginx, dir, http(dir, port)));
    const started = spawnSync(nginx.binary, args, { encoding: "utf8" });
    if (started.status === 0) return { port, stop: () => void spawnSync(nginx.binary, [...args, "-s", "stop"]) };
    if (attempt === 3 || !/Address already in use/.test(started.stderr)) throw new Error(`nginx did not start: ${started.stderr}`);
  }
}

interface Reply {
  readonly status: number;
  /** The address nginx settled on, as the app was told it. */
  readonly body: string;
}

describe("ingress-nginx's view of the client (real nginx)", () => {
  const values = releaseValues();
  const config = readControllerConfig(values.config);
  const loadBalancerSpeaksProxyProtocol = values.annotations[PROXY_PROTOCOL_ANNOTATION] === "true";
  const backend = appServiceValues(environmentNamed("production"), "backend", { image: { repository: "registry.digitalocean.com/cryptopulse/backend", tag: "1.0.0" } });
  const apiLimit: RateLimitAnnotations = { id: "api", ...backend.ingress.rateLimit };

  NGINX.describe("nginx configured from the production values", (nginx) => {
    let port = 0;
    let stop: (() => void) | undefined;

    beforeAll(async () => {
      ({ port, stop } = await startNginx(nginx, (dir, free) => clientAddressHttp(dir, free, config, apiLimit)));
    });

    afterAll(() => stop?.());

    /** One connection as the load balancer delivers it, from `source`; nginx closes it after its reply. */
    function request(source: string, headers: Readonly<Record<string, string>>): Promise<Reply> {
      return new Promise((resolve, reject) => {
        const socket = net.connect(port, "127.0.0.1");
        const chunks: Buffer[] = [];
        socket.on("connect", () => {
          const proxyHeader = loadBalancerSpeaksProxyProtocol ? `PROXY TCP4 ${source} 127.0.0.1 40000 443\r\n` : "";
          const lines = ["GET /api/prices HTTP/1.1", "Host: api.cryptopulse.com", ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`), "Connection: close"];
          socket.write(`${proxyHeader}${lines.join("\r\n")}\r\n\r\n`);
        });
        socket.on("data", (chunk: Buffer) => chunks.push(chunk));
        socket.on("error", reject);
        socket.on("close", () => {
          const reply = Buffer.concat(chunks).toString("latin1");
          resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1]), body: reply.slice(reply.indexOf("\r\n\r\n") + 4) });
        });
      });
    }

    const throughCloudflare = (client: string, headers: Readonly<Record<string, string>> = {}) => request(EDGE, { ...headers, "CF-Connecting-IP": client });

    it("takes the client from CF-Connecting-IP when the PROXY protocol source is Cloudflare's edge", async () => {
      expect(await throughCloudflare("198.51.100.7")).toEqual({ status: 200, body: "198.51.100.7" });
    });

    it("takes the PROXY protocol source, not CF-Connecting-IP, from an address outside Cloudflare's ranges", async () => {
      expect(await request(OUTSIDER, { "CF-Connecting-IP": "198.51.100.7" })).toEqual({ status: 200, body: OUTSIDER });
    });

    it("ignores a client's own copy of the header the controller hands to nginx's realip module", async () => {
      const forged = { [config.forwardedForProxyProtocolHeader]: "198.51.100.99" };
      expect(await throughCloudflare("198.51.100.7", forged)).toEqual({ status: 200, body: "198.51.100.7" });
      expect(await request(OUTSIDER, forged)).toEqual({ status: 200, body: OUTSIDER });
    });

    it("keys the api zone per client: one client refused at its limit leaves another behind the same edge unthrottled", async () => {
      const [first, second] = ["198.51.100.20", "198.51.100.21"];
      const burst = apiLimit.rps * apiLimit.burstMultiplier;
      expect(backend.ingress.rateLimit.enabled).toBe(true);
      expect(config.limitReqStatusCode).toBe(429);

      // The first client, as fast as it can, until refused (bounded: a machine too slow to reach the limit fails here).
      const served: Reply[] = [];
      let refusal: Reply | undefined;
      while (!refusal && served.length < 10 * (burst + 1)) {
        const reply = await throughCloudflare(first);
        if (reply.status === 200) served.push(reply);
        else refusal = reply;
      }
      expect(refusal?.status).toBe(config.limitReqStatusCode);
      expect(served.length).toBeGreaterThanOrEqual(burst + 1);
      expect(new Set(served.map((reply) => reply.body))).toEqual(new Set([first]));

      // Right after, the second client gets its whole burst: its own key, its own bucket.
      const replies: Reply[] = [];
      for (let i = 0; i <= burst; i++) replies.push(await throughCloudflare(second));
      expect(replies).toEqual(Array.from({ length: burst + 1 }, () => ({ status: 200, body: second })));
    });
  });
});

/** A stand-in pod: answers every request with `status`, and counts what reaches it. */
class Pod {
  readonly requests: string[] = [];
  connections = 0;
  private readonly server: http.Server;

  constructor(readonly status: number) {
    this.server = http.createServer((request, response) => {
      this.requests.push(request.method ?? "");
      request.resume();
      request.on("end", () => response.writeHead(this.status, { "Content-Type": "text/plain" }).end(`${this.status}`));
    });
    this.server.on("connection", () => this.connections++);
  }

  /** Listens on a free loopback port; resolves to host:port. */
  listen(): Promise<string> {
    return new Promise((resolve) => this.server.listen(0, "127.0.0.1", () => resolve(`127.0.0.1:${(this.server.address() as net.AddressInfo).port}`)));
  }

  count(method: string): number {
    return this.requests.filter((seen) => seen === method).length;
  }

  reset(): void {
    this.requests.length = 0;
    this.connections = 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}

/**
 * The guide's upstream block, as the release's ConfigMap settings carry it
 * (docs/guide-adaptations.md, "Upstreams"): a request that meets a failing or
 * unreachable pod is retried on another, up to the configured tries; a POST
 * (an order) that reached a pod is never sent again; connections to the pods
 * are kept open. The pod choice itself (Peak EWMA) runs in the controller's
 * Lua balancer, which plain nginx cannot run: round robin stands in for it.
 */
describe("ingress-nginx's retries to the pods (real nginx)", () => {
  const config = readControllerConfig(releaseValues().config);

  NGINX.describe("nginx configured from the production values", (nginx) => {
    const failing = new Pod(503);
    const healthy = new Pod(200);
    const alone = new Pod(200);
    const pods = [failing, healthy, alone];
    let port = 0;
    let stop: (() => void) | undefined;

    beforeAll(async () => {
      const [failingAt, healthyAt, aloneAt] = await Promise.all(pods.map((pod) => pod.listen()));
      const refusing = `127.0.0.1:${await freePort()}`;
      const upstreams = {
        mixed: [failingAt, healthyAt],
        "one-down": [refusing, healthyAt],
        "all-failing": [failingAt, failingAt, failingAt, failingAt, failingAt],
        single: [aloneAt],
      };
      const proxy = proxyDirectives(config);
      ({ port, stop } = await startNginx(nginx, (_dir, free) => [
        ...proxy.http,
        ...Object.entries(upstreams).flatMap(([name, servers]) => upstreamBlock(config, name, servers)),
        "server {",
        `listen 127.0.0.1:${free};`,
        ...Object.keys(upstreams).flatMap((name) => [`location /${name}/ {`, ...proxy.location, `proxy_pass http://${name};`, "}"]),
        "}",
      ]));
    });

    beforeEach(() => pods.forEach((pod) => pod.reset()));

    afterAll(async () => {
      stop?.();
      await Promise.all(pods.map((pod) => pod.close()));
    });

    /** One request to nginx; resolves to its status. */
    function send(method: "GET" | "POST", upstream: string): Promise<number> {
      return new Promise((resolve, reject) => {
        const request = http.request({ host: "127.0.0.1", port, method, path: `/${upstream}/orders`, agent: false }, (response) => {
          response.resume();
          response.on("end", () => resolve(response.statusCode ?? 0));
        });
        request.on("error", reject);
        request.end(method === "POST" ? '{"symbol":"BTC-USD"}' : undefined);
      });
    }

    async function sendEach(method: "GET" | "POST", upstream: string, times: number): Promise<number[]> {
      const statuses: number[] = [];
      for (let i = 0; i < times; i++) statuses.push(await send(method, upstream));
      return statuses;
    }

    it("answers a GET that meets a failing pod from another pod", async () => {
      expect(await sendEach("GET", "mixed", 6)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(failing.count("GET")).toBeGreaterThan(0);
      expect(healthy.count("GET")).toBe(6);
    });

    it("never sends a POST twice: a failing pod's answer reaches the client", async () => {
      const statuses = await sendEach("POST", "mixed", 6);
      expect(failing.count("POST") + healthy.count("POST")).toBe(6);
      expect(failing.count("POST")).toBeGreaterThan(0);
      expect(statuses.filter((status) => status === 503)).toHaveLength(failing.count("POST"));
    });

    it("sends a POST to another pod when one refuses the connection (nothing reached it)", async () => {
      expect(await sendEach("POST", "one-down", 4)).toEqual([200, 200, 200, 200]);
      expect(healthy.count("POST")).toBe(4);
    });

    it("gives up after the configured tries", async () => {
      expect(await send("GET", "all-failing")).toBe(503);
      expect(failing.count("GET")).toBe(config.proxyNextUpstreamTries);
    });

    it("keeps the connection to a pod open from one request to the next", async () => {
      expect(await sendEach("GET", "single", 10)).toEqual(Array.from({ length: 10 }, () => 200));
      expect(alone.connections).toBe(1);
    });
  });
});
