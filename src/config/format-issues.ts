import type * as z from "zod/mini";
import { formatPath } from "../util/format-path.ts";

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : typeof value;
}

/** One line per problem: `path: what was expected`. */
export function formatIssue(issue: z.core.$ZodIssue): string {
  const path = formatPath(issue.path);
  const where = path === "" ? "(top level)" : path;
  switch (issue.code) {
    case "invalid_value":
      return `${where}: expected one of ${issue.values.map((v) => String(v)).join(", ")}`;
    case "invalid_type": {
      const input = (issue as { input?: unknown }).input;
      if (input === undefined) return `${where}: required (${issue.expected})`;
      return `${where}: expected ${issue.expected}, got ${describe(input)}`;
    }
    case "unrecognized_keys":
      return issue.keys.map((key) => `${path === "" ? key : `${path}.${key}`}: unknown field`).join("\n");
    default:
      return `${where}: ${issue.message}`;
  }
}
