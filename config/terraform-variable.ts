import { z } from "zod";
import { formatPath } from "./errors";

/**
 * Names Terraform refuses for a variable in any module, the root one too
 * ("reserved due to its special meaning inside module blocks").
 */
export const RESERVED_VARIABLE_NAMES = ["source", "version", "providers", "count", "for_each", "lifecycle", "depends_on", "locals"] as const;

/** Terraform variable names: how the config points at a secret without holding it. */
export const terraformVariableName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, "a Terraform variable name: lowercase letters, digits and _ (set it as TF_VAR_<name>)")
  .refine(
    (name) => !(RESERVED_VARIABLE_NAMES as readonly string[]).includes(name),
    `reserved by Terraform (${RESERVED_VARIABLE_NAMES.join(", ")}); choose another name`,
  );

/**
 * A config field that names a Terraform variable. By convention every such
 * field ends in `Variable` (`jwtSecretVariable`, `alerts.slack[].webhookUrlVariable`),
 * so a new one is checked without being listed here.
 */
interface VariableField {
  /** The field inside its environment, e.g. `["alerts", "slack", 0, "webhookUrlVariable"]`. */
  readonly path: readonly (string | number)[];
  readonly name: string;
}

function variableFields(value: unknown, path: readonly (string | number)[] = []): VariableField[] {
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const childPath = [...path, Array.isArray(value) ? Number(key) : key];
    // Malformed names are reported by their own rule.
    if (key.endsWith("Variable") && terraformVariableName.safeParse(child).success) return [{ path: childPath, name: child as string }];
    return variableFields(child, childPath);
  });
}

/** The field without its list positions: `alerts.slack[].webhookUrlVariable`. */
const fieldKind = (path: readonly (string | number)[]) => formatPath(path).replace(/\[\d+\]/g, "[]");

const SECRET_RULE = "each secret needs its own Terraform variable";

const isSlackWebhook = (path: readonly (string | number)[]) => fieldKind(path) === "alerts.slack[].webhookUrlVariable";

/**
 * One Terraform variable, one secret. Inside an environment every field names
 * its own variable: two purposes on one name would put one value in both places
 * (the JWT secret in the Slack webhook), and a Slack incoming webhook posts to
 * exactly one channel, so two channels cannot share one either. Across
 * environments a name may recur only for the same field (each environment sets
 * its own value), so a name means one thing everywhere it is documented.
 */
export function checkVariableNames(environments: unknown, ctx: z.RefinementCtx): void {
  if (typeof environments !== "object" || environments === null) return;
  const account = new Map<string, { environment: string; path: readonly (string | number)[] }>();
  for (const [environment, config] of Object.entries(environments)) {
    const report = (path: readonly (string | number)[], where: string, rule: string) =>
      ctx.addIssue({ code: "custom", path: ["environments", environment, ...path], message: `already used by ${where}; ${rule}` });
    const local = new Map<string, readonly (string | number)[]>();
    const sharedHere = new Set<string>();
    for (const { path, name } of variableFields(config)) {
      const first = local.get(name);
      if (!first) {
        local.set(name, path);
        continue;
      }
      sharedHere.add(name);
      const slack = isSlackWebhook(first) && isSlackWebhook(path);
      report(path, formatPath(first), slack ? "each Slack channel needs its own webhook variable (an incoming webhook posts to one channel)" : SECRET_RULE);
    }
    // A name shared inside this environment is reported once, above.
    for (const [name, path] of local) {
      const elsewhere = account.get(name);
      if (!elsewhere) account.set(name, { environment, path });
      else if (!sharedHere.has(name) && fieldKind(elsewhere.path) !== fieldKind(path)) {
        report(path, formatPath(["environments", elsewhere.environment, ...elsewhere.path]), SECRET_RULE);
      }
    }
  }
}
