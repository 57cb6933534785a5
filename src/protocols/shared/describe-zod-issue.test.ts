import { describe, expect, test } from "bun:test";
import * as z from "zod/mini";
import { describeZodIssue } from "./describe-zod-issue.ts";

function describeFailure(schema: z.ZodMiniType, input: unknown) {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success || !result.error.issues[0]) throw new Error("expected a failure");
  return describeZodIssue(result.error.issues[0]);
}

describe("describeZodIssue", () => {
  test("type mismatch and missing field", () => {
    const schema = z.object({ name: z.string() });
    expect(describeFailure(schema, { name: 1 })).toEqual({ path: ["name"], message: "expected a string, got 1" });
    expect(describeFailure(schema, {})).toEqual({ path: ["name"], message: "missing, expected a string" });
    expect(describeFailure(schema, null)).toEqual({ path: [], message: "expected an object, got null" });
  });

  test("long strings are cut", () => {
    expect(describeFailure(z.number(), "x".repeat(50)).message).toBe(`expected a number, got "${"x".repeat(40)}…"`);
  });

  test("bounds", () => {
    expect(describeFailure(z.number().check(z.gt(0)), 0).message).toBe("expected a number > 0, got 0");
    expect(describeFailure(z.array(z.string()).check(z.maxLength(2)), ["a", "b", "c"]).message).toBe("expected at most 2 items");
    expect(describeFailure(z.array(z.string()).check(z.minLength(2)), ["a"]).message).toBe("expected at least 2 items");
    expect(describeFailure(z.string().check(z.maxLength(3)), "abcd").message).toBe("expected at most 3 characters");
  });

  test("literal and enum", () => {
    expect(describeFailure(z.literal("function"), "custom").message).toBe('expected function, got "custom"');
    expect(describeFailure(z.enum(["a", "b"]), "c").message).toBe('expected one of a, b, got "c"');
  });

  test("a union without a message lists its branches", () => {
    expect(describeFailure(z.union([z.string(), z.number()]), true).message).toBe("expected a string or a number, got true");
    expect(describeFailure(z.union([z.enum(["x", "y"]), z.boolean()]), 3).message).toBe("expected one of x, y or a boolean, got 3");
  });

  test("a union resolves to the branch that got furthest", () => {
    const schema = z.union([z.string(), z.array(z.object({ text: z.string() }))], { error: "expected text" });
    expect(describeFailure(schema, [{ text: "a" }, { text: 2 }])).toEqual({ path: [1, "text"], message: "expected a string, got 2" });
    expect(describeFailure(schema, 5)).toEqual({ path: [], message: "expected text, got 5" });
  });

  test("a discriminated union names the accepted values", () => {
    const schema = z.discriminatedUnion("kind", [z.object({ kind: z.literal("a") }), z.object({ kind: z.literal("b") })]);
    expect(describeFailure(schema, { kind: "c" })).toEqual({ path: ["kind"], message: 'expected one of a, b, got "c"' });
    expect(describeFailure(schema, {})).toEqual({ path: ["kind"], message: "missing, expected one of a, b" });
  });
});
