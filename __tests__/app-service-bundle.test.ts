import { spawnSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { buildBundle } from "../scripts/lib/esbuild-runner.cjs";
import type { TerraformJson } from "./helpers";

/**
 * The app service's chart as the bundled app finds it: an app built by the esbuild runner and run as a process of
 * its own (the integration project). The chart's copy at synth in process is app-service.test.ts's.
 */

const root = path.resolve(__dirname, "..");

describe("the chart's location", () => {
  it("lets the bundled app find the chart from any working directory", () => {
    // Bundled by the app's esbuild runner, into node_modules/.cache like the real bundle.
    const cache = path.join(root, "node_modules", ".cache");
    mkdirSync(cache, { recursive: true });
    const work = mkdtempSync(path.join(cache, "cryptopulse-app-service-test-"));
    const outdir = mkdtempSync(path.join(tmpdir(), "cryptopulse-app-service-bundle-"));
    try {
      const entry = path.join(work, "entry.ts");
      writeFileSync(
        entry,
        [
          'import { App, TerraformStack } from "cdktf";',
          `import { loadPlatformConfig } from ${JSON.stringify(path.join(root, "config"))};`,
          `import { AppService } from ${JSON.stringify(path.join(root, "constructs", "platform", "app-service"))};`,
          `const app = new App({ outdir: ${JSON.stringify(outdir)}, skipValidation: true });`,
          'const stack = new TerraformStack(app, "platform");',
          'const environment = loadPlatformConfig().environments.find((candidate) => candidate.name === "staging")!;',
          'new AppService(stack, "app-frontend", { environment, service: "frontend", namespace: "cryptopulse", secretName: "frontend-env",',
          '  image: { repository: "registry.digitalocean.com/cryptopulse/frontend", tag: "1.4.2" } });',
          "app.synth();",
        ].join("\n"),
      );
      const bundle = path.join(work, "entry.js");
      buildBundle(root, entry, bundle);
      // A working directory outside the project: only the bundle's own location leads to the chart.
      const run = spawnSync(process.execPath, [bundle], { cwd: tmpdir(), env: { PATH: process.env.PATH }, encoding: "utf8" });
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      const stackJson = JSON.parse(readFileSync(path.join(outdir, "stacks", "platform", "cdk.tf.json"), "utf8")) as TerraformJson;
      const release = Object.values(stackJson.resource.helm_release as Record<string, TerraformJson>)[0];
      expect(existsSync(path.join(outdir, "stacks", "platform", release.chart as string, "Chart.yaml"))).toBe(true);
    } finally {
      rmSync(work, { recursive: true, force: true });
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
