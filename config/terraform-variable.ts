import { z } from "zod";

/** Terraform variable names: how the config points at a secret without holding it. */
export const terraformVariableName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, "a Terraform variable name: lowercase letters, digits and _ (set it as TF_VAR_<name>)");
