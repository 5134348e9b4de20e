import { spawnSync } from "child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { buildSync } from "esbuild";

/**
 * Loads the configuration of another git revision (`npm run cost -- --diff <ref>`):
 * copies that revision's `config/` folder out of git (read-only: `git show`, no
 * checkout or worktree) into a scratch folder, bundles its `config/index.ts`
 * with esbuild, and runs the revision's own `loadPlatformConfig()`. The result is priced with today's
 * price table, so the difference is the configuration's alone.
 */

export interface RevisionConfig {
  /** The full commit id `ref` resolved to. */
  readonly commit: string;
  /** That revision's loadPlatformConfig().environments. */
  readonly environments: readonly object[];
}

export interface RevisionOptions {
  /** The repository (any folder inside it). */
  readonly cwd: string;
  /** Where the revision's imports of npm packages (zod) are resolved: this checkout's node_modules. */
  readonly nodeModules: string;
}

export class RevisionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RevisionError";
  }
}

function git(args: readonly string[], cwd: string): { ok: boolean; stdout: Buffer; stderr: string } {
  const result = spawnSync("git", args, { cwd, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new RevisionError(`cannot run git: ${result.error.message}`);
  return { ok: result.status === 0, stdout: result.stdout, stderr: result.stderr.toString().trim() };
}

export function loadRevisionConfig(ref: string, options: RevisionOptions): RevisionConfig {
  if (ref.startsWith("-")) throw new RevisionError(`not a git revision: ${ref}`);
  const resolved = git(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], options.cwd);
  if (!resolved.ok) {
    throw new RevisionError(`unknown git revision "${ref}" (in a shallow or partial clone, fetch it first, e.g. git fetch origin main)`);
  }
  const commit = resolved.stdout.toString().trim();
  const listed = git(["ls-tree", "-r", "-z", "--name-only", commit, "--", "config/"], options.cwd);
  const files = listed.stdout.toString().split("\0").filter(Boolean);
  if (!listed.ok || !files.includes("config/index.ts")) {
    throw new RevisionError(`revision ${ref} (${commit.slice(0, 12)}) has no config/index.ts to load`);
  }

  // Inside this checkout's node_modules/.cache: the revision's packages resolve from there, and code that
  // finds the project root from its own location (config/paths.ts) finds this checkout.
  const cache = path.join(options.nodeModules, ".cache", "cryptopulse-cost");
  mkdirSync(cache, { recursive: true });
  const work = mkdtempSync(path.join(cache, "revision-"));
  try {
    for (const file of files) {
      const shown = git(["show", `${commit}:${file}`], options.cwd);
      if (!shown.ok) throw new RevisionError(`cannot read ${file} at ${ref}: ${shown.stderr}`);
      mkdirSync(path.join(work, path.dirname(file)), { recursive: true });
      writeFileSync(path.join(work, file), shown.stdout);
    }
    const bundle = path.join(work, "config.cjs");
    buildSync({
      entryPoints: [path.join(work, "config", "index.ts")],
      outfile: bundle,
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      nodePaths: [options.nodeModules],
      logLevel: "silent",
    });
    return { commit, environments: runLoader(bundle, ref) };
  } catch (error) {
    if (error instanceof RevisionError) throw error;
    // esbuild throws naming what it could not resolve; a failing loader throws its own error (e.g. ConfigError).
    throw new RevisionError(`cannot load the configuration of ${ref}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function runLoader(bundle: string, ref: string): readonly object[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a bundle written at run time
  const loaded: unknown = require(bundle);
  const loader = (loaded as { loadPlatformConfig?: unknown }).loadPlatformConfig;
  if (typeof loader !== "function") throw new RevisionError(`the config/index.ts of ${ref} exports no loadPlatformConfig()`);
  const config: unknown = loader();
  const environments = (config as { environments?: unknown }).environments;
  if (!Array.isArray(environments) || !environments.every((environment) => typeof environment === "object" && environment !== null)) {
    throw new RevisionError(`loadPlatformConfig() of ${ref} returned no list of environments`);
  }
  return environments as object[];
}
