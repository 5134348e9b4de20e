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
);
