import { describe, expect, test } from "bun:test";
import * as z from "zod/mini";
import { fixture } from "./test-fixtures.ts";
import { anthropicCountTokensRequestSchema, anthropicRequestSchema } from "./schema.ts";

const fixtures = [
  "basic-request",
  "system-blocks-request",
  "image-request",
  "document-request",
  "tool-use-request",
  "thinking-request",
  "redacted-thinking-request",
  "web-search-request",
];

describe("anthropicRequestSchema", () => {
  test.each(fixtures)("accepts the documented example %s", async (name) => {
    expect(anthropicRequestSchema.safeParse(await fixture(name)).success).toBe(true);
  });

  test("drops cache_control, citations and unknown top-level fields", () => {
    const parsed = anthropicRequestSchema.parse({
      model: "m",
      max_tokens: 10,
      messages: [
        {
          role: "user",
          content: [{ type: "text", text: "hi", cache_control: { type: "ephemeral" }, citations: [] }],
        },
      ],
      context_management: { edits: [] },
      service_tier: "auto",
      container: "c",
      mcp_servers: [],
      anthropic_future_field: 1,
    });
    expect(parsed).toStrictEqual({ model: "m", max_tokens: 10, messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }] });
  });

  test("blocks of types it does not convert pass as they are, for the decoder to drop", () => {
    const parsed = anthropicRequestSchema.parse({
      model: "m",
      max_tokens: 10,
      messages: [
        {
          role: "user",
          content: [
            { type: "search_result", source: "s", title: "t", content: [] },
            { type: "container_upload", file_id: "f" },
          ],
        },
        { role: "assistant", content: [{ type: "mcp_tool_use", id: "x" }] },
      ],
    });
    expect(parsed.messages[0]?.content).toEqual([
      { type: "search_result", source: "s", title: "t", content: [] },
      { type: "container_upload", file_id: "f" },
    ]);
  });

  test("null stands for not set", () => {
    const parsed = anthropicRequestSchema.parse({
      model: "m",
      max_tokens: 10,
      messages: [{ role: "user", content: "x" }],
      system: null,
      tools: null,
      tool_choice: null,
      thinking: null,
      output_config: null,
      metadata: null,
      temperature: null,
    });
    expect(parsed.system).toBeNull();
  });

  test("max_tokens is required for messages, not for count_tokens", () => {
    const body = { model: "m", messages: [{ role: "user", content: "x" }] };
    expect(anthropicRequestSchema.safeParse(body).success).toBe(false);
    expect(anthropicCountTokensRequestSchema.safeParse(body).success).toBe(true);
  });
});

test("both request schemas compile to zod's generated fast path", () => {
  // compile() silently falls back to the interpreter for what it cannot
  // compile; strict mode throws instead, so a change that breaks compilation fails here.
  expect(() => z.compile(anthropicRequestSchema, { strict: true })).not.toThrow();
  expect(() => z.compile(anthropicCountTokensRequestSchema, { strict: true })).not.toThrow();
});
