import { blocks, isLiteral, strings, type Json } from "../json";
import { defineRule, type Block, type RuleContext } from "../rule";
import { isSecretName, secretPatternIn } from "../secrets";

/** Attributes that hold credentials without saying so in their name: connection URIs and kubeconfigs. */
const CREDENTIAL_ATTRIBUTE = /(^|_)uri$|^kube_?config$|^raw_config$|^client_(key|certificate)$/;

/** `type.name.attr...`, `data.type.name.attr...` and `var.name` references inside an expression. */
const REFERENCE = /\b(?:data\.)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)((?:\.[A-Za-z0-9_-]+|\[[^\]]*\])*)/g;

function literalSecretProblems(block: Block): string[] {
  const problems: string[] = [];
  for (const { path, key, value } of strings(block.config)) {
    // Scanned with its name, as scripts/secret-scan.mjs does, for patterns that need it (`password: ...`).
    const pattern = secretPatternIn(`${key}: ${value}`);
    if (pattern) problems.push(`${path} looks like a ${pattern.description}`);
    else if (value !== "" && isLiteral(value) && isSecretName(key)) problems.push(`${path} is a literal credential`);
  }
  if (block.type === "helm_release") {
    // Helm's name/value pairs hide the secret's name in `name`.
    for (const [list, all] of [["set", false], ["set_sensitive", true]] as const) {
      blocks(block.config, list).forEach((entry, index) => {
        if (isLiteral(entry.value) && entry.value !== "" && (all || (typeof entry.name === "string" && isSecretName(entry.name)))) {
          problems.push(`${list}[${index}] (${String(entry.name)}) is a literal credential`);
        }
      });
    }
  }
  return problems;
}

/** Why an output's value is secret, if it is: what it refers to. */
function secretReference(value: Json | undefined, context: RuleContext): string | undefined {
  for (const { value: text } of strings(value)) {
    for (const [, type, name, rest] of text.matchAll(REFERENCE)) {
      if (type === "var") {
        const variable = context.blocks.find((block) => block.kind === "variable" && block.address === `var.${name}`);
        if (variable?.config.sensitive === true) return `var.${name}, a sensitive variable`;
        continue;
      }
      const attributes = rest.split(/[.[\]"]+/).filter(Boolean);
      const secret = attributes.find((attribute) => isSecretName(attribute) || CREDENTIAL_ATTRIBUTE.test(attribute));
      if (secret) return `${type}.${name}…${secret}`;
    }
  }
  return undefined;
}

const blockName = (block: Block) => block.address.slice(block.address.indexOf(".") + 1);

export const secretRules = [
  defineRule({
    id: "CP-SEC-001",
    reason: "a secret written into code ends up in cdktf.out, the state, every plan log and the git history",
    fix: "pass the secret as a sensitive Terraform variable (TF_VAR_<name>) or take it from the resource that creates it",
    scope: "every block, providers, backends, variables and outputs included: values matching a secret pattern, literals in credential-named attributes (`*password`, `*token`, `*secret`, `*_key`, `webhook_url`, Helm `set` and `set_sensitive`)",
    appliesTo: () => true,
    check: (block) => {
      const problems = literalSecretProblems(block);
      return problems.length > 0 ? problems.join("; ") : undefined;
    },
  }),
  defineRule({
    id: "CP-SEC-002",
    reason: "an output that carries a credential without sensitive: true is printed by every plan and apply",
    fix: "set sensitive: true on the output",
    scope: "outputs whose name or referenced attribute is a credential (`password`, `*uri`, `kube_config`, …) or a sensitive variable",
    appliesTo: (block) => block.kind === "output",
    check: (block, context) => {
      if (block.config.sensitive === true) return undefined;
      if (isSecretName(blockName(block))) return "its name marks a credential";
      const reference = secretReference(block.config.value, context);
      return reference && `its value refers to ${reference}`;
    },
  }),
  defineRule({
    id: "CP-SEC-003",
    reason: "a credential variable that is not sensitive is printed in plans, and a default puts the secret in code",
    fix: "declare it with sensitive: true and no default; set it through TF_VAR_<name>",
    scope: "variables with a credential name",
    appliesTo: (block) => block.kind === "variable" && isSecretName(blockName(block)),
    check: (block) => {
      const problems = [
        block.config.sensitive === true ? undefined : "sensitive is not true",
        block.config.default === undefined ? undefined : "it has a default",
      ].filter(Boolean);
      return problems.length > 0 ? problems.join(", ") : undefined;
    },
  }),
] as const;
