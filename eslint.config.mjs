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
