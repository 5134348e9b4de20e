/**
 * A string Terraform passes through unchanged: `${` and `%{` would start an
 * interpolation or a directive, so they are escaped (`$${`, `%%{`). Helm
 * values written as plain YAML carry alert templates and PromQL, full of braces.
 */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{/g, "$$${").replace(/%\{/g, "%%{");
}
