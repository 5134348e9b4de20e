import { DefaultTokenResolver, StringConcat, TerraformElement, Tokenization, type TerraformStack } from "cdktf";
import type { IConstruct } from "constructs";
import { isObject, type Json, type JsonObject } from "./json";
import type { Block, BlockKind } from "./rule";

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/**
 * Every Terraform block `stack` synthesizes, resolved the way cdk.tf.json
 * writes it (tokens become `${...}` expressions, cross-stack references become
 * remote-state lookups), each with the construct that produced it.
 */
export function stackBlocks(stack: TerraformStack): Block[] {
  return stack.node
    .findAll()
    .filter(TerraformElement.isTerraformElement)
    .flatMap((element) => {
      const fragment: unknown = Tokenization.resolve(element.toTerraform(), { scope: stack, preparing: false, resolver: RESOLVER });
      return isObject(fragment) ? blocksOf(element, fragment) : [];
    });
}

/** Splits one element's fragment (`{ resource: { type: { name: {...} } } }`, ...) into blocks. */
function blocksOf(construct: IConstruct, fragment: JsonObject): Block[] {
  const path = construct.node.path;
  const make = (kind: BlockKind, type: string, address: string, config: Json): Block => ({
    kind,
    type,
    address,
    path,
    construct,
    config: withoutMetadata(config),
  });
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
