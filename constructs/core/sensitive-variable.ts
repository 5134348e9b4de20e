import { TerraformStack, TerraformVariable } from "cdktf";
import type { Construct } from "constructs";

export interface SensitiveVariableProps {
  /** The variable's name, from the config: users set `TF_VAR_<name>`. */
  readonly name: string;
  /** What the value is and where it goes, in words, e.g. "Grafana admin password (the Secret grafana-admin)". */
  readonly purpose: string;
}

/**
 * A secret that enters a stack as a sensitive string variable. Users set
 * `TF_VAR_<name>`, so the Terraform name is exactly the configured name, never
 * a logical id with a construct-path hash, and the description says what the
 * value is for. Every variable of the project is declared here (lint forbids
 * `new TerraformVariable` elsewhere), so the rule holds for all of them.
 *
 * The construct's id is the name with a prefix of its own: the configured name
 * is any Terraform variable name, and as a bare id it could meet the stack's
 * other constructs (a variable named `ingress` beside the ingress controller).
 */
export class SensitiveVariable extends TerraformVariable {
  readonly purpose: string;

  /**
   * The stack's variable `name`, declared on first use. Asking again with the
   * same purpose returns it; another purpose is a bug the config check should
   * have caught (one variable would carry two secrets), so it throws.
   */
  static of(scope: Construct, props: SensitiveVariableProps): SensitiveVariable {
    const stack = TerraformStack.of(scope);
    const existing = stack.node.tryFindChild(constructId(props.name));
    if (existing instanceof SensitiveVariable && existing.purpose === props.purpose) return existing;
    if (existing) {
      const other = existing instanceof SensitiveVariable ? `"${existing.purpose}"` : `the construct ${existing.node.path}`;
      throw new Error(`${stack.node.id}: variable ${props.name} is wanted for "${props.purpose}" but already taken by ${other}`);
    }
    return new SensitiveVariable(stack, props);
  }

  private constructor(stack: TerraformStack, props: SensitiveVariableProps) {
    super(stack, constructId(props.name), {
      type: "string",
      sensitive: true,
      nullable: false,
      description: variableDescription(props.name, props.purpose),
    });
    this.overrideLogicalId(props.name);
    this.purpose = props.purpose;
  }
}

/** The id in the stack's construct tree; the Terraform name is `name` itself (overrideLogicalId). */
function constructId(name: string): string {
  return `variable-${name}`;
}

/** The one wording of every variable description: the purpose, then how to set it. */
function variableDescription(name: string, purpose: string): string {
  return `${purpose} (set TF_VAR_${name})`;
}
