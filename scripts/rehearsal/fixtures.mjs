// Responses of the loopback stand-in for the DigitalOcean and Cloudflare APIs (scripts/rehearsal/api-stub.mjs).
// Each one has the shape of the real API's response, as its reference documents it (cited above each builder);
// the values describe the world a first deploy would find: the resources the producer stacks create (from the
// rehearsal's `world`) and the prerequisites a user creates by hand (the Cloudflare zone).
import { createHash } from 'node:crypto';
import doksReleases from '../../config/doks-offer.json' with { type: 'json' };

/** A stable UUID (version-4 shaped) for `seed`: the same object gets the same id in every response and state file. */
export function fakeUuid(seed) {
  const hex = createHash('sha256').update(seed).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const CREATED_AT = '2026-11-30T09:00:00Z';

/** DigitalOcean's list envelope: https://docs.digitalocean.com/reference/api/digitalocean/#section/Introduction/Links-and-Pagination */
function doList(key, items) {
  return { [key]: items, links: {}, meta: { total: items.length } };
}

/**
 * GET /v2/kubernetes/options — https://docs.digitalocean.com/reference/api/digitalocean/#tag/Kubernetes/operation/kubernetes_list_options
 * The DOKS releases on offer (newest first, as the API lists them): the list the configuration's versionPrefix is
 * validated against (config/doks-offer.json), so the stand-in answers what the validation assumes. A version
 * prefix none of them matches fails the plan, as it would against the real API.
 */
export const KUBERNETES_VERSIONS = doksReleases.slugs;
export function kubernetesOptions() {
  return {
    options: {
      versions: KUBERNETES_VERSIONS.map((slug) => ({
        slug,
        kubernetes_version: slug.split('-')[0],
        supported_features: ['cluster-autoscaler', 'docr-integration', 'ha-control-plane', 'token-authentication'],
      })),
      regions: [
        { name: 'Amsterdam 3', slug: 'ams3' },
        { name: 'Frankfurt 1', slug: 'fra1' },
        { name: 'London 1', slug: 'lon1' },
        { name: 'New York 1', slug: 'nyc1' },
      ],
      sizes: [
        { name: 's-2vcpu-4gb', slug: 's-2vcpu-4gb' },
        { name: 's-4vcpu-8gb', slug: 's-4vcpu-8gb' },
        { name: 'g-4vcpu-16gb', slug: 'g-4vcpu-16gb' },
      ],
    },
  };
}

/** One DOKS cluster object — https://docs.digitalocean.com/reference/api/digitalocean/#tag/Kubernetes/operation/kubernetes_get_cluster */
function kubernetesCluster(cluster) {
  const id = fakeUuid(`kubernetes-cluster:${cluster.name}`);
  return {
    id,
    name: cluster.name,
    region: cluster.region,
    version: KUBERNETES_VERSIONS[0],
    cluster_subnet: '10.244.0.0/16',
    service_subnet: '10.245.0.0/16',
    vpc_uuid: fakeUuid(`vpc:${cluster.region}`),
    ipv4: '',
    // The providers are configured with this address; nothing in a plan may contact it (port 9 discards).
    endpoint: 'https://127.0.0.1:9',
    tags: ['k8s', `k8s:${id}`],
    node_pools: [
      {
        id: fakeUuid(`node-pool:${cluster.name}`),
        name: `${cluster.name}-system`,
        size: 's-2vcpu-4gb',
        count: 2,
        tags: ['k8s', `k8s:${id}`, 'k8s:worker'],
        labels: {},
        taints: [],
        auto_scale: true,
        min_nodes: 2,
        max_nodes: 3,
        nodes: [],
      },
    ],
    maintenance_policy: { start_time: '03:00', duration: '4h0m0s', day: 'sunday' },
    auto_upgrade: false,
    surge_upgrade: true,
    ha: true,
    registry_enabled: true,
    status: { state: 'running', message: '' },
    created_at: CREATED_AT,
    updated_at: CREATED_AT,
  };
}

/** GET /v2/kubernetes/clusters — https://docs.digitalocean.com/reference/api/digitalocean/#tag/Kubernetes/operation/kubernetes_list_clusters */
export function kubernetesClusters(world) {
  return doList('kubernetes_clusters', world.clusters.map(kubernetesCluster));
}

/**
 * GET /v2/kubernetes/clusters/{id}/credentials — https://docs.digitalocean.com/reference/api/digitalocean/#tag/Kubernetes/operation/kubernetes_get_credentials
 * null for an id no cluster of the world has.
 */
export function kubernetesCredentials(world, id) {
  const cluster = world.clusters.map(kubernetesCluster).find((c) => c.id === id);
  if (!cluster) return null;
  return {
    server: cluster.endpoint,
    certificate_authority_data: Buffer.from(world.caCertificatePem).toString('base64'),
    client_certificate_data: null,
    client_key_data: null,
    token: `rehearsal-token-${id.slice(0, 8)}`,
    expires_at: '2026-12-08T09:00:00Z',
  };
}

/** GET /v2/databases/{id}/ca — https://docs.digitalocean.com/reference/api/digitalocean/#tag/Databases/operation/databases_get_ca */
export function databaseCa(world, id) {
  if (!world.databaseIds.has(id)) return null;
  return { ca: { certificate: Buffer.from(world.caCertificatePem).toString('base64') } };
}

/** GET /v2/databases/metrics/credentials — https://docs.digitalocean.com/reference/api/digitalocean/#tag/Databases/operation/databases_get_cluster_metrics_credentials */
export function databaseMetricsCredentials() {
  return { credentials: { basic_auth_username: 'doadmin-metrics', basic_auth_password: 'rehearsal-metrics-password' } };
}

/** One load balancer — https://docs.digitalocean.com/reference/api/digitalocean/#tag/Load-Balancers/operation/loadBalancers_get */
function loadBalancer(lb) {
  return {
    id: fakeUuid(`load-balancer:${lb.name}`),
    name: lb.name,
    ip: '203.0.113.10',
    ipv6: '',
    size_unit: lb.sizeUnit ?? 1,
    type: 'REGIONAL',
    algorithm: 'round_robin',
    status: 'active',
    created_at: CREATED_AT,
    forwarding_rules: [
      { entry_protocol: 'tcp', entry_port: 443, target_protocol: 'tcp', target_port: 30443, certificate_id: '', tls_passthrough: false },
    ],
    health_check: {
      protocol: 'tcp', port: 30443, path: '', check_interval_seconds: 10, response_timeout_seconds: 5,
      healthy_threshold: 5, unhealthy_threshold: 3,
    },
    sticky_sessions: { type: 'none' },
    region: { name: 'Frankfurt 1', slug: lb.region, sizes: [], features: [], available: true },
    tag: '',
    droplet_ids: [],
    redirect_http_to_https: false,
    enable_proxy_protocol: lb.proxyProtocol ?? false,
    enable_backend_keepalive: false,
    http_idle_timeout_seconds: 60,
    vpc_uuid: fakeUuid(`vpc:${lb.region}`),
    project_id: '',
    disable_lets_encrypt_dns_records: false,
    firewall: { deny: [], allow: [] },
    network: 'EXTERNAL',
  };
}

/** GET /v2/load_balancers — https://docs.digitalocean.com/reference/api/digitalocean/#tag/Load-Balancers/operation/loadBalancers_list */
export function loadBalancers(world) {
  return doList('load_balancers', world.loadBalancers.map(loadBalancer));
}

/** Cloudflare's result envelope — https://developers.cloudflare.com/fundamentals/api/how-to/make-api-calls/ */
function cfResult(result, resultInfo) {
  return { result, ...(resultInfo ? { result_info: resultInfo } : {}), success: true, errors: [], messages: [] };
}

/**
 * GET /client/v4/ips — https://developers.cloudflare.com/api/resources/ips/methods/list/
 * The published ranges (https://www.cloudflare.com/ips-v4, https://www.cloudflare.com/ips-v6) as of 2026-11.
 */
export const CLOUDFLARE_IPV4 = [
  '173.245.48.0/20', '103.21.244.0/22', '103.22.200.0/22', '103.31.4.0/22', '141.101.64.0/18', '108.162.192.0/18',
  '190.93.240.0/20', '188.114.96.0/20', '197.234.240.0/22', '198.41.128.0/17', '162.158.0.0/15', '104.16.0.0/13',
  '104.24.0.0/14', '172.64.0.0/13', '131.0.72.0/22',
];
export const CLOUDFLARE_IPV6 = [
  '2400:cb00::/32', '2606:4700::/32', '2803:f800::/32', '2405:b500::/32', '2405:8100::/32', '2a06:98c0::/29', '2c0f:f248::/32',
];
export function cloudflareIps() {
  return cfResult({ ipv4_cidrs: CLOUDFLARE_IPV4, ipv6_cidrs: CLOUDFLARE_IPV6, etag: 'rehearsal-etag' });
}

/** One zone — https://developers.cloudflare.com/api/resources/zones/methods/get/ */
function zone(name) {
  return {
    id: createHash('sha256').update(`zone:${name}`).digest('hex').slice(0, 32),
    name,
    status: 'active',
    paused: false,
    type: 'full',
    development_mode: 0,
    name_servers: ['ada.ns.cloudflare.com', 'bob.ns.cloudflare.com'],
    original_name_servers: null,
    original_registrar: null,
    original_dnshost: null,
    created_on: CREATED_AT,
    modified_on: CREATED_AT,
    activated_on: CREATED_AT,
    meta: { step: 4, custom_certificate_quota: 0, page_rule_quota: 3, phishing_detected: false },
    owner: { id: null, type: 'user', email: null },
    account: { id: '0123456789abcdef0123456789abcdef', name: 'CryptoPulse' },
    tenant: { id: null, name: null },
    tenant_unit: { id: null },
    permissions: ['#zone:read', '#zone:edit', '#dns_records:edit'],
    plan: { id: '0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee', name: 'Free Website', price: 0, currency: 'USD', frequency: '', is_subscribed: false, can_subscribe: false, legacy_id: 'free', legacy_discount: false, externally_managed: false },
    vanity_name_servers: [],
    verification_key: '',
  };
}

/** GET /client/v4/zones/{zone_id} — https://developers.cloudflare.com/api/resources/zones/methods/get/ */
export function cloudflareZone(world, id) {
  const found = world.zones.map(zone).find((z) => z.id === id);
  return found ? cfResult(found) : null;
}

/** GET /client/v4/zones?name=… — https://developers.cloudflare.com/api/resources/zones/methods/list/ */
export function cloudflareZones(world, name) {
  const zones = world.zones.filter((z) => !name || z === name).map(zone);
  return cfResult(zones, { page: 1, per_page: 20, count: zones.length, total_count: zones.length, total_pages: 1 });
}
