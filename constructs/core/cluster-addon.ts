import { readFileSync } from "fs";
import type { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { NetworkPolicyV1, type NetworkPolicyV1SpecIngress, type NetworkPolicyV1SpecEgress } from "@cdktf/provider-kubernetes/lib/network-policy-v1";
import { projectPath } from "../../config/paths";
import { PinnedRelease } from "./pinned-release";
import { SecureNamespace, type PodSecurityLevel } from "./secure-namespace";

/** A Helm chart as an add-on pins it: an exact version, and the file of its base values if it has one. */
export interface HelmChart {
  readonly repository: string;
  readonly chart: string;
  /** The exact chart version this project is written and checked against. */
  readonly version: string;
  /** The application version that chart version ships, where the add-on's docs or checks name it. */
  readonly appVersion?: string;
  /** The values that are the same in every environment, a file of helm-values/ read at synth. */
  readonly baseValues?: string;
}

/** Where an add-on runs: a namespace of its own, closed by default, or one that exists already. */
export type AddonNamespace = { readonly name: string; readonly enforce: PodSecurityLevel } | { readonly existing: string };

export interface ClusterAddonProps {
  readonly namespace: AddonNamespace;
  /** Add-ons that must be ready first: every release of this one waits for theirs. */
  readonly after?: readonly ClusterAddon[];
}

/** A NetworkPolicy an add-on declares: what it selects and the flows it allows on top of the default deny. */
export interface AddonNetworkPolicy {
  readonly name: string;
  /** The add-on's own namespace by default. */
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
  readonly podSelector: { readonly matchLabels?: Record<string, string> };
  readonly ingress?: NetworkPolicyV1SpecIngress[];
  readonly egress?: NetworkPolicyV1SpecEgress[];
}

export interface AddonReleaseProps {
  readonly name: string;
  readonly chart: HelmChart;
  /** Seconds Helm waits for the release to become ready; size it to the chart. */
  readonly timeout: number;
  /** The typed per-environment overrides, rendered (on top of the chart's base values). */
  readonly overrides: readonly string[];
  /** The namespace to install into: the add-on's own by default. */
  readonly namespace?: string;
  /** What this release itself needs first (its policies, Secrets, volumes); the add-ons of `after` are added. */
  readonly dependsOn?: readonly ITerraformDependable[];
}

/**
 * A cluster add-on: its namespace (Pod Security level and default deny), the
 * network policies its pods need, and the pinned chart releases it exposes,
 * each installed with the chart's base values and the add-on's typed
 * overrides, after the add-ons it declares it depends on. What one add-on
 * needs of another (rule groups, data sources, addresses) comes in as props.
 */
export abstract class ClusterAddon extends Construct {
  /** The add-on's own namespace, when it has one. */
  readonly namespace?: SecureNamespace;
  /** The namespace it runs in, as a reference that orders dependants after the namespace exists. */
  readonly namespaceName: string;
  private readonly after: readonly ClusterAddon[];
  private readonly ready: ITerraformDependable[] = [];

  protected constructor(scope: Construct, id: string, props: ClusterAddonProps) {
    super(scope, id);
    this.after = props.after ?? [];
    if ("existing" in props.namespace) {
      this.namespaceName = props.namespace.existing;
    } else {
      this.namespace = new SecureNamespace(this, "namespace", props.namespace);
      this.namespaceName = this.namespace.name;
    }
  }

  /** What a dependant waits for: every release of this add-on. */
  get releases(): readonly ITerraformDependable[] {
    return this.ready;
  }

  /**
   * A NetworkPolicy for the pods `podSelector` matches, in the add-on's namespace or in
   * `namespace` (another namespace of the add-on, or one whose pods talk to it). Its policy
   * types follow from the rules given: an add-on declares flows, never a bare spec.
   */
  protected networkPolicy(id: string, policy: AddonNetworkPolicy): NetworkPolicyV1 {
    const policyTypes = [...(policy.ingress ? ["Ingress"] : []), ...(policy.egress ? ["Egress"] : [])];
    return new NetworkPolicyV1(this, id, {
      metadata: { name: policy.name, namespace: policy.namespace ?? this.namespaceName, ...(policy.labels ? { labels: policy.labels } : {}) },
      spec: {
        podSelector: policy.podSelector,
        policyTypes,
        ...(policy.ingress ? { ingress: policy.ingress } : {}),
        ...(policy.egress ? { egress: policy.egress } : {}),
      },
    });
  }

  /** Installs `chart` as a pinned release of this add-on. */
  protected installChart(id: string, props: AddonReleaseProps): PinnedRelease {
    const { chart } = props;
    const base = chart.baseValues === undefined ? [] : [readFileSync(projectPath(chart.baseValues), "utf8")];
    const dependsOn = [...(props.dependsOn ?? []), ...this.after.flatMap((addon) => addon.releases)];
    const release = new PinnedRelease(this, id, {
      name: props.name,
      namespace: props.namespace ?? this.namespaceName,
      repository: chart.repository,
      chart: chart.chart,
      version: chart.version,
      timeout: props.timeout,
      values: [...base, ...props.overrides],
      ...(dependsOn.length > 0 ? { dependsOn } : {}),
    });
    this.ready.push(release);
    return release;
  }
}
