// DirectoryAsset against cdktf's TerraformAsset: the same path and files, and a complete copy kept across synths.
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { App, AssetType, TerraformAsset, TerraformStack } from "cdktf";
import { DirectoryAsset } from "../constructs/core/directory-asset";

const scratch = mkdtempSync(path.join(tmpdir(), "directory-asset-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A small chart-like directory with a subfolder. */
function sourceDirectory(): string {
  const directory = mkdtempSync(path.join(scratch, "source-"));
  mkdirSync(path.join(directory, "templates"));
  writeFileSync(path.join(directory, "Chart.yaml"), "name: demo\nversion: 1.0.0\n");
  writeFileSync(path.join(directory, "values.yaml"), "replicas: 2\n");
  writeFileSync(path.join(directory, "templates", "deployment.yaml"), "kind: Deployment\n");
  return directory;
}

/** Synthesizes one stack holding the asset into `outdir`; the asset's path and the stack's directory. */
function synth(outdir: string, directory: string, asset: "cdktf" | "project" = "project") {
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "demo");
  const made = asset === "cdktf" ? new TerraformAsset(stack, "chart", { path: directory, type: AssetType.DIRECTORY }) : new DirectoryAsset(stack, "chart", directory);
  app.synth();
  return { assetPath: made.path, stackDirectory: path.join(outdir, "stacks", "demo") };
}

/** Every file under `directory`, relative, with its text. */
function tree(directory: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (relative: string) => {
    for (const name of readdirSync(path.join(directory, relative)).sort()) {
      const item = path.join(relative, name);
      if (statSync(path.join(directory, item)).isDirectory()) walk(item);
      else files[item] = readFileSync(path.join(directory, item), "utf8");
    }
  };
  walk("");
  return files;
}

describe("DirectoryAsset", () => {
  test("has TerraformAsset's path and writes its files, nothing else", () => {
    const directory = sourceDirectory();
    const ours = synth(mkdtempSync(path.join(scratch, "out-")), directory);
    const cdktfs = synth(mkdtempSync(path.join(scratch, "out-")), directory, "cdktf");
    expect(ours.assetPath).toBe(cdktfs.assetPath);
    expect(ours.assetPath).toMatch(/^assets\/chart\/[0-9A-F]{32}$/);
    expect(tree(path.join(ours.stackDirectory, "assets"))).toEqual(tree(path.join(cdktfs.stackDirectory, "assets")));
    expect(tree(path.join(ours.stackDirectory, ours.assetPath))).toEqual(tree(directory));
  });

  test("keeps a complete copy from an earlier synth", () => {
    const directory = sourceDirectory();
    const outdir = mkdtempSync(path.join(scratch, "out-"));
    const { assetPath, stackDirectory } = synth(outdir, directory);
    const copied = path.join(stackDirectory, assetPath, "templates", "deployment.yaml");
    const before = statSync(copied);
    synth(outdir, directory);
    expect(statSync(copied).ino).toBe(before.ino);
    expect(statSync(copied).mtimeMs).toBe(before.mtimeMs);
  });

  test.each([
    ["a file cut short", (copy: string) => truncateSync(path.join(copy, "values.yaml"), 3)],
    ["a file missing", (copy: string) => rmSync(path.join(copy, "templates", "deployment.yaml"))],
    ["a file too many", (copy: string) => writeFileSync(path.join(copy, "stray.yaml"), "x")],
    ["a folder missing", (copy: string) => rmSync(path.join(copy, "templates"), { recursive: true })],
    ["a file grown", (copy: string) => appendFileSync(path.join(copy, "Chart.yaml"), "#")],
  ])("copies again over a copy with %s", (_, damage) => {
    const directory = sourceDirectory();
    const outdir = mkdtempSync(path.join(scratch, "out-"));
    const { assetPath, stackDirectory } = synth(outdir, directory);
    damage(path.join(stackDirectory, assetPath));
    synth(outdir, directory);
    expect(tree(path.join(stackDirectory, assetPath))).toEqual(tree(directory));
  });

  test("replaces the copy of a changed directory, and what an interrupted copy left beside it", () => {
    const directory = sourceDirectory();
    const outdir = mkdtempSync(path.join(scratch, "out-"));
    const first = synth(outdir, directory);
    writeFileSync(path.join(directory, "values.yaml"), "replicas: 3\n");
    mkdirSync(path.join(first.stackDirectory, "assets", "chart.partial-99999", "0123"), { recursive: true });
    const second = synth(outdir, directory);
    expect(second.assetPath).not.toBe(first.assetPath);
    expect(readdirSync(path.join(second.stackDirectory, "assets"))).toEqual(["chart"]);
    expect(readdirSync(path.join(second.stackDirectory, "assets", "chart"))).toEqual([path.basename(second.assetPath)]);
    expect(tree(path.join(second.stackDirectory, second.assetPath))).toEqual(tree(directory));
  });
});
