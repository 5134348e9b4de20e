import { Construct } from "constructs";
import { NamespaceV1 } from "@cdktf/provider-kubernetes/lib/namespace-v1";
import { NetworkPolicyV1 } from "@cdktf/provider-kubernetes/lib/network-policy-v1";

/** Pod Security Standards levels, from least to most privileged. */
export type PodSecurityLevel = "restricted" | "baseline" | "privileged";

export interface SecureNamespaceProps {
  readonly name: string;
  /** The level the namespace enforces: the least privileged its workloads run under. */
  readonly enforce: PodSecurityLevel;
}

/**
 * A namespace that starts closed:
 * - Pod Security Admission enforces the given level; below `restricted` it
 *   still warns and audits against `restricted`, so drift towards more
 *   privilege shows up in `kubectl` output and the audit log;
 * - a default-deny NetworkPolicy (ingress and egress) for every pod, so each
 *   flow a workload needs is an explicit policy of its own.
 */
export class SecureNamespace extends Construct {
  readonly namespace: NamespaceV1;

  constructor(scope: Construct, id: string, props: SecureNamespaceProps) {
    super(scope, id);
    this.namespace = new NamespaceV1(this, "namespace", {
      metadata: {
        name: props.name,
        labels: {
          "pod-security.kubernetes.io/enforce": props.enforce,
          "pod-security.kubernetes.io/enforce-version": "latest",
          "pod-security.kubernetes.io/warn": "restricted",
          "pod-security.kubernetes.io/audit": "restricted",
        },
      },
    });
    new NetworkPolicyV1(this, "default-deny", {
      metadata: { name: "default-deny-all", namespace: this.name },
      spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
    });
  }

  /** The namespace's name, as a reference that orders dependants after its creation. */
  get name(): string {
    return this.namespace.metadata.name;
  }
}

/** Egress to the cluster DNS (CoreDNS in kube-system), over UDP and TCP. */
export const DNS_EGRESS = {
  to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }],
  ports: [
    { protocol: "UDP", port: "53" },
    { protocol: "TCP", port: "53" },
  ],
};

/** NetworkPolicy ports for TCP `ports`. */
export function tcpPorts(ports: readonly number[]) {
  return ports.map((port) => ({ protocol: "TCP", port: String(port) }));
}

/** The managed databases' private endpoints an add-on or job may reach: their VPC and their ports. */
export interface DatabaseEgress {
  readonly cidr: string;
  readonly ports: readonly number[];
}

/** Egress to the databases' private endpoints. */
export function databaseEgressRule(egress: DatabaseEgress) {
  return { to: [{ ipBlock: { cidr: egress.cidr } }], ports: tcpPorts(egress.ports) };
}

/** Selects a namespace by name (the label Kubernetes sets on every namespace). */
export function namespaceNamed(name: string) {
  return { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": name } } };
}
