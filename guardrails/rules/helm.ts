import { isLiteral } from "../json";
import { defineRule, resourcesOf } from "../rule";

/** Release revisions kept for `helm rollback`; each one is a Secret in the namespace. */
const MAX_HELM_HISTORY = 10;

/** An exact SemVer 2 version: no ranges (`^1.2`, `~1`, `>=1`, `1.x`), no `latest`. */
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

const isRelease = resourcesOf("helm_release");

export const helmRules = [
  defineRule({
    id: "CP-HELM-001",
    reason: "an unpinned chart upgrades itself whenever the repository publishes, outside any review",
    fix: "set version to an exact chart version such as \"4.12.1\"",
    scope: "`helm_release` (charts from this repository are exempt)",
    appliesTo: isRelease,
    check: (block) => {
      const { chart, repository, version } = block.config;
      // A chart from this repository is pinned by the repository itself.
      if (repository === undefined && isLiteral(chart) && /^\.{0,2}\//.test(chart)) return undefined;
      return isLiteral(version) && EXACT_VERSION.test(version) ? undefined : `version is ${JSON.stringify(version ?? null)}`;
    },
  }),
  defineRule({
    id: "CP-HELM-002",
    reason: "a failed upgrade without atomic and cleanup-on-failure leaves the release half-applied and blocks the next one",
    fix: "set atomic: true and cleanupOnFail: true (and leave wait on)",
    scope: "`helm_release`",
    appliesTo: isRelease,
    check: (block) => {
      const { atomic, cleanup_on_fail: cleanup, wait } = block.config;
      const problems = [
        atomic === true ? undefined : "atomic is not true",
        cleanup === true ? undefined : "cleanup_on_fail is not true",
        wait === false ? "wait is false" : undefined,
      ].filter(Boolean);
      return problems.length > 0 ? problems.join(", ") : undefined;
    },
  }),
  defineRule({
    id: "CP-HELM-003",
    reason: "Helm keeps every revision by default, each a Secret holding the whole manifest, until the namespace hits its limits",
    fix: `set maxHistory between 1 and ${MAX_HELM_HISTORY}`,
    scope: "`helm_release`",
    appliesTo: isRelease,
    check: (block) => {
      const history = block.config.max_history;
      return typeof history === "number" && Number.isInteger(history) && history >= 1 && history <= MAX_HELM_HISTORY
        ? undefined
        : `max_history is ${JSON.stringify(history ?? 0)}`;
    },
  }),
] as const;
