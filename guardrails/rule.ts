import type { IConstruct } from "constructs";
import type { EnvironmentConfig } from "../config";
import type { JsonObject } from "./json";

/** The environment tier a stack belongs to: some rules hold in production only. */
export type Tier = EnvironmentConfig["tier"];

/** The top-level key of cdk.tf.json a block sits under. */
export type BlockKind = "resource" | "data" | "output" | "variable" | "provider" | "terraform" | "locals" | "other";

/** One synthesized Terraform block, resolved as in cdk.tf.json, with the construct that produced it. */
export interface Block {
  readonly kind: BlockKind;
  /** Resource or data source type, provider name, or the kind itself for outputs, variables, ... */
  readonly type: string;
  /** Terraform address: `digitalocean_vpc.vpc_6776A399`, `data.x.y`, `output.cluster_id`, `var.x`, `provider.digitalocean`. */
  readonly address: string;
  /** Construct path, e.g. `cryptopulse-production-cluster-fra1/doks/cluster`: what a suppression targets. */
  readonly path: string;
  readonly construct: IConstruct;
  /** The block's attributes without cdktf's `//` metadata. */
  readonly config: JsonObject;
}

/** What a rule may look at besides the block itself. */
export interface RuleContext {
  /** Every block of the stack, for rules that relate blocks (a database and its firewall). */
  readonly blocks: readonly Block[];
}

/**
 * One guardrail. A rule selects the blocks it is about and checks each on its
 * own; `check` returns what is wrong (one line, without secret values) or
 * undefined when the block complies.
 */
export interface Rule<Id extends string = string> {
  /** `CP-<area>-<nnn>`: DATA (data safety), DO (DigitalOcean), K8S, HELM, CF (Cloudflare), SEC (secrets). */
  readonly id: Id;
  /** One line: what goes wrong without the rule. */
  readonly reason: string;
  /** One line: how to comply. */
  readonly fix: string;
  /** One line for docs/guardrails.md (npm run docs:tables): the blocks `appliesTo` selects, in words. */
  readonly scope: string;
  /** The tiers the rule holds in; all tiers when absent. */
  readonly tiers?: readonly Tier[];
  appliesTo(block: Block, context: RuleContext): boolean;
  check(block: Block, context: RuleContext): string | undefined;
}

/** Keeps a rule's id as a literal type, so the pack's ids form the `RuleId` union. */
export function defineRule<const Id extends string>(rule: Rule<Id>): Rule<Id> {
  return rule;
}

/** A selector for resources of the given types. */
export function resourcesOf(...types: readonly string[]): (block: Block) => boolean {
  return (block) => block.kind === "resource" && types.includes(block.type);
}
