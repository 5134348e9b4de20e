import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { parse } from "yaml";
import { ROOT, runScript } from "./fixtures/ci/harness";
import { requireTool, toolboxOrPath } from "./tools";

/**
 * The GitHub workflows (.github/workflows) and the Renovate configuration: actionlint on every workflow,
 * every script and npm script they call exists, deploys are gated and serialized, and Renovate's custom
 * managers find the versions this repository pins.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- workflow YAML is untyped */

const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const files = readdirSync(WORKFLOWS).filter((name) => /\.ya?ml$/.test(name));
const workflows = Object.fromEntries(files.map((name) => [name, parse(readFileSync(path.join(WORKFLOWS, name), "utf8")) as any]));
/** Where scripts/ci/actionlint.mjs looks. */
const ACTIONLINT = requireTool({ suite: "actionlint workflow tests", requireVariable: "CRYPTOPULSE_REQUIRE_ACTIONLINT", lookup: () => toolboxOrPath("actionlint", ["-version"]) });

const runs = (workflow: any): string[] => Object.values(workflow.jobs).flatMap((job: any) => job.steps.filter((step: any) => step.run).map((step: any) => step.run as string));

describe("the workflows", () => {
  it("are pull-request, deploy, drift and the cost report", () => {
    expect(files.sort()).toEqual(["cost-report.yml", "deploy.yml", "drift.yml", "pull-request.yml"]);
  });

  ACTIONLINT.describe("checked by actionlint", () => {
    it("pass actionlint", async () => {
      const result = await runScript("actionlint.mjs", []);
      if (result.status !== 0) throw new Error(`actionlint found problems:\n${result.stdout}${result.stderr}`);
    }, 60_000);

    it("would fail actionlint on a broken workflow", async () => {
      const broken = path.join(mkdtempSync(path.join(tmpdir(), "workflow-")), "broken.yml");
      writeFileSync(broken, "on: push\njobs:\n  build:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ github.event.no_such_thing.x }}\n        uses: actions/checkout@v4\n");
      const result = await runScript("actionlint.mjs", [broken]);
      expect(result.status).toBe(1);
      expect(result.stdout).toContain("broken.yml");
    }, 60_000);
  });

  it("call only scripts and npm scripts that exist", () => {
    const scripts = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts as Record<string, string>;
    for (const [name, workflow] of Object.entries(workflows)) {
      for (const run of runs(workflow)) {
        for (const [, file] of run.matchAll(/node (scripts\/\S+\.mjs)/g)) expect(`${name}: ${file} ${existsSync(path.join(ROOT, file))}`).toBe(`${name}: ${file} true`);
        for (const [, script] of run.matchAll(/npm run (?:-s )?([\w:-]+)/g)) expect(`${name}: npm run ${script} ${script in scripts}`).toBe(`${name}: npm run ${script} true`);
      }
    }
  });

  it("use only the documented secrets", () => {
    const documented = [
      "DIGITALOCEAN_TOKEN",
      "SPACES_ACCESS_KEY_ID",
      "SPACES_SECRET_ACCESS_KEY",
      "CLOUDFLARE_API_TOKEN",
      "TF_API_TOKEN",
      "TF_VAR_alerts_slack_webhook_url",
      "TF_VAR_alerts_staging_slack_webhook_url",
      "TF_VAR_alerts_smtp_password",
      "TF_VAR_app_jwt_secret",
      "TF_VAR_exchange_secrets_key",
      "TF_VAR_grafana_admin_password",
      "CRYPTOPULSE_BILLING_TOKEN",
      "CRYPTOPULSE_COST_SLACK_WEBHOOK_URL",
    ];
    for (const name of files) {
      const used = [...readFileSync(path.join(WORKFLOWS, name), "utf8").matchAll(/secrets\.(\w+)/g)].map((match) => match[1]);
      expect(used.filter((secret) => !documented.includes(secret))).toEqual([]);
    }
  });

  it("deploy staging, then production behind its protected environment, one deploy per environment at a time", () => {
    const { staging, production } = workflows["deploy.yml"].jobs;
    expect(workflows["deploy.yml"].on.push.branches).toEqual(["main"]);
    expect(staging).toMatchObject({ environment: "staging", concurrency: { group: "deploy-staging", "cancel-in-progress": false } });
    expect(production).toMatchObject({ needs: "staging", environment: "production", concurrency: { group: "deploy-production", "cancel-in-progress": false } });
    for (const job of [staging, production]) expect(runs({ jobs: { job } }).join("\n")).toContain("node scripts/ci/deploy-order.mjs --environment");
    expect(runs({ jobs: { production } }).join("\n")).toMatch(/git push origin "refs\/tags\/\$tag"/);
  });

  it("plan pull requests with a comment, and skip plans for forks", () => {
    const plan = workflows["pull-request.yml"].jobs.plan;
    expect(plan.permissions).toEqual({ contents: "read", "pull-requests": "write" });
    const steps = plan.steps.map((step: any) => [step.if, step.run ?? ""]);
    expect(steps.find(([, run]: string[]) => run.includes("pr-comment.mjs post"))[0]).toBe("env.FORK == 'false'");
    expect(steps.find(([, run]: string[]) => run.includes("cdktf diff"))[0]).toBe("env.FORK == 'false'");
    expect(steps.find(([, run]: string[]) => run.includes("--skip-reason"))[0]).toBe("env.FORK == 'true'");
  });

  it("let the repository variable CRYPTOPULSE_RUN_ENGINE choose, before any plan or deploy, where Terraform runs", () => {
    let jobs = 0;
    for (const [name, workflow] of Object.entries(workflows)) {
      for (const [jobName, job] of Object.entries(workflow.jobs as Record<string, any>)) {
        const steps: string[] = job.steps.map((step: any) => step.run ?? "");
        const terraform = steps.findIndex((run) => /npx cdktf (diff|deploy)/.test(run));
        if (terraform < 0) continue;
        jobs++;
        const engine = steps.findIndex((run) => run.includes("node scripts/ci/run-engine.mjs"));
        expect(`${name} ${jobName}: ${engine >= 0 && engine < terraform ? "chooses first" : "runs Terraform without choosing"}`).toBe(`${name} ${jobName}: chooses first`);
        expect([name, jobName, job.env?.CRYPTOPULSE_RUN_ENGINE ?? workflow.env?.CRYPTOPULSE_RUN_ENGINE]).toEqual([name, jobName, "${{ vars.CRYPTOPULSE_RUN_ENGINE }}"]);
      }
    }
    expect(jobs).toBe(4);
  });

  it("pin every action to a full commit", () => {
    for (const [name, workflow] of Object.entries(workflows)) {
      const uses = Object.values(workflow.jobs).flatMap((job: any) => job.steps.filter((step: any) => step.uses).map((step: any) => step.uses as string));
      expect([name, uses.filter((action) => !/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/.test(action))]).toEqual([name, []]);
    }
  });

  it("report the month's cost daily and on demand, reading billing only", () => {
    const workflow = workflows["cost-report.yml"];
    expect(workflow.on.schedule).toHaveLength(1);
    expect(workflow.on).toHaveProperty("workflow_dispatch");
    expect(workflow.permissions).toEqual({ contents: "read" });
    const text = readFileSync(path.join(WORKFLOWS, "cost-report.yml"), "utf8");
    expect([...new Set([...text.matchAll(/secrets\.(\w+)/g)].map((match) => match[1]))].sort()).toEqual(["CRYPTOPULSE_BILLING_TOKEN", "CRYPTOPULSE_COST_SLACK_WEBHOOK_URL"]);
    const step = workflow.jobs.report.steps.find((candidate: any) => candidate.run?.includes("cost:report"));
    expect(step.env).toEqual({
      CRYPTOPULSE_BILLING_TOKEN: "${{ secrets.CRYPTOPULSE_BILLING_TOKEN }}",
      CRYPTOPULSE_COST_SLACK_WEBHOOK_URL: "${{ secrets.CRYPTOPULSE_COST_SLACK_WEBHOOK_URL }}",
      CRYPTOPULSE_DIGITALOCEAN_API_ENDPOINT: "${{ vars.CRYPTOPULSE_DIGITALOCEAN_API_ENDPOINT }}",
    });
    // The secrets reach the report's step only, never npm ci (install scripts run there).
    const others = workflow.jobs.report.steps.filter((candidate: any) => candidate !== step);
    expect(others.filter((candidate: any) => JSON.stringify(candidate).includes("secrets."))).toEqual([]);
  });

  it("check production for drift on a schedule", () => {
    expect(workflows["drift.yml"].on.schedule).toHaveLength(1);
    expect(workflows["drift.yml"].env.CRYPTOPULSE_ENVIRONMENTS).toBe("production");
    expect(workflows["drift.yml"].permissions).toEqual({ contents: "read", issues: "write" });
  });
});

describe("the Renovate configuration", () => {
  const renovate = JSON.parse(readFileSync(path.join(ROOT, ".github", "renovate.json"), "utf8"));

  function sourceFiles(dir: string): string[] {
    return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
      const relative = path.join(dir, name);
      return statSync(path.join(ROOT, relative)).isDirectory() ? sourceFiles(relative) : [relative];
    });
  }
  const candidates = [...sourceFiles("constructs"), ...sourceFiles("config"), ...sourceFiles(".github")];

  /** What one custom manager extracts: "depName currentValue (datasource)". */
  function extract(manager: any): string[] {
    const patterns = manager.managerFilePatterns.map((pattern: string) => new RegExp(pattern.slice(1, -1)));
    return candidates
      .filter((file) => patterns.some((pattern: RegExp) => pattern.test(file)))
      .flatMap((file) =>
        manager.matchStrings.flatMap((source: string) =>
          [...readFileSync(path.join(ROOT, file), "utf8").matchAll(new RegExp(source, "g"))].map(
            (match) => `${match.groups!.depName ?? manager.depNameTemplate} ${match.groups!.currentValue} (${manager.datasourceTemplate})`,
          ),
        ),
      );
  }

  it("batches every update into one weekly pull request", () => {
    expect(renovate.schedule).toEqual(["before 6am on monday"]);
    expect(renovate.packageRules).toContainEqual(expect.objectContaining({ matchPackageNames: ["*"], groupName: "weekly dependency updates" }));
    expect(renovate.separateMajorMinor).toBe(false);
  });

  it("finds the Helm charts pinned in constructs", () => {
    const charts = extract(renovate.customManagers.find((manager: any) => manager.datasourceTemplate === "helm"));
    expect(charts).toEqual(expect.arrayContaining([expect.stringMatching(/^ingress-nginx \d+\.\d+\.\d+ \(helm\)$/), expect.stringMatching(/^metrics-server \d+\.\d+\.\d+ \(helm\)$/)]));
  });

  it("finds the container images pinned in the environment files", () => {
    const images = extract(renovate.customManagers.find((manager: any) => manager.datasourceTemplate === "docker"));
    expect(images).toEqual(expect.arrayContaining([expect.stringMatching(/^registry\.digitalocean\.com\/cryptopulse\/backend \S+ \(docker\)$/)]));
  });

  it("finds the toolchain pinned in the workflows", () => {
    const pins = renovate.customManagers.filter((manager: any) => ["github-releases", "golang-version"].includes(manager.datasourceTemplate)).flatMap(extract);
    expect(pins).toEqual(expect.arrayContaining([expect.stringMatching(/^hashicorp\/terraform 1\.\d+\.\d+ \(github-releases\)$/), expect.stringMatching(/^go 1\.\d+\.\d+ \(golang-version\)$/)]));
  });
});
