import type { Construct } from "constructs";
import type { EnvironmentConfig, RegionSlug } from "../config";
import type { StateBackendOptions } from "../config/runtime";
import { NetworkStack } from "./network-stack";

/** The stacks of one environment, for wiring cross-stack references. */
export interface EnvironmentStacks {
  readonly network: ReadonlyMap<RegionSlug, NetworkStack>;
}

/** Builds every stack of `environment` in `scope` (the App). */
export function defineEnvironment(scope: Construct, environment: EnvironmentConfig, state: StateBackendOptions): EnvironmentStacks {
  const network = new Map(
    environment.regions.map((region) => [region.slug, new NetworkStack(scope, { environment, region, state })] as const),
  );
  return { network };
}
