import * as path from "path";
import { ConfigError, loadPlatformConfig } from "../config";
import { diffEstimates } from "./diff";
import { GROUP_KEYS, groupEstimates, isGroupKey, type GroupKey } from "./group";
import { checkBudget, estimateEnvironments, type BudgetVerdict } from "./estimate";
import { CostInputError } from "./layers";
import { shippedPrices, UnknownPriceError } from "./prices";
import { renderDiffJson, renderDiffMarkdown, renderDiffText, renderEstimateJson, renderEstimateText, renderGroupsJson, renderGroupsText } from "./render";
import { loadRevisionConfig, RevisionError } from "./revision";
import { defineCli, HELP, UsageError } from "../scripts/lib/cli.mjs";

export const USAGE = `usage: npm run cost -- [--json | --markdown] [--diff <git-ref> | --group-by <key>]

Estimated monthly cost of every environment, per stack, from the configuration
(config/) and the dated price table (cost/prices.json).

  (no option)      a table per environment: every priced resource at minimum and
                   maximum scale, stack and environment totals, the price sources
  --json           the same as JSON (amounts in whole cents)
  --diff <ref>     compare with the configuration at a git revision (e.g. origin/main)
  --markdown       with --diff: the Markdown used in the pull-request comment
  --group-by <key> sum the estimate by ${GROUP_KEYS.join(", ")}: a table per
                   environment and one over all of them, largest first. service
                   and team are the service: and team: tags the resources carry
                   (the team from each environment's costAllocation)

Exit status: 0; 1 when an environment's estimate at maximum scale exceeds its
budget (budget.monthlyUsd), naming the largest items; 2 on a usage error, an
invalid configuration or a size without a price.`;

export interface CostIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The project root: git runs there and the other revision's packages resolve from its node_modules. */
  readonly root: string;
}

interface Options {
  readonly format: "text" | "json" | "markdown";
  readonly diff?: string;
  readonly groupBy?: GroupKey;
}

/** `npm run cost`'s command line (scripts/lib/cli.mjs: --help, and one line for a bad argument). */
export const COST_CLI = defineCli({
  name: "cost",
  usage: USAGE,
  options: { json: { type: "boolean" }, markdown: { type: "boolean" }, diff: { type: "string" }, "group-by": { type: "string" } },
  check: ({ values }): Options => {
    if (values.json && values.markdown) throw new UsageError("--json and --markdown exclude each other");
    const diff = values.diff as string | undefined;
    const groupBy = values["group-by"] as string | undefined;
    if (diff === "") throw new UsageError("--diff needs a git revision, e.g. --diff origin/main");
    if (groupBy !== undefined && !isGroupKey(groupBy)) throw new UsageError(`--group-by needs one of ${GROUP_KEYS.join(", ")}, not ${JSON.stringify(groupBy)}`);
    if (values.markdown && diff === undefined) throw new UsageError("--markdown needs --diff <git-ref>");
    if (groupBy !== undefined && diff !== undefined) throw new UsageError("--group-by and --diff exclude each other");
    return { format: values.json ? "json" : values.markdown ? "markdown" : "text", diff, groupBy: groupBy as GroupKey | undefined };
  },
});

/** The command line of `npm run cost`; throws UsageError. Exported so the docs' commands are held to it. */
export const parseCostArguments = (argv: readonly string[]): Options | typeof HELP => COST_CLI.parse(argv);

/** Runs the cost command; returns its exit status. */
export function runCost(argv: readonly string[], io: CostIo): number {
  const { args: options, status } = COST_CLI.command(argv, io);
  if (status !== undefined) return status;
  try {
    const prices = shippedPrices();
    const estimates = estimateEnvironments(loadPlatformConfig().environments, prices);
    const verdicts = estimates.map(checkBudget);
    if (options.groupBy !== undefined) {
      const render = options.format === "json" ? renderGroupsJson : renderGroupsText;
      io.stdout(render(options.groupBy, groupEstimates(estimates, options.groupBy), verdicts));
    } else if (options.diff === undefined) {
      io.stdout(options.format === "json" ? renderEstimateJson(estimates, verdicts) : renderEstimateText(estimates, verdicts));
    } else {
      const base = loadRevisionConfig(options.diff, { cwd: io.root, nodeModules: path.join(io.root, "node_modules") });
      const diffs = diffEstimates(estimateEnvironments(base.environments, prices), estimates);
      const label = `${options.diff} (${base.commit.slice(0, 12)})`;
      const render = { text: renderDiffText, json: renderDiffJson, markdown: renderDiffMarkdown }[options.format];
      io.stdout(render(label, diffs, verdicts));
    }
    return reportBudgets(verdicts, io);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UnknownPriceError || error instanceof CostInputError || error instanceof RevisionError) {
      io.stderr(`cost: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/** Warnings and failures go to stderr, so they show even when stdout is captured. */
export function reportBudgets(verdicts: readonly BudgetVerdict[], io: CostIo): number {
  for (const verdict of verdicts) {
    if (verdict.status === "over") io.stderr(`cost: OVER BUDGET: ${verdict.message}\n`);
    if (verdict.status === "warning") io.stderr(`cost: warning: ${verdict.message}\n`);
  }
  return verdicts.some((verdict) => verdict.status === "over") ? 1 : 0;
}
