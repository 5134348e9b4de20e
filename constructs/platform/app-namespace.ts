import { Construct } from "constructs";
import { RoleBindingV1 } from "@cdktf/provider-kubernetes/lib/role-binding-v1";
import { RoleV1 } from "@cdktf/provider-kubernetes/lib/role-v1";
import { SecureNamespace } from "../core/secure-namespace";

export interface AppNamespaceProps {
  readonly name: string;
  /** Identity-provider groups that may read everything in the namespace (not Secrets). */
  readonly developerGroups: readonly string[];
  /** Identity-provider groups that roll out the app services (CI). */
  readonly deployerGroups: readonly string[];
}

/** What CI needs to roll out and watch the app services, and nothing more. */
export const DEPLOYER_RULES = [
  { apiGroups: ["apps"], resources: ["deployments", "replicasets"], verbs: ["get", "list", "watch", "patch", "update"] },
  { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: ["get", "list", "watch"] },
  { apiGroups: ["batch"], resources: ["jobs"], verbs: ["get", "list", "watch", "create", "delete"] },
  { apiGroups: [""], resources: ["pods", "pods/log", "services", "configmaps", "events"], verbs: ["get", "list", "watch"] },
];

/**
 * The namespace of the app services: Pod Security `restricted` and default-deny
 * networking (the app-service chart adds each service's allowed flows), with
 * RBAC per the guide: developers read, CI deploys.
 */
export class AppNamespace extends Construct {
  readonly namespace: SecureNamespace;

  constructor(scope: Construct, id: string, props: AppNamespaceProps) {
    super(scope, id);
    this.namespace = new SecureNamespace(this, "namespace", { name: props.name, enforce: "restricted" });
    const namespace = this.namespace.name;

    const groups = (names: readonly string[]) => names.map((name) => ({ kind: "Group", name, apiGroup: "rbac.authorization.k8s.io" }));
    if (props.developerGroups.length > 0) {
      new RoleBindingV1(this, "developers", {
        metadata: { name: "developers-view", namespace },
        // Kubernetes' built-in read-only role: everything but Secrets.
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
        subject: groups(props.developerGroups),
      });
    }
    if (props.deployerGroups.length > 0) {
      const role = new RoleV1(this, "deployer-role", { metadata: { name: "deployer", namespace }, rule: DEPLOYER_RULES });
      new RoleBindingV1(this, "deployers", {
        metadata: { name: "deployers", namespace },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subject: groups(props.deployerGroups),
      });
    }
  }
}
