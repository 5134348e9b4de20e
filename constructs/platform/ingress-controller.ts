import { Fn, Token } from "cdktf";
import type { Construct } from "constructs";
import { DataCloudflareIpRanges } from "@cdktf/provider-cloudflare/lib/data-cloudflare-ip-ranges";
import type { AutoscalingConfig } from "../../config/schema";
import { ClusterAddon, type HelmChart } from "../core/cluster-addon";
import { INGRESS_NAMESPACE } from "../core/namespaces";
import type { PinnedRelease } from "../core/pinned-release";
import { DNS_EGRESS, tcpPorts } from "../core/secure-namespace";
import { yamlencode } from "../core/yamlencode";
import { OriginCertificate } from "./origin-certificate";

/** The ingress-nginx chart this project is written and checked against. */
export const INGRESS_NGINX_CHART = {
  repository: "https://kubernetes.github.io/ingress-nginx",
  chart: "ingress-nginx",
  version: "4.15.1",
  baseValues: "helm-values/ingress-nginx.yaml",
} as const satisfies HelmChart;


/** The DigitalOcean name of a cluster's ingress load balancer; the edge stack looks it up by this name. */
export function ingressLoadBalancerName(clusterName: string): string {
  return `${clusterName}-ingress`;
}
const ORIGIN_TLS_SECRET = "origin-tls";

export interface IngressControllerProps {
  /** Names the DigitalOcean load balancer, e.g. cryptopulse-production-fra1-ingress. */
  readonly loadBalancerName: string;
  readonly loadBalancerSizeUnit: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** The HPA's targets: the guide's scaling triggers, as for the app services. */
  readonly autoscaling: Pick<AutoscalingConfig, "cpuUtilizationPercent" | "memoryUtilizationPercent">;
  /** The site's apex: the origin certificate covers it and its wildcard. */
  readonly apex: string;
  /** The cluster's VPC range: nginx's TCP peer (the load balancer, or a node forwarding for it) is in it. */
  readonly vpcCidr: string;
}

/**
 * DigitalOcean's Service annotation that makes the load balancer send a PROXY
 * protocol (v1) header ahead of each connection; the value must be the string
 * "true". Source: https://docs.digitalocean.com/products/kubernetes/how-to/configure-load-balancers/#proxy-protocol
 * and github.com/digitalocean/digitalocean-cloud-controller-manager/blob/master/docs/controllers/services/annotations.md.
 * Its default
 * health check (HTTP /healthz of kube-proxy, port 10256) is sent without PROXY
 * protocol, so it keeps working; setting do-loadbalancer-override-health-check
 * would send it with PROXY protocol to the ports chosen.
 */
export const PROXY_PROTOCOL_ANNOTATION = "service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol";

/**
 * The header ingress-nginx fills with the client address it settled on, for
 * nginx's realip module to read. realip first reads it as the request arrives,
 * before the controller has set it, so with the default name
 * (X-Forwarded-For-Proxy-Protocol) a client that sends the header chooses its
 * own address. nginx drops a request's header with an underscore in its name
 * (see `enable-underscores-in-headers` below): only the controller sets this one.
 */
const CLIENT_ADDRESS_HEADER = "X_Client_Address";

/**
 * How nginx learns the client's address for Client → Cloudflare → load
 * balancer → nginx (ingress-nginx controller v1.15.1, nginx.tmpl lines 77-92
 * and 414-445): it reads the PROXY protocol source (a Cloudflare edge), takes
 * CF-Connecting-IP only when that source is in `proxy-real-ip-cidr`, and the
 * PROXY source itself otherwise. `$remote_addr`, and so every rate-limit key,
 * is then the client. The load balancer's annotation must switch with
 * `use-proxy-protocol`: either without the other breaks every connection.
 */
const CLIENT_ADDRESS_CONFIG = {
  "use-proxy-protocol": "true",
  // With use-proxy-protocol, what makes the controller choose between CF-Connecting-IP and the PROXY source.
  "use-forwarded-headers": "true",
  "forwarded-for-header": "CF-Connecting-IP",
  "forwarded-for-proxy-protocol-header": CLIENT_ADDRESS_HEADER,
  // The controller's defaults, pinned: a request's header with an underscore is dropped, so none forges CLIENT_ADDRESS_HEADER.
  "enable-underscores-in-headers": "false",
  "ignore-invalid-headers": "true",
} as const;

/**
 * ingress-nginx, the only way in: its DigitalOcean load balancer admits only
 * Cloudflare's ranges, so nothing reaches the origin around the WAF, and hands
 * nginx each connection's source by PROXY protocol; client IPs are restored
 * from CF-Connecting-IP when that source is Cloudflare's only; it presents a
 * Cloudflare Origin CA certificate as its default, for Full (strict) TLS.
 * The guide's nginx settings (TLS, headers, timeouts, keep-alive, 429s) are
 * the base values in helm-values/ingress-nginx.yaml; what varies per
 * environment is set here. More than one replica makes it highly available:
 * a PodDisruptionBudget, spread over nodes, autoscaled on CPU.
 */
export class IngressController extends ClusterAddon {
  readonly release: PinnedRelease;

  constructor(scope: Construct, id: string, props: IngressControllerProps) {
    // Every pod of the chart (controller, admission-webhook jobs) meets `restricted`.
    super(scope, id, { namespace: { name: INGRESS_NAMESPACE, enforce: "restricted" } });
    this.networkPolicy("allow", {
      name: "ingress-nginx",
      podSelector: {},
      ingress: [
        // Traffic from the load balancer (80/443), the API server calling the
        // admission webhook (8443) and Prometheus scraping metrics (10254).
        { ports: tcpPorts([80, 443, 8443, 10254]) },
      ],
      egress: [
        DNS_EGRESS,
        // Upstreams: the app services in any namespace the Ingresses point at.
        { to: [{ namespaceSelector: {} }] },
        // The Kubernetes API (the controller watches Ingresses; the webhook jobs patch their configuration).
        { ports: tcpPorts([443]) },
      ],
    });
    const certificate = new OriginCertificate(this, "origin-certificate", {
      apex: props.apex,
      namespace: this.namespaceName,
      secretName: ORIGIN_TLS_SECRET,
    });
    const cloudflare = new DataCloudflareIpRanges(this, "cloudflare-ranges", {});

    this.release = this.installChart("release", {
      name: "ingress-nginx",
      chart: INGRESS_NGINX_CHART,
      // Provisioning the DigitalOcean load balancer takes a few minutes.
      timeout: 900,
      overrides: [yamlencode(ingressOverrides(props, cloudflare, `${INGRESS_NAMESPACE}/${ORIGIN_TLS_SECRET}`))],
      dependsOn: [certificate.secret],
    });
  }
}

/** The per-environment values, on top of the base file. Exported for the key check against the chart. */
export function ingressOverrides(
  props: IngressControllerProps,
  cloudflare: Pick<DataCloudflareIpRanges, "ipv4Cidrs" | "ipv6Cidrs">,
  defaultCertificate: string,
) {
  const highlyAvailable = props.minReplicas > 1;
  const podLabels = { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" };
  return {
    controller: {
      replicaCount: props.minReplicas,
      minAvailable: 1,
      autoscaling: {
        enabled: props.maxReplicas > props.minReplicas,
        minReplicas: props.minReplicas,
        maxReplicas: props.maxReplicas,
        targetCPUUtilizationPercentage: props.autoscaling.cpuUtilizationPercent,
        targetMemoryUtilizationPercentage: props.autoscaling.memoryUtilizationPercent,
      },
      topologySpreadConstraints: highlyAvailable
        ? [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: podLabels } }]
        : [],
      extraArgs: { "default-ssl-certificate": defaultCertificate },
      config: {
        ...CLIENT_ADDRESS_CONFIG,
        // Trusted to hand over a client's address: Cloudflare's edge (as PROXY source) and the VPC (nginx's peer).
        "proxy-real-ip-cidr": commaSeparated([cloudflare.ipv4Cidrs, cloudflare.ipv6Cidrs, [props.vpcCidr]]),
      },
      service: {
        annotations: {
          "service.beta.kubernetes.io/do-loadbalancer-name": props.loadBalancerName,
          "service.beta.kubernetes.io/do-loadbalancer-size-unit": String(props.loadBalancerSizeUnit),
          [PROXY_PROTOCOL_ANNOTATION]: "true",
        },
        // The load balancer's firewall: Cloudflare only (it is IPv4-only).
        loadBalancerSourceRanges: cloudflare.ipv4Cidrs,
      },
    },
  };
}

/** One comma-separated list, as ingress-nginx reads a list setting; joined by Terraform when a part is known only at plan. */
function commaSeparated(lists: readonly string[][]): string {
  return lists.some((list) => Token.isUnresolved(list)) ? Fn.join(",", Fn.concat([...lists])) : lists.flat().join(",");
}
