import { readFileSync } from "fs";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { DataCloudflareIpRanges } from "@cdktf/provider-cloudflare/lib/data-cloudflare-ip-ranges";
import { projectPath } from "../config/paths";
import { OriginCertificate } from "./origin-certificate";
import { PinnedRelease } from "./pinned-release";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { DNS_EGRESS, SecureNamespace } from "./secure-namespace";

/** The ingress-nginx chart this project is written and checked against. */
export const INGRESS_NGINX_CHART = {
  repository: "https://kubernetes.github.io/ingress-nginx",
  chart: "ingress-nginx",
  version: "4.15.1",
  baseValues: "helm-values/ingress-nginx.yaml",
} as const;

export const INGRESS_NAMESPACE = "ingress-nginx";

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
  /** The site's apex: the origin certificate covers it and its wildcard. */
  readonly apex: string;
}

/**
 * ingress-nginx, the only way in: its DigitalOcean load balancer admits only
 * Cloudflare's ranges, so nothing reaches the origin around the WAF; client
 * IPs are restored from CF-Connecting-IP for those ranges only; it presents a
 * Cloudflare Origin CA certificate as its default, for Full (strict) TLS.
 * The guide's nginx settings (TLS, headers, timeouts, keep-alive, 429s) are
 * the base values in helm-values/ingress-nginx.yaml; what varies per
 * environment is set here. More than one replica makes it highly available:
 * a PodDisruptionBudget, spread over nodes, autoscaled on CPU.
 */
export class IngressController extends Construct {
  readonly namespace: SecureNamespace;
  readonly release: PinnedRelease;

  constructor(scope: Construct, id: string, props: IngressControllerProps) {
    super(scope, id);
    // Every pod of the chart (controller, admission-webhook jobs) meets `restricted`.
    this.namespace = new SecureNamespace(this, "namespace", { name: INGRESS_NAMESPACE, enforce: "restricted" });
    new NetworkPolicyV1(this, "allow", {
      metadata: { name: "ingress-nginx", namespace: this.namespace.name },
      spec: {
        podSelector: {},
        policyTypes: ["Ingress", "Egress"],
        ingress: [
          // Traffic from the load balancer (80/443), the API server calling the
          // admission webhook (8443) and Prometheus scraping metrics (10254).
          { ports: [80, 443, 8443, 10254].map((port) => ({ protocol: "TCP", port: String(port) })) },
        ],
        egress: [
          DNS_EGRESS,
          // Upstreams: the app services in any namespace the Ingresses point at.
          { to: [{ namespaceSelector: {} }] },
          // The Kubernetes API (the controller watches Ingresses; the webhook jobs patch their configuration).
          { ports: [{ protocol: "TCP", port: "443" }] },
        ],
      },
    });
    const certificate = new OriginCertificate(this, "origin-certificate", {
      apex: props.apex,
      namespace: this.namespace.name,
      secretName: ORIGIN_TLS_SECRET,
    });
    const cloudflare = new DataCloudflareIpRanges(this, "cloudflare-ranges", {});

    this.release = new PinnedRelease(this, "release", {
      name: "ingress-nginx",
      namespace: this.namespace.name,
      repository: INGRESS_NGINX_CHART.repository,
      chart: INGRESS_NGINX_CHART.chart,
      version: INGRESS_NGINX_CHART.version,
      // Provisioning the DigitalOcean load balancer takes a few minutes.
      timeout: 900,
      values: [
        readFileSync(projectPath(INGRESS_NGINX_CHART.baseValues), "utf8"),
        Fn.yamlencode(ingressOverrides(props, cloudflare, `${INGRESS_NAMESPACE}/${ORIGIN_TLS_SECRET}`)),
      ],
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
        targetCPUUtilizationPercentage: 70,
        targetMemoryUtilizationPercentage: 80,
      },
      topologySpreadConstraints: highlyAvailable
        ? [{ maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: podLabels } }]
        : [],
      extraArgs: { "default-ssl-certificate": defaultCertificate },
      config: {
        "proxy-real-ip-cidr": Fn.join(",", Fn.concat([cloudflare.ipv4Cidrs, cloudflare.ipv6Cidrs])),
      },
      service: {
        annotations: {
          "service.beta.kubernetes.io/do-loadbalancer-name": props.loadBalancerName,
          "service.beta.kubernetes.io/do-loadbalancer-size-unit": String(props.loadBalancerSizeUnit),
        },
        // The load balancer's firewall: Cloudflare only (it is IPv4-only).
        loadBalancerSourceRanges: cloudflare.ipv4Cidrs,
      },
    },
  };
}
