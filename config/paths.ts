import { existsSync } from "fs";
import * as path from "path";

/**
 * The project's root folder (the one holding cdktf.json), found from this
 * module's location: the same from the sources, the test runner and the
 * bundled app in node_modules/.cache.
 */
export function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, "cdktf.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no cdktf.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

/** A file or folder of the project by its path from the root, e.g. "helm-values/ingress-nginx.yaml". */
export function projectPath(relative: string): string {
  return path.join(projectRoot(), relative);
}
