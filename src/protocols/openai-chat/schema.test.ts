import { describe, expect, test } from "bun:test";
import * as z from "zod/mini";
import { openaiChatRequestSchema } from "./schema.ts";

const fixtures = [
  "default-request",
  "image-input-request",
  "streaming-request",
  "functions-request",
  "tool-result-request",
  "legacy-functions-request",
  "structured-output-request",
  "reasoning-request",
  "audio-input-request",
  "file-input-request",
];

async function fixture(name: string): Promise<unknown> {
  return Bun.file(new URL(`./fixtures/${name}.json`, import.meta.url)).json();
}

describe("openaiChatRequestSchema", () => {
  test.each(fixtures)("accepts the documented example %s", async (name) => {
    expect(openaiChatRequestSchema.safeParse(await fixture(name)).success).toBe(true);
  });

  test("drops unknown fields at every level instead of rejecting them", () => {
    const parsed = openaiChatRequestSchema.parse({
      model: "m",
      messages: [{ role: "user", content: [{ type: "text", text: "hi", cache_control: { type: "ephemeral" } }], extra: 1 }],
      provider_specific: true,
    });
    expect(parsed).toStrictEqual({ model: "m", messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] });
  });

  test("null stands for not set in optional fields", () => {
    const parsed = openaiChatRequestSchema.parse({
      model: "m",
      messages: [{ role: "assistant", content: null, tool_calls: null, function_call: null, reasoning_content: null }],
      n: null,
      reasoning_effort: null,
      parallel_tool_calls: null,
    });
    expect(parsed.messages[0]).toStrictEqual({
      role: "assistant",
      content: null,
      tool_calls: null,
      function_call: null,
      reasoning_content: null,
    });
  });

  test("roles are strict", () => {
    expect(openaiChatRequestSchema.safeParse({ model: "m", messages: [{ role: "model", content: "x" }] }).success).toBe(false);
  });
});

test("the request schema compiles to zod's generated fast path", () => {
  // compile() silently falls back to the interpreter for schemas it cannot
  // compile; strict mode throws instead, so a change that breaks compilation fails here.
  expect(() => z.compile(openaiChatRequestSchema, { strict: true })).not.toThrow();
});
