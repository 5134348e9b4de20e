import type { Construct } from "constructs";
import { ContainerRegistry } from "@cdktf/provider-digitalocean/lib/container-registry";
import type { EnvironmentConfig } from "../../config";

/**
 * One registry per DigitalOcean account: the owning environment creates it
 * (so its cluster stack deploys first); the others get none. They do not look
 * it up: the `digitalocean_container_registry` data source of provider 2.71.0
 * asks for `GET /v2/registries/` with an empty name and crashes on the answer.
 * Built in the scope it is given (the cluster stack), so its logical id stays `registry`.
 */
export function accountRegistry(scope: Construct, registry: EnvironmentConfig["registry"], preventDestroy: boolean): ContainerRegistry | undefined {
  if (!registry.owned) return undefined;
  return new ContainerRegistry(scope, "registry", {
    name: registry.name,
    subscriptionTierSlug: registry.subscriptionTier,
    region: registry.region,
    lifecycle: { preventDestroy },
  });
}
