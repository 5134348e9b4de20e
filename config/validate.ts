import type { z } from "zod";
import { ConfigError, formatPath, problemLine } from "./errors";

/**
 * Parses `input` with `schema`, or throws a ConfigError listing every problem,
 * one line each. Shared by the platform config and the command-line settings.
 */
export function parseOrThrow<Schema extends z.ZodType>(schema: Schema, input: unknown, source: string): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path;
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => problemLine(input, [...path, key], "unknown field (check its spelling)")).join("\n");
    }
    if (issue.code === "invalid_key") {
      // A record key failed its pattern: show the key itself, with the key rule's message.
      const key = path[path.length - 1];
      return `${formatPath(path)} = ${JSON.stringify(key)}: ${issue.issues.map((inner) => inner.message).join("; ")}`;
    }
    return problemLine(input, path, issue.message);
  });
  throw new ConfigError(source, problems.join("\n").split("\n"));
}
