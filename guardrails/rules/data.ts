import { first } from "../json";
import { defineRule, resourcesOf, type Block } from "../rule";

/**
 * Resource types whose destruction destroys data: a delete or a replacement
 * (a changed immutable attribute) drops the database, the bucket's objects or
 * the volume. The prevent-destroy engine test plans one of each.
 */
export const STATEFUL_TYPES = [
  "digitalocean_database_cluster",
  "digitalocean_database_replica",
  "digitalocean_database_db",
  "digitalocean_spaces_bucket",
  "digitalocean_volume",
  "kubernetes_persistent_volume_claim",
  "kubernetes_persistent_volume_claim_v1",
] as const;

/** Production resources that hold no data of their own but cannot be rebuilt without an outage. */
const PRODUCTION_PROTECTED_TYPES = ["digitalocean_kubernetes_cluster", "digitalocean_container_registry"] as const;

/** Switches that make a destroy take data with it, by resource type. */
const FORCE_DESTROY_SWITCHES: Readonly<Record<string, string>> = {
  digitalocean_spaces_bucket: "force_destroy",
  // DOKS then deletes the volumes and load balancers its workloads created (Prometheus and Alertmanager data).
  digitalocean_kubernetes_cluster: "destroy_all_associated_resources",
  // Terraform Cloud then deletes a workspace, and its state, while it still manages resources.
  tfe_workspace: "force_delete",
};

function preventDestroyProblem(block: Block): string | undefined {
  const preventDestroy = first(block.config, "lifecycle")?.prevent_destroy;
  if (preventDestroy === true) return undefined;
  return preventDestroy === undefined ? "lifecycle.prevent_destroy is not set" : `lifecycle.prevent_destroy is ${JSON.stringify(preventDestroy)}`;
}

export const dataRules = [
  defineRule({
    id: "CP-DATA-001",
    reason: "deleting or replacing a stateful resource deletes its data, and a routine plan can do either",
    fix: "set lifecycle: { preventDestroy: true } on it",
    scope: "database clusters and replicas, `digitalocean_database_db`, Spaces buckets, volumes, Kubernetes PVCs",
    appliesTo: resourcesOf(...STATEFUL_TYPES),
    check: preventDestroyProblem,
  }),
  defineRule({
    id: "CP-DATA-002",
    reason: "a force-destroy switch makes a destroy delete the objects or volumes the resource holds",
    fix: "remove the switch (or set it to false) and empty the resource by hand when it really has to go",
    scope: "Spaces buckets (`force_destroy`), DOKS clusters (`destroy_all_associated_resources`), Terraform Cloud workspaces (`force_delete`)",
    appliesTo: resourcesOf(...Object.keys(FORCE_DESTROY_SWITCHES)),
    check: (block) => {
      const name = FORCE_DESTROY_SWITCHES[block.type];
      const value = block.config[name];
      return value === undefined || value === false ? undefined : `${name} is ${JSON.stringify(value)}`;
    },
  }),
  defineRule({
    id: "CP-DATA-003",
    reason: "replacing the production cluster or registry means an outage and rebuilding everything that runs on it",
    fix: "set lifecycle: { preventDestroy: true } on it in production",
    scope: "the DOKS cluster and the container registry",
    tiers: ["production"],
    appliesTo: resourcesOf(...PRODUCTION_PROTECTED_TYPES),
    check: preventDestroyProblem,
  }),
] as const;
