import { App, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import type { EnvironmentConfig, RegionSlug } from "../config";
import { allocationOf, allocationTags, type AllocationService, type Layer } from "../config/allocation";
import { stackName } from "../config/naming.mjs";
import type { StateBackendOptions } from "../config/runtime";
import { applyGuardrails } from "../guardrails";
import { PROVIDERS, type ProviderName } from "./providers";
import { attachStateBackend } from "./state-backend";

/** The layers of the platform, one stack kind each. */
export type StackLayer = Layer;

export interface LayerStackProps {
  readonly environment: EnvironmentConfig;
  readonly layer: StackLayer;
  /** Set for per-region stacks; part of the stack name. */
  readonly region?: RegionSlug;
  readonly providers: readonly ProviderName[];
  readonly state: StateBackendOptions;
}

/**
 * Base of every environment's stacks, one layer of one environment (in one
 * region, for the regional layers): names it (config/naming.mjs), attaches its
 * providers, its state backend and the guardrails rule pack, so a concrete
 * stack is only the wiring of its constructs.
 */
export abstract class LayerStack extends TerraformStack {
  readonly environment: EnvironmentConfig;
  readonly stackName: string;
  readonly layer: StackLayer;

  constructor(scope: Construct, props: LayerStackProps) {
    const name = stackName(props.environment.name, props.layer, props.region);
    super(scope, name);
    this.environment = props.environment;
    this.stackName = name;
    this.layer = props.layer;
    for (const provider of props.providers) PROVIDERS[provider](this);
    attachStateBackend(this, name, props.state, App.of(this).outdir);
    applyGuardrails(this, { tier: props.environment.tier });
  }

  /** An output only `terraform output` shows (never a plan or the logs): connection details, keys. */
  sensitiveOutput(id: string, value: unknown, description: string): TerraformOutput {
    return new TerraformOutput(this, id, { value, description, sensitive: true });
  }

  /** The cost-allocation tags of a resource of `service` in this stack (environment, layer, service, team). */
  allocationTags(service: AllocationService): string[] {
    return allocationTags(allocationOf(this.environment.name, this.environment.costAllocation, this.layer, service));
  }
}
