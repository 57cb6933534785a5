import type * as z from "zod/mini";

type Issue = z.core.$ZodIssue;

/** Where a request went wrong and what was expected there, in words a client can act on. */
export interface IssueDescription {
  path: PropertyKey[];
  /** `expected a string, got 3`, `missing, expected one of text, image_url`… */
  message: string;
}

const typeNames: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "a boolean",
  array: "an array",
  object: "an object",
  record: "an object",
  null: "null",
};

/**
 * Turns one zod issue into a precise message. Unions are resolved to the
 * branch that got furthest (a content array whose third part lacks `text`
 * reports `content[2].text`, not "invalid input"); discriminated unions list
 * the accepted discriminator values. Parse with `reportInput: true` so the
 * message can say what was received.
 */
export function describeZodIssue(issue: Issue): IssueDescription {
  const path = [...issue.path];
  switch (issue.code) {
    case "invalid_type":
      return { path, message: withReceived(`expected ${typeName(issue.expected)}`, issue.input) };
    case "invalid_value":
      return { path, message: withReceived(`expected ${oneOf(issue.values)}`, issue.input) };
    case "too_small": {
      const expectation = bound(issue.origin, ">", issue.minimum, issue.inclusive);
      return { path, message: withReceived(expectation, issue.input, true) };
    }
    case "too_big": {
      const expectation = bound(issue.origin, "<", issue.maximum, issue.inclusive);
      return { path, message: withReceived(expectation, issue.input, true) };
    }
    case "invalid_union":
      return describeUnionIssue(issue, path);
    default:
      return { path, message: issue.message };
  }
}

function describeUnionIssue(issue: Extract<Issue, { code: "invalid_union" }>, path: PropertyKey[]): IssueDescription {
  if (issue.discriminator !== undefined && "options" in issue && issue.options) {
    const value = isRecord(issue.input) ? issue.input[issue.discriminator] : undefined;
    return { path, message: withReceived(`expected ${oneOf(issue.options)}`, value) };
  }
  // The branch whose first issue lies deepest is the one the client meant.
  let deepest: Issue | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (first && first.path.length > 0 && (!deepest || first.path.length > deepest.path.length)) deepest = first;
  }
  if (deepest) {
    const inner = describeZodIssue(deepest);
    return { path: [...path, ...inner.path], message: inner.message };
  }
  // A message given with the schema (`z.union([...], { error })`) says it best.
  if (issue.message !== "Invalid input") return { path, message: withReceived(issue.message, issue.input) };
  const expectations = issue.errors.flatMap((branch) => (branch[0] ? [branchExpectation(branch[0])] : []));
  return { path, message: withReceived(`expected ${expectations.join(" or ")}`, issue.input) };
}

function branchExpectation(issue: Issue): string {
  if (issue.code === "invalid_type") return typeName(issue.expected);
  if (issue.code === "invalid_value") return oneOf(issue.values);
  return describeZodIssue(issue).message.replace(/^expected /, "");
}

function typeName(expected: string): string {
  return typeNames[expected] ?? expected;
}

function oneOf(values: ReadonlyArray<unknown>): string {
  const names = values.map((value) => String(value));
  return names.length === 1 ? String(names[0]) : `one of ${names.join(", ")}`;
}

function bound(origin: string, direction: ">" | "<", limit: number | bigint, inclusive: boolean | undefined): string {
  const comparison = `${direction}${inclusive === false ? "" : "="}`;
  const amount = Number(limit);
  if (origin === "array") {
    if (direction === ">" && amount === 1) return "expected a non-empty array";
    return `expected ${direction === ">" ? "at least" : "at most"} ${amount} item${amount === 1 ? "" : "s"}`;
  }
  if (origin === "string") {
    if (direction === ">" && amount === 1) return "expected a non-empty string";
    return `expected ${direction === ">" ? "at least" : "at most"} ${amount} character${amount === 1 ? "" : "s"}`;
  }
  return `expected ${origin === "int" ? "an integer" : "a number"} ${comparison} ${amount}`;
}

function withReceived(expectation: string, input: unknown, onlyNumbers = false): string {
  if (input === undefined) return onlyNumbers ? expectation : `missing, ${expectation}`;
  if (onlyNumbers && typeof input !== "number") return expectation;
  return `${expectation}, got ${describeValue(input)}`;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
