import { DOKS_STORAGE_CLASSES } from "../../constructs/core/storage";
import { yamlData } from "../../constructs/core/yaml-document";
import { blocks, first, isLiteral, isObject, type Json, type JsonObject } from "../json";
import { defineRule, resourcesOf, type Block, type RuleContext } from "../rule";

const CLAIM_TYPES = ["kubernetes_persistent_volume_claim", "kubernetes_persistent_volume_claim_v1"];
const STATEFUL_SET_TYPES = ["kubernetes_stateful_set", "kubernetes_stateful_set_v1"];
const STORAGE_CLASS_TYPES = ["kubernetes_storage_class", "kubernetes_storage_class_v1"];

/** Helm value keys that name a claim's storage class (`storageClassName`, and the `storageClass` of Bitnami-style charts). */
const CLASS_KEYS = ["storageClassName", "storageClass"];

/**
 * The storage classes known to keep their volumes: DOKS' `-retain` classes and
 * any class the stack itself defines with reclaim_policy Retain.
 */
function retainingClasses(context: RuleContext): Set<string> {
  const known = Object.entries(DOKS_STORAGE_CLASSES).filter(([, policy]) => policy === "Retain").map(([name]) => name);
  const own = context.blocks
    .filter((block) => block.kind === "resource" && STORAGE_CLASS_TYPES.includes(block.type) && block.config.reclaim_policy === "Retain")
    .map((block) => first(block.config, "metadata")?.name)
    .filter(isLiteral);
  return new Set([...known, ...own]);
}

/** What is wrong with a claim's storage class, or undefined when it keeps its volume. */
function classProblem(where: string, storageClass: Json | undefined, retaining: Set<string>): string | undefined {
  // Charts write "-" for an empty storageClassName; "" and none both leave the class to the cluster.
  if (storageClass === undefined || storageClass === null || storageClass === "" || storageClass === "-") {
    return `${where} names no storage class (the cluster default, do-block-storage on DOKS, deletes with the claim)`;
  }
  if (typeof storageClass !== "string" || !isLiteral(storageClass)) return `${where}: storage class ${JSON.stringify(storageClass)} is an expression, not checkable at synth`;
  if (retaining.has(storageClass)) return undefined;
  const policy = DOKS_STORAGE_CLASSES[storageClass as keyof typeof DOKS_STORAGE_CLASSES];
  return policy ? `${where}: ${storageClass} has reclaimPolicy ${policy}` : `${where}: ${storageClass} is not known to retain its volumes`;
}

/** Helm's merge of values files: maps merge key by key, anything else is replaced. */
function mergeValues(target: JsonObject, source: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];
    target[key] = isObject(current) && isObject(value) ? mergeValues({ ...current }, value) : value;
  }
  return target;
}

/** `a.b\.c.d` → ["a", "b.c", "d"]: Helm's `--set` path syntax (list indexes stay part of the key). */
function setPath(name: string): string[] {
  return name.split(/(?<!\\)\./).map((part) => part.replace(/\\\./g, "."));
}

interface ReleaseValues {
  /** The literal values files, merged in order, with `set` entries on top. */
  readonly merged: JsonObject;
  /** Values entries that are Terraform expressions (`${yamlencode({...})}`), known only at plan time. */
  readonly expressions: readonly { readonly text: string; readonly index: number }[];
}

function releaseValues(block: Block): ReleaseValues {
  const merged: JsonObject = {};
  const expressions: { text: string; index: number }[] = [];
  const values = Array.isArray(block.config.values) ? block.config.values : [];
  for (const [index, text] of values.entries()) {
    if (typeof text !== "string") continue;
    if (/^\$\{[\s\S]*\}$/.test(text.trim())) {
      expressions.push({ text, index });
      continue;
    }
    const parsed = yamlData(text);
    if (isObject(parsed)) mergeValues(merged, parsed);
  }
  for (const entry of blocks(block.config, "set")) {
    if (typeof entry.name !== "string" || entry.value === undefined) continue;
    const path = setPath(entry.name);
    let node = merged;
    for (const key of path.slice(0, -1)) {
      // A copy: the maps merged in may be a parsed document's, shared and frozen (yamlData).
      const next = node[key];
      node = node[key] = isObject(next) ? { ...next } : {};
    }
    node[path[path.length - 1]] = entry.value;
  }
  return { merged, expressions };
}

/**
 * Every volume claim the values ask for, found by shape: a `volumeClaimTemplate`
 * (the Prometheus Operator's storageSpec), each entry of `volumeClaimTemplates`,
 * an enabled `persistence` block (most charts), and any other storage class key.
 * Chart defaults are not in the synthesized JSON: a chart that makes a claim
 * without being asked for one is invisible here, so every persistent release
 * states its persistence in its values.
 */
function helmClaimProblems(values: Json, retaining: Set<string>, path = ""): string[] {
  if (Array.isArray(values)) return values.flatMap((item, index) => helmClaimProblems(item, retaining, `${path}[${index}]`));
  if (!isObject(values)) return [];
  const at = (key: string) => (path ? `${path}.${key}` : key);
  const problems: string[] = [];
  const claimedHere = new Set<string>();
  for (const [key, value] of Object.entries(values)) {
    if (key === "volumeClaimTemplate" && isObject(value)) {
      problems.push(...[classProblem(at(key), first(value, "spec")?.storageClassName, retaining)].filter(isProblem));
      claimedHere.add(key);
    } else if (key === "volumeClaimTemplates" && Array.isArray(value)) {
      value.forEach((template, index) => {
        problems.push(...[classProblem(`${at(key)}[${index}]`, first(template, "spec")?.storageClassName, retaining)].filter(isProblem));
      });
      claimedHere.add(key);
    } else if (key === "persistence" && isObject(value) && value.enabled === true && value.existingClaim === undefined) {
      const named = CLASS_KEYS.find((classKey) => classKey in value);
      problems.push(...[classProblem(at(key), named ? value[named] : undefined, retaining)].filter(isProblem));
      claimedHere.add(key);
    }
  }
  for (const [key, value] of Object.entries(values)) {
    if (claimedHere.has(key)) continue;
    if (CLASS_KEYS.includes(key) && (typeof value === "string" || value === null)) {
      problems.push(...[classProblem(at(key), value, retaining)].filter(isProblem));
    } else {
      problems.push(...helmClaimProblems(value, retaining, at(key)));
    }
  }
  return problems;
}

/** Storage classes in a `${yamlencode({...})}` values entry: `"storageClassName" = "x"`; anything but a literal fails. */
function expressionClaimProblems(expression: string, index: number, retaining: Set<string>): string[] {
  const problems: string[] = [];
  const pairs = [...expression.matchAll(/"(storageClassName|storageClass)"\s*=\s*("([^"]*)"|[^,}\s]+)/g)];
  for (const [, key, raw, literal] of pairs) {
    problems.push(...[classProblem(`values[${index}] ${key}`, literal ?? `\${${raw}}`, retaining)].filter(isProblem));
  }
  if (pairs.length === 0 && /"(volumeClaimTemplates?|persistence)"\s*=/.test(expression)) {
    problems.push(`values[${index}] asks for a volume in an expression without a literal storage class`);
  }
  return problems;
}

function isProblem(problem: string | undefined): problem is string {
  return problem !== undefined;
}

function joined(problems: readonly string[]): string | undefined {
  return problems.length > 0 ? problems.join("; ") : undefined;
}

function volumeProblem(block: Block, context: RuleContext): string | undefined {
  const retaining = retainingClasses(context);
  if (CLAIM_TYPES.includes(block.type)) return classProblem("the claim", first(block.config, "spec")?.storage_class_name, retaining);
  if (STATEFUL_SET_TYPES.includes(block.type)) {
    return joined(
      blocks(first(block.config, "spec"), "volume_claim_template")
        .map((template, index) => {
          const name = first(template, "metadata")?.name;
          return classProblem(`volume_claim_template ${typeof name === "string" ? name : index}`, first(template, "spec")?.storage_class_name, retaining);
        })
        .filter(isProblem),
    );
  }
  const { merged, expressions } = releaseValues(block);
  return joined([
    ...helmClaimProblems(merged, retaining).map((problem) => `values ${problem}`),
    ...expressions.flatMap(({ text, index }) => expressionClaimProblems(text, index, retaining)),
  ]);
}

export const volumeRules = [
  defineRule({
    id: "CP-DATA-004",
    reason: "a volume on a storage class with reclaimPolicy Delete (or on the cluster default, which is one) is deleted with its claim, by an uninstall, a replaced release or a renamed StatefulSet",
    fix: "put every claim on a retaining class: storageClassName do-block-storage-retain (constructs/core/storage.ts RETAINED_BLOCK_STORAGE)",
    scope: "Kubernetes PVCs, StatefulSet `volume_claim_template`s, and `helm_release` values or `set` that ask for a volume (`volumeClaimTemplate(s)`, an enabled `persistence`, any `storageClass(Name)`); a `kubernetes_storage_class` of the stack with `reclaim_policy` Retain counts as retaining, none or `-` does not",
    appliesTo: resourcesOf(...CLAIM_TYPES, ...STATEFUL_SET_TYPES, "helm_release"),
    check: volumeProblem,
  }),
] as const;
