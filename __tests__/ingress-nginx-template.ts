/**
 * The nginx directives ingress-nginx controller v1.15.1 (the image of chart
 * 4.15.1) renders for some of its ConfigMap settings, mirrored from the controller's sources at the tag
 * controller-v1.15.1 (commit 0a5901f3c64f11e92e487799b8da3f00cca37515):
 *
 * - rootfs/etc/nginx/template/nginx.tmpl (cited by line below),
 * - internal/ingress/controller/template/template.go and configmap.go,
 * - internal/ingress/controller/config/config.go (the defaults, NewDefault),
 * - internal/ingress/annotations/ratelimit/main.go.
 *
 * It covers two things: the settings that decide a client's address and its
 * rate-limit key, and how a request is retried on another pod.
 *
 * Only these branches are mirrored, so that a real nginx can be configured as
 * the controller would configure it; the rest of nginx.conf is left out.
 */

/** The controller's reading of the ConfigMap settings mirrored here. */
export interface ControllerConfig {
  readonly useProxyProtocol: boolean;
  readonly useForwardedHeaders: boolean;
  readonly enableRealIp: boolean;
  readonly forwardedForHeader: string;
  readonly forwardedForProxyProtocolHeader: string;
  readonly proxyRealIpCidr: readonly string[];
  readonly enableUnderscoresInHeaders: boolean;
  readonly ignoreInvalidHeaders: boolean;
  readonly limitReqStatusCode: number;
  readonly limitConnZoneVariable: string;
  readonly proxyNextUpstream: string;
  readonly proxyNextUpstreamTimeout: number;
  readonly proxyNextUpstreamTries: number;
  readonly retryNonIdempotent: boolean;
  readonly upstreamKeepaliveConnections: number;
}

/** Go's strconv.ParseBool, which the controller's weakly typed decoding applies to a ConfigMap string. */
function parseBool(key: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
  throw new Error(`ConfigMap ${key}: ${JSON.stringify(value)} is not a boolean the controller reads`);
}

/**
 * The ConfigMap data (what the chart renders from `controller.config`) as the
 * controller reads it, with config.go's defaults (lines 786-905). proxy-real-ip-cidr
 * is split on commas and trimmed, and defaults to 0.0.0.0/0 (configmap.go 191-196).
 */
export function readControllerConfig(data: Readonly<Record<string, string>>): ControllerConfig {
  const cidrs = data["proxy-real-ip-cidr"];
  return {
    useProxyProtocol: parseBool("use-proxy-protocol", data["use-proxy-protocol"], false),
    useForwardedHeaders: parseBool("use-forwarded-headers", data["use-forwarded-headers"], false),
    enableRealIp: parseBool("enable-real-ip", data["enable-real-ip"], false),
    forwardedForHeader: data["forwarded-for-header"] ?? "X-Forwarded-For",
    forwardedForProxyProtocolHeader: data["forwarded-for-proxy-protocol-header"] ?? "X-Forwarded-For-Proxy-Protocol",
    proxyRealIpCidr: cidrs === undefined ? ["0.0.0.0/0"] : cidrs.split(",").filter((field) => field !== "").map((field) => field.trim()),
    enableUnderscoresInHeaders: parseBool("enable-underscores-in-headers", data["enable-underscores-in-headers"], false),
    ignoreInvalidHeaders: parseBool("ignore-invalid-headers", data["ignore-invalid-headers"], true),
    limitReqStatusCode: Number(data["limit-req-status-code"] ?? 503),
    limitConnZoneVariable: data["limit-conn-zone-variable"] ?? "$binary_remote_addr",
    proxyNextUpstream: data["proxy-next-upstream"] ?? "error timeout",
    proxyNextUpstreamTimeout: Number(data["proxy-next-upstream-timeout"] ?? 0),
    proxyNextUpstreamTries: Number(data["proxy-next-upstream-tries"] ?? 3),
    retryNonIdempotent: parseBool("retry-non-idempotent", data["retry-non-idempotent"], false),
    upstreamKeepaliveConnections: Number(data["upstream-keepalive-connections"] ?? 320),
  };
}

/**
 * template.go 977-1008 (buildNextUpstream): the retry conditions, with
 * `non_idempotent` moved to the end, and added when retry-non-idempotent is on.
 */
function nextUpstream(config: ControllerConfig): string {
  const parts = config.proxyNextUpstream.split(" ").filter((part) => part !== "");
  const conditions = parts.filter((part) => part !== "non_idempotent");
  const retryNonIdempotent = config.retryNonIdempotent || parts.includes("non_idempotent");
  return [...conditions, ...(retryNonIdempotent ? ["non_idempotent"] : [])].join(" ");
}

/**
 * How a location proxies to its pods, the part that decides retries and
 * upstream keep-alive: HTTP/1.1 with the Connection header cleared when
 * keep-alive is on (nginx.tmpl 380-388, 1296-1300, 1347), and the
 * next-upstream conditions, time and tries (1353-1355).
 */
export function proxyDirectives(config: ControllerConfig): { http: string[]; location: string[] } {
  return {
    http: ["map $http_upgrade $connection_upgrade {", "    default upgrade;", config.upstreamKeepaliveConnections > 0 ? "    '' '';" : "    '' close;", "}"],
    location: [
      "proxy_set_header Upgrade $http_upgrade;",
      "proxy_set_header Connection $connection_upgrade;",
      "proxy_http_version 1.1;",
      `proxy_next_upstream ${nextUpstream(config)};`,
      `proxy_next_upstream_timeout ${config.proxyNextUpstreamTimeout};`,
      `proxy_next_upstream_tries ${config.proxyNextUpstreamTries};`,
    ],
  };
}

/**
 * The balancer's upstream (nginx.tmpl 518-540): keep-alive connections to
 * the pods. The controller picks each pod in Lua (load-balance), which plain
 * nginx cannot run; `servers` stand in for the pods, in round robin, with
 * nginx's own failure accounting off as the Lua balancer has none.
 */
export function upstreamBlock(config: ControllerConfig, name: string, servers: readonly string[]): string[] {
  return [
    `upstream ${name} {`,
    ...servers.map((server) => `    server ${server} max_fails=0;`),
    ...(config.upstreamKeepaliveConnections > 0 ? [`    keepalive ${config.upstreamKeepaliveConnections};`] : []),
    "}",
  ];
}

/** template.go 1159-1169 (buildForwardedFor): the nginx variable of a request header. */
function headerVariable(header: string): string {
  return `$http_${header.replaceAll("-", "_").toLowerCase()}`;
}

/**
 * The http-level directives: which request headers nginx keeps and the
 * status of a refused request (nginx.tmpl 302-306); the realip module,
 * rendered when any of the three settings is on, reading the PROXY protocol
 * source, a header, or with both settings the controller's own header
 * (77-92); and with both, the header the controller fills: the forwarded-for
 * header when the PROXY protocol source is trusted, else that source (414-445).
 */
export function httpDirectives(config: ControllerConfig): string[] {
  const lines = [
    `underscores_in_headers ${config.enableUnderscoresInHeaders ? "on" : "off"};`,
    `ignore_invalid_headers ${config.ignoreInvalidHeaders ? "on" : "off"};`,
    `limit_req_status ${config.limitReqStatusCode};`,
  ];
  const bothHeaders = config.useForwardedHeaders && config.useProxyProtocol;
  if (config.useForwardedHeaders || config.useProxyProtocol || config.enableRealIp) {
    const header = bothHeaders ? config.forwardedForProxyProtocolHeader : config.useProxyProtocol ? "proxy_protocol" : config.forwardedForHeader;
    lines.push(`real_ip_header ${header};`, "real_ip_recursive on;", ...config.proxyRealIpCidr.map((cidr) => `set_real_ip_from ${cidr};`));
  }
  if (bothHeaders) {
    lines.push(
      "geo $proxy_protocol_addr $proxy_protocol_addr_trusted {",
      "    default 0;",
      ...config.proxyRealIpCidr.map((cidr) => `    ${cidr} 1;`),
      "}",
      "map $proxy_protocol_addr_trusted $forwarded_for_proxy_protocol {",
      "    default $proxy_protocol_addr;",
      `    1 ${headerVariable(config.forwardedForHeader)};`,
      "}",
      `more_set_input_headers "${config.forwardedForProxyProtocolHeader}: $forwarded_for_proxy_protocol";`,
    );
  }
  return lines;
}

/** template.go 1457-1479 (commonListenOptions), the part that matters here: every listen reads a PROXY protocol header. */
export function listenOptions(config: ControllerConfig): string {
  return config.useProxyProtocol ? "proxy_protocol" : "";
}

/** An Ingress's `limit-rps` and `limit-burst-multiplier` annotations, under the zone name the test gives them. */
export interface RateLimitAnnotations {
  readonly id: string;
  readonly rps: number;
  readonly burstMultiplier: number;
}

/**
 * One Ingress's rate limit: the allowlist geo and the key map (nginx.tmpl
 * 542-555; the key is limit-conn-zone-variable), the zone (559-561 with
 * template.go 820-866, buildRateLimitZones; 5 MB, ratelimit/main.go) at http
 * level, and the location's limit_req (1266-1268 with template.go 870-910,
 * buildRateLimit; burst = rps × multiplier, ratelimit/main.go).
 */
export function rateLimitDirectives(config: ControllerConfig, limit: RateLimitAnnotations): { http: string[]; location: string[] } {
  const zone = `${limit.id}_rps`;
  return {
    http: [
      `geo $remote_addr $allowlist_${limit.id} {`,
      "    default 0;",
      "}",
      `map $allowlist_${limit.id} $limit_${limit.id} {`,
      `    0 ${config.limitConnZoneVariable};`,
      '    1 "";',
      "}",
      `limit_req_zone $limit_${limit.id} zone=${zone}:5m rate=${limit.rps}r/s;`,
    ],
    location: [`limit_req zone=${zone} burst=${limit.rps * limit.burstMultiplier} nodelay;`],
  };
}
