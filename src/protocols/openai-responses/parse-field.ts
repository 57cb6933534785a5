import type * as z from "zod/mini";
import { describeZodIssue } from "../shared/describe-zod-issue.ts";
import { invalidField } from "../shared/invalid-field.ts";

/**
 * Parses `value` (found at `path` in the request) with `schema`; a failure is
 * a 400 naming the offending field from the root of the request body
 * (`input[3].arguments: expected a string, got 1`).
 */
export function parseField<Schema extends z.ZodMiniType>(schema: Schema, value: unknown, path: ReadonlyArray<PropertyKey>): z.output<Schema> {
  const parsed = schema.safeParse(value, { reportInput: true });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (!issue) throw invalidField(path, "invalid value");
  const described = describeZodIssue(issue);
  throw invalidField([...path, ...described.path], described.message);
}
