import {
  TerraformDataSource,
  TerraformElement,
  TerraformOutput,
  TerraformRemoteState,
  TerraformResource,
  TerraformVariable,
  type TerraformStack,
} from "cdktf";
// cdktf's one funnel for resolving a stack, which its toTerraform resolves each element through: the same JSON, and
// in a synth the fast path (stacks/fast-resolve.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object, so that a synth's hook serves it
import stackTokens = require("cdktf/lib/_tokens");
import type { IConstruct } from "constructs";
import { isObject, type Json, type JsonObject } from "./json";
import type { Block, BlockKind } from "./rule";

/**
 * Every Terraform block `stack` synthesizes, resolved the way cdk.tf.json
 * writes it (tokens become `${...}` expressions, cross-stack references become
 * remote-state lookups), each with the construct that produced it.
 *
 * `synthesized` is the stack's own `toTerraform()`, the JSON cdktf writes:
 * resolving is most of a synth's cost, so a resource, data source, output or
 * variable is read from there (under its type and name) instead of being
 * resolved a second time. Every other element (providers, the backend), and
 * any stack with top-level blocks beyond those (moved, import), is resolved
 * element by element.
 */
export function stackBlocks(stack: TerraformStack, synthesized?: JsonObject): Block[] {
  const written = synthesized && Object.keys(synthesized).every((key) => SPLIT_KEYS.includes(key)) ? synthesized : undefined;
  return stack.node
    .findAll()
    .filter(TerraformElement.isTerraformElement)
    .flatMap((element) => {
      const block = written && writtenBlock(element, written);
      if (block) return [block];
      const fragment: unknown = stackTokens.resolve(stack, element.toTerraform());
      return isObject(fragment) ? blocksOf(element, fragment) : [];
    });
}

/** The top-level keys of cdk.tf.json whose blocks each come from one element, named by its friendlyUniqueId. */
const SPLIT_KEYS = ["//", "resource", "data", "output", "variable", "provider", "terraform", "locals"];

/** `element`'s one block as written in the stack's JSON; undefined for any other element, or when it is not there. */
function writtenBlock(element: TerraformElement, written: JsonObject): Block | undefined {
  const name = element.friendlyUniqueId;
  const at = (kind: "resource" | "data", type: string): Block | undefined => {
    const config = isObject(written[kind]) ? (written[kind] as JsonObject)[type] : undefined;
    return isObject(config) && isObject(config[name]) ? makeBlock(element, kind, type, `${kind === "data" ? "data." : ""}${type}.${name}`, config[name]) : undefined;
  };
  const named = (kind: "output" | "variable"): Block | undefined => {
    const config = isObject(written[kind]) ? (written[kind] as JsonObject)[name] : undefined;
    return config === undefined ? undefined : makeBlock(element, kind, kind, `${kind === "output" ? "output" : "var"}.${name}`, config);
  };
  if (TerraformResource.isTerraformResource(element)) return at("resource", element.terraformResourceType);
  if (TerraformDataSource.isTerraformDataSource(element)) return at("data", element.terraformResourceType);
  if (element instanceof TerraformRemoteState) return at("data", "terraform_remote_state");
  if (TerraformOutput.isTerraformOutput(element)) return named("output");
  if (element instanceof TerraformVariable) return named("variable");
  return undefined;
}

function makeBlock(construct: IConstruct, kind: BlockKind, type: string, address: string, config: Json): Block {
  return { kind, type, address, path: construct.node.path, construct, config: withoutMetadata(config) };
}

/** Splits one element's fragment (`{ resource: { type: { name: {...} } } }`, ...) into blocks. */
function blocksOf(construct: IConstruct, fragment: JsonObject): Block[] {
  const make = (kind: BlockKind, type: string, address: string, config: Json): Block => makeBlock(construct, kind, type, address, config);
  return Object.entries(fragment).flatMap(([key, body]): Block[] => {
    if (!isObject(body)) return [];
    switch (key) {
      case "resource":
      case "data":
        return Object.entries(body).flatMap(([type, named]) =>
          isObject(named)
            ? Object.entries(named).map(([name, config]) => make(key, type, `${key === "data" ? "data." : ""}${type}.${name}`, config))
            : [],
        );
      case "output":
      case "variable":
        return Object.entries(body).map(([name, config]) => make(key, key, `${key === "output" ? "output" : "var"}.${name}`, config));
      case "provider":
        return Object.entries(body).flatMap(([type, configs]) =>
          (Array.isArray(configs) ? configs : [configs]).map((config) => {
            const alias = isObject(config) && typeof config.alias === "string" ? `.${config.alias}` : "";
            return make("provider", type, `provider.${type}${alias}`, config);
          }),
        );
      case "terraform":
      case "locals":
        return [make(key, key, key, body)];
      default:
        return [make("other", key, key, body)];
    }
  });
}

function withoutMetadata(config: Json): JsonObject {
  if (!isObject(config)) return {};
  return Object.fromEntries(Object.entries(config).filter(([key]) => key !== "//"));
}
