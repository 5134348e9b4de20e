import { readdirSync, readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { loadPlatformConfig, PLATFORM_CONFIG } from "../config";
import { markdownFiles } from "./doc-commands";
import { sharedPlatformSynth, type TerraformJson } from "./helpers";

/**
 * One set of Terraform variables, wherever users meet it: what the synthesized stacks of every
 * environment declare, docs/variables.md, the TF_VAR_ each workflow passes to its plans and deploys,
 * and the README and docs/ (docs/delivery.md, where users set them). A variable missing from a workflow fails that workflow's plan; a stale name in the
 * docs sends users to set something no stack reads.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- workflow YAML and Terraform JSON are untyped */

const ROOT = path.resolve(__dirname, "..");
// Every environment and the Terraform Cloud bootstrap stack: what npm run docs:tables synthesizes (docs-tables.test.ts holds the table to it).
const outdir = sharedPlatformSynth({ CRYPTOPULSE_TFC_BOOTSTRAP: "true", CRYPTOPULSE_TFC_ORGANIZATION: "cryptopulse" });
const environments = loadPlatformConfig().environments.map((environment) => environment.name);

interface Declared {
  readonly stacks: string[];
  readonly descriptions: Set<string>;
  readonly sensitive: Set<boolean>;
}

/** Every variable of every synthesized stack, by name. */
const declared = new Map<string, Declared>();
const manifest = JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, { synthesizedStackPath: string }> };
for (const [stack, entry] of Object.entries(manifest.stacks)) {
  const json = JSON.parse(readFileSync(path.join(outdir, entry.synthesizedStackPath), "utf8")) as TerraformJson;
  for (const [name, variable] of Object.entries((json.variable ?? {}) as Record<string, TerraformJson>)) {
    const known = declared.get(name) ?? { stacks: [], descriptions: new Set<string>(), sensitive: new Set<boolean>() };
    known.stacks.push(stack);
    known.descriptions.add(variable.description);
    known.sensitive.add(variable.sensitive === true);
    declared.set(name, known);
  }
}
const sorted = (names: Iterable<string>) => [...new Set(names)].sort();
/** The variables the stacks of `names` declare (stack names are `cryptopulse-<environment>-...`). */
const declaredBy = (names: readonly string[]) =>
  sorted([...declared].filter(([, { stacks }]) => stacks.some((stack) => names.some((name) => stack.startsWith(`cryptopulse-${name}-`)))).map(([name]) => name));

describe("the synthesized variables", () => {
  it("exist, in the platform stacks of every environment", () => {
    for (const environment of environments) expect(declaredBy([environment])).toContain("grafana_admin_password");
  });

  it("carry the configured names: no construct-path hash, each the value of a *Variable field of the config", () => {
    const configured = new Set<string>();
    const walk = (value: unknown): void => {
      if (typeof value !== "object" || value === null) return;
      for (const [key, child] of Object.entries(value)) {
        if (key.endsWith("Variable") && typeof child === "string") configured.add(child);
        else walk(child);
      }
    };
    walk(PLATFORM_CONFIG);
    for (const name of declared.keys()) {
      expect(`${name} ${/_[0-9A-F]{8}$/.test(name) ? "has a hash suffix" : "ok"}`).toBe(`${name} ok`);
      expect(`${name} ${configured.has(name) ? "configured" : "named by no *Variable field"}`).toBe(`${name} configured`);
    }
  });

  it("have one description and sensitivity each, worded as the purpose, then (set TF_VAR_<name>)", () => {
    for (const [name, { descriptions, sensitive }] of declared) {
      expect([name, [...descriptions].length, [...sensitive]]).toEqual([name, 1, [true]]);
      expect([...descriptions][0]).toMatch(new RegExp(`^[A-Z].+ \\(set TF_VAR_${name}\\)$`));
    }
  });
});

describe("docs/variables.md", () => {
  const rows = readFileSync(path.join(ROOT, "docs", "variables.md"), "utf8")
    .split("\n")
    .map((line) => /^\| `TF_VAR_([a-z0-9_]+)` \| (.+) \| (.+) \| (yes|no) \|$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null);

  it("has one row per declared variable, with the stacks that declare it and its sensitivity", () => {
    expect(rows.map(([, name]) => name)).toEqual(sorted(declared.keys()));
    for (const [, name, , stacks, sensitive] of rows) {
      expect([name, stacks.split(", ")]).toEqual([name, sorted(declared.get(name)?.stacks ?? []).map((stack) => `\`${stack}\``)]);
      expect([name, sensitive]).toEqual([name, "yes"]);
    }
  });
});

describe("the workflows", () => {
  const dir = path.join(ROOT, ".github", "workflows");
  const workflows = readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => ({ file, workflow: parse(readFileSync(path.join(dir, file), "utf8")) as any }));
  const tfVars = (env: Record<string, unknown> | undefined) => Object.entries(env ?? {}).filter(([key]) => key.startsWith("TF_VAR_"));
  /** Steps that plan or apply: `cdktf diff|deploy`, `terraform plan|apply`. */
  const PLANS = /\b(cdktf (diff|deploy)|terraform (plan|apply))\b/;
  const planSteps = workflows.flatMap(({ file, workflow }) =>
    Object.entries(workflow.jobs).flatMap(([job, spec]: [string, any]) =>
      (spec.steps as any[])
        .filter((step) => PLANS.test(step.run ?? ""))
        .map((step) => ({ where: `${file} ${job} "${step.name ?? step.run.split("\n")[0]}"`, env: { ...workflow.env, ...spec.env, ...step.env } })),
    ),
  );

  it("plan or deploy in every workflow that holds stacks' secrets", () => {
    expect(sorted(planSteps.map(({ where }) => where.split(" ")[0]))).toEqual(["deploy.yml", "drift.yml", "pull-request.yml"]);
  });

  it("pass every variable the planned environments' stacks declare, and nothing else", () => {
    for (const { where, env } of planSteps) {
      const selected = /^[a-z0-9,-]+$/.test(env.CRYPTOPULSE_ENVIRONMENTS ?? "") ? env.CRYPTOPULSE_ENVIRONMENTS.split(",") : environments;
      expect([where, sorted(tfVars(env).map(([key]) => key.slice("TF_VAR_".length)))]).toEqual([where, declaredBy(selected)]);
    }
  });

  it("set each TF_VAR_ in any env: mapping from the secret of the same name, and only for declared variables", () => {
    for (const { file, workflow } of workflows) {
      const mappings = [workflow.env, ...Object.values(workflow.jobs).flatMap((job: any) => [job.env, ...job.steps.map((step: any) => step.env)])];
      for (const [key, value] of mappings.flatMap(tfVars)) {
        expect([file, key, value, declared.has(key.slice("TF_VAR_".length))]).toEqual([file, key, `\${{ secrets.${key} }}`, true]);
      }
    }
  });
});

describe("the README and docs/", () => {
  const mentionedIn = (file: string) => sorted([...readFileSync(path.join(ROOT, file), "utf8").matchAll(/TF_VAR_([a-z0-9_]+)/g)].map(([, name]) => name));

  it.each(markdownFiles(ROOT))("%s names only variables a stack declares", (file) => {
    expect(mentionedIn(file).filter((name) => !declared.has(name))).toEqual([]);
  });

  it("docs/delivery.md, where a deploy and the workflows' secrets set them, names every one", () => {
    expect(mentionedIn("docs/delivery.md")).toEqual(sorted(declared.keys()));
  });

  it("point to docs/variables.md", () => {
    expect(readFileSync(path.join(ROOT, "README.md"), "utf8")).toContain("(docs/variables.md)");
    expect(readFileSync(path.join(ROOT, "docs", "delivery.md"), "utf8")).toContain("(variables.md)");
  });
});
