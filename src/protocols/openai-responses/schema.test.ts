import { describe, expect, test } from "bun:test";
import * as z from "zod/mini";
import { inputItemSchemas, responsesRequestSchema, toolSchemas } from "./schema.ts";
import { fixture } from "./test-helpers.ts";

const requests = [
  "text-request.json",
  "streaming-request.json",
  "function-request.json",
  "reasoning-request.json",
  "image-request.json",
  "file-request.json",
  "custom-tool-request.json",
  "grammar-tool-request.json",
  "codex-request.json",
];

describe("responsesRequestSchema", () => {
  test.each(requests)("accepts %s", async (name) => {
    expect(responsesRequestSchema.safeParse(await fixture(name)).success).toBe(true);
  });

  test("drops unknown top-level fields, keeps items and tools whole for the second stage", () => {
    const parsed = responsesRequestSchema.parse({
      model: "m",
      input: [{ type: "web_search_call", id: "ws_1", action: { type: "search" } }],
      tools: [{ type: "image_generation", output_format: "png" }],
      client_metadata: { a: "b" },
      provider_specific: true,
    });
    expect(parsed).toStrictEqual({
      model: "m",
      input: [{ type: "web_search_call", id: "ws_1", action: { type: "search" } }],
      tools: [{ type: "image_generation", output_format: "png" }],
      client_metadata: { a: "b" },
    });
  });

  test("the reasoning effort is strict", () => {
    expect(responsesRequestSchema.safeParse({ model: "m", reasoning: { effort: "max" } }).success).toBe(false);
  });
});

test("every schema compiles to zod's generated fast path", () => {
  // compile() silently falls back to the interpreter for schemas it cannot
  // compile; strict mode throws instead, so a change that breaks compilation fails here.
  expect(() => z.compile(responsesRequestSchema, { strict: true })).not.toThrow();
  for (const schema of [...Object.values(inputItemSchemas), ...Object.values(toolSchemas)]) {
    expect(() => z.compile(schema as z.ZodMiniType, { strict: true })).not.toThrow();
  }
});
