import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { runScript } from "./fixtures/ci/harness";

/** scripts/ci/run-engine.mjs: the workflows' choice between plans on the runner and runs in Terraform Cloud. */

async function choose(env: Record<string, string>) {
  const githubEnv = path.join(mkdtempSync(path.join(tmpdir(), "run-engine-")), "env");
  writeFileSync(githubEnv, "");
  const result = await runScript("run-engine.mjs", [], { env: { CRYPTOPULSE_RUN_ENGINE: "", CRYPTOPULSE_STATE_BACKEND: "cloud", ...env, GITHUB_ENV: githubEnv } });
  return { ...result, githubEnv: readFileSync(githubEnv, "utf8") };
}

describe("the run engine of the workflows", () => {
  it("is the runner by default: the cloud backend runs operations locally, whatever the workspace's execution mode", async () => {
    for (const value of ["", "runner", " runner "]) {
      const result = await choose({ CRYPTOPULSE_RUN_ENGINE: value });
      expect([result.status, result.stdout, result.githubEnv]).toEqual([0, "run engine: runner (TF_FORCE_LOCAL_BACKEND=1)\n", "TF_FORCE_LOCAL_BACKEND=1\n"]);
    }
  });

  it("is Terraform Cloud on request: nothing forces local operations, so plans are speculative runs there", async () => {
    const result = await choose({ CRYPTOPULSE_RUN_ENGINE: "terraform-cloud" });
    expect([result.status, result.stdout, result.githubEnv]).toEqual([0, "run engine: terraform-cloud\n", ""]);
  });

  it("refuses an unknown mode, and Terraform Cloud runs without the cloud backend, in one line", async () => {
    const unknown = await choose({ CRYPTOPULSE_RUN_ENGINE: "tfc" });
    expect([unknown.status, unknown.stderr, unknown.githubEnv]).toEqual([2, 'run-engine: CRYPTOPULSE_RUN_ENGINE = "tfc": allowed are runner, terraform-cloud\n', ""]);
    const s3 = await choose({ CRYPTOPULSE_RUN_ENGINE: "terraform-cloud", CRYPTOPULSE_STATE_BACKEND: "s3" });
    expect([s3.status, s3.stderr]).toEqual([2, 'run-engine: CRYPTOPULSE_RUN_ENGINE = "terraform-cloud" needs CRYPTOPULSE_STATE_BACKEND=cloud (it is "s3")\n']);
  });
});
