import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", "coverage/", "jest.config.js"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // Provider barrels load every resource binding (about a second each): import by deep path.
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^@cdktf/provider-[a-z-]+$",
              message: "Import the resource by deep path, e.g. @cdktf/provider-digitalocean/lib/vpc, never the package barrel.",
            },
          ],
        },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    // Users set TF_VAR_<name>: every variable goes through SensitiveVariable, which names it exactly so.
    files: ["main.ts", "config/**/*.ts", "constructs/**/*.ts", "stacks/**/*.ts", "guardrails/**/*.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "NewExpression[callee.name='TerraformVariable']",
          message: "Declare variables with SensitiveVariable.of (constructs/core/sensitive-variable.ts): it fixes the name users set as TF_VAR_<name>.",
        },
      ],
    },
  },
  {
    // CommonJS entry scripts load modules with require() by design.
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable", __dirname: "readonly", __filename: "readonly", process: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["**/*.mjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
);
