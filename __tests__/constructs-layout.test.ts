import { readdirSync, readFileSync } from "fs";
import * as path from "path";

/**
 * constructs/ is arranged by layer (constructs/README.md): a construct imports from core/ and
 * from its own folder only, and core/ from no layer. What one layer hands another travels as
 * props through the stack that wires them, so a layer can change without its neighbours.
 */

const CONSTRUCTS = path.resolve(__dirname, "..", "constructs");

/** Each import of another construct folder, as `file: folder`. */
function crossLayerImports(): string[] {
  const files = readdirSync(CONSTRUCTS, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts"));
  return files.flatMap((file) => {
    const folder = path.dirname(file);
    const source = readFileSync(path.join(CONSTRUCTS, file), "utf8");
    return [...source.matchAll(/from "(\.\.?\/[^"]+)"/g)]
      .map(([, specifier]) => path.relative(CONSTRUCTS, path.resolve(CONSTRUCTS, folder, specifier)))
      .filter((target) => !target.startsWith(".."))
      .map((target) => target.split(path.sep)[0])
      .filter((target) => target !== folder && !(target === "core" && folder !== "core"))
      .map((target) => `${file}: ${target}`);
  });
}

describe("constructs/ by layer", () => {
  it("has every construct in a folder", () => {
    expect(readdirSync(CONSTRUCTS).filter((name) => name.endsWith(".ts"))).toEqual([]);
  });

  it("imports only from core/ and the construct's own folder", () => {
    expect(crossLayerImports()).toEqual([]);
  });
});
