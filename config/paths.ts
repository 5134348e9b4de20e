import { existsSync } from "fs";
import * as path from "path";

let root: string | undefined;

/**
 * The project's root folder (the one holding cdktf.json), found from this
 * module's location: the same from the sources, the test runner and the
 * bundled app in node_modules/.cache. Looked up once per process: every
 * environment asks for its files through it, four lookups each from the bundle.
 */
export function projectRoot(): string {
  if (root !== undefined) return root;
  let dir = __dirname;
  while (!existsSync(path.join(dir, "cdktf.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no cdktf.json above ${__dirname}`);
    dir = parent;
  }
  root = dir;
  return dir;
}

/** A file or folder of the project by its path from the root, e.g. "helm-values/ingress-nginx.yaml". */
export function projectPath(relative: string): string {
  return path.join(projectRoot(), relative);
}
