import { readdirSync, readFileSync } from "fs";
import * as path from "path";

/**
 * constructs/ is arranged by layer (constructs/README.md): a construct imports from core/ and
 * from its own folder only, and core/ from no layer. What one layer hands another travels as
 * props through the stack that wires them, so a layer can change without its neighbours.
 */

const CONSTRUCTS = path.resolve(__dirname, "..", "constructs");

/** The source of each `.ts` file under `dir` (recursively), by path relative to it. */
function sources(dir: string, keep: (file: string) => boolean = () => true): Map<string, string> {
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts") && keep(file));
  return new Map(files.map((file) => [file, readFileSync(path.join(dir, file), "utf8")]));
}

/** Each import of another construct folder, as `file: folder`. */
function crossLayerImports(): string[] {
  return [...sources(CONSTRUCTS)].flatMap(([file, source]) => {
    const folder = path.dirname(file);
    return [...source.matchAll(/from "(\.\.?\/[^"]+)"/g)]
      .map(([, specifier]) => path.relative(CONSTRUCTS, path.resolve(CONSTRUCTS, folder, specifier)))
      .filter((target) => !target.startsWith(".."))
      .map((target) => target.split(path.sep)[0])
      .filter((target) => target !== folder && !(target === "core" && folder !== "core"))
      .map((target) => `${file}: ${target}`);
  });
}

/** The stacks themselves (`*-stack.ts`), not the modules that name, configure and graph them. */
const STACK_FILES = sources(path.resolve(__dirname, "..", "stacks"), (file) => file.endsWith("-stack.ts"));

describe("constructs/ by layer", () => {
  it("has every construct in a folder", () => {
    expect(readdirSync(CONSTRUCTS).filter((name) => name.endsWith(".ts"))).toEqual([]);
  });

  it("imports only from core/ and the construct's own folder", () => {
    expect(crossLayerImports()).toEqual([]);
  });
});

describe("cluster add-ons", () => {
  const addons = [...sources(CONSTRUCTS)].filter(([, source]) => /\bextends ClusterAddon\b/.test(source));

  it("are found", () => {
    expect(addons.length).toBeGreaterThanOrEqual(6);
  });

  // One way to declare a policy (ClusterAddon.networkPolicy): policy types follow from the rules,
  // and a reader finds every add-on's flows in the same shape.
  it("declare their NetworkPolicies through ClusterAddon.networkPolicy, never NetworkPolicyV1 itself", () => {
    expect(addons.filter(([, source]) => /\bnew NetworkPolicyV1\b/.test(source)).map(([file]) => file)).toEqual([]);
  });
});

/**
 * A stack file is a wiring diagram (docs/architecture.md): resources and their order belong to
 * the constructs, which declare what they depend on.
 */
describe("stack files", () => {
  it("are found", () => {
    expect(STACK_FILES.size).toBeGreaterThanOrEqual(7);
  });

  it("import provider bindings as types only: every resource is a construct's", () => {
    const valueImports = [...STACK_FILES].flatMap(([file, source]) =>
      [...source.matchAll(/^import (?!type )[^;]*?from "(@cdktf\/provider-[^"]+)"/gms)].map(([, binding]) => `${file}: ${binding}`),
    );
    expect(valueImports).toEqual([]);
  });

  it("declare no constant or helper function of their own: names and numbers live in config/ and the constructs", () => {
    const declarations = [...STACK_FILES].flatMap(([file, source]) =>
      [...source.matchAll(/^(?:export )?(?:const|function) (\w+)|\b(?:const|let) (\w+) = (?:async )?(?:\([^)]*\)|\w+) =>/gm)].map(
        ([, declared, closure]) => `${file}: ${declared ?? closure}`,
      ),
    );
    expect(declarations).toEqual([]);
  });

  it("thread no dependsOn list by hand", () => {
    expect([...STACK_FILES].filter(([, source]) => /\bdependsOn\b/.test(source)).map(([file]) => file)).toEqual([]);
  });
});
