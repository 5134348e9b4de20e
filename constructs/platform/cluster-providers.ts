import { Fn } from "cdktf";
import { Construct } from "constructs";
import { DataDigitaloceanKubernetesCluster } from "@cdktf/provider-digitalocean/lib/data-digitalocean-kubernetes-cluster";
import { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { KubernetesProvider } from "@cdktf/provider-kubernetes/lib/provider";

export interface ClusterProvidersProps {
  /** The DOKS cluster's name (it lives in the cluster stack). */
  readonly clusterName: string;
}

/**
 * Kubernetes and Helm providers for a DOKS cluster that another stack owns.
 * The cluster is looked up by name with a data source, which fetches fresh
 * credentials on every plan: a kubeconfig token expires after 7 days, so one
 * copied through remote state would break the next run (and sit in state).
 */
export class ClusterProviders extends Construct {
  readonly cluster: DataDigitaloceanKubernetesCluster;
  readonly kubernetes: KubernetesProvider;
  readonly helm: HelmProvider;

  constructor(scope: Construct, id: string, props: ClusterProvidersProps) {
    super(scope, id);
    this.cluster = new DataDigitaloceanKubernetesCluster(this, "cluster", { name: props.clusterName });
    const credentials = this.cluster.kubeConfig.get(0);
    const connection = {
      host: this.cluster.endpoint,
      token: credentials.token,
      clusterCaCertificate: Fn.base64decode(credentials.clusterCaCertificate),
    };
    this.kubernetes = new KubernetesProvider(scope, "kubernetes", connection);
    this.helm = new HelmProvider(scope, "helm", { kubernetes: connection });
  }
}
