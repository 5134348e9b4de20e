import type { z } from "zod";
import { ConfigError, formatPath, problemLine } from "./errors";

/**
 * How the project's schemas parse: without zod's compiled fast path. On an object schema's first parse zod writes
 * and compiles a parser for it (`new Function`), which repays itself only over many parses; a synth parses the
 * platform config once, and compiling was half of loading it (10 of 22 ms). The checks and messages are the same.
 */
export const PARSE_OPTIONS = { jitless: true } as const;

/** Every problem `schema` finds in `input`, one line each (`<path> = <value>: <rule>`); none when it is valid. */
export function schemaProblems(schema: z.ZodType, input: unknown): string[] {
  const result = schema.safeParse(input, PARSE_OPTIONS);
  if (result.success) return [];
  return result.error.issues.flatMap((issue) => {
    const path = issue.path;
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => problemLine(input, [...path, key], "unknown field (check its spelling)"));
    }
    if (issue.code === "invalid_key") {
      // A record key failed its pattern: show the key itself, with the key rule's message.
      const key = path[path.length - 1];
      return [`${formatPath(path)} = ${JSON.stringify(key)}: ${issue.issues.map((inner) => inner.message).join("; ")}`];
    }
    return [problemLine(input, path, issue.message)];
  });
}

/**
 * Parses `input` with `schema`, or throws a ConfigError listing every problem,
 * one line each. Shared by the platform config and the command-line settings.
 */
export function parseOrThrow<Schema extends z.ZodType>(schema: Schema, input: unknown, source: string): z.output<Schema> {
  const result = schema.safeParse(input, PARSE_OPTIONS);
  if (result.success) return result.data;
  throw new ConfigError(source, schemaProblems(schema, input));
}
