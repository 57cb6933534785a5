import { describe, expect, test } from "bun:test";
import type { ChatResponse } from "../../ir/response.ts";
import type { GeminiNativeOptions } from "./decode-request.ts";
import { encodeGeminiResponse } from "./encode-response.ts";
import { fixture } from "./test-fixtures.ts";

const context = (options: Partial<GeminiNativeOptions> = {}) => ({
  id: "mAitaL3kLPWtmtkPx5iY8Qk",
  model: "gemini-2.5-flash",
  created: 1700000000,
  options: { framing: "sse" as const, includeThoughts: false, ...options },
});

describe("encodeGeminiResponse", () => {
  test("the documented text response, field for field", async () => {
    const response: ChatResponse = {
      choices: [{ index: 0, content: [{ type: "text", text: "AI works by learning patterns from data." }], finishReason: { unified: "stop" } }],
      usage: { input: { total: 5 }, output: { total: 8 } },
    };
    expect<unknown>(encodeGeminiResponse(response, context())).toStrictEqual(await fixture("text-response.json"));
  });

  test("thoughts shown with includeThoughts; calls with their signatures; thoughts and cache in the usage", () => {
    const response: ChatResponse = {
      choices: [
        {
          index: 0,
          content: [
            { type: "reasoning", text: "**Planning**", signature: { family: "gemini", value: "sig-t" } },
            { type: "text", text: "Checking." },
            {
              type: "tool-call",
              id: "call_1",
              name: "get_weather",
              arguments: '{"location":"London"}',
              signature: { family: "gemini", value: "sig-c" },
            },
            { type: "tool-call", id: "call_2", name: "get_weather", arguments: "" },
          ],
          finishReason: { unified: "tool-calls", raw: "STOP" },
        },
      ],
      usage: { input: { total: 100, cacheRead: 60 }, output: { total: 50, reasoning: 30 } },
    };
    expect(encodeGeminiResponse(response, context({ includeThoughts: true }))).toStrictEqual({
      candidates: [
        {
          content: {
            parts: [
              { text: "**Planning**", thought: true, thoughtSignature: "sig-t" },
              { text: "Checking." },
              { functionCall: { name: "get_weather", args: { location: "London" } }, thoughtSignature: "sig-c" },
              { functionCall: { name: "get_weather", args: {} } },
            ],
            role: "model",
          },
          finishReason: "STOP",
          index: 0,
        },
      ],
      usageMetadata: {
        promptTokenCount: 100,
        candidatesTokenCount: 20,
        totalTokenCount: 150,
        thoughtsTokenCount: 30,
        cachedContentTokenCount: 60,
      },
      modelVersion: "gemini-2.5-flash",
      responseId: "mAitaL3kLPWtmtkPx5iY8Qk",
    });
  });

  test("without includeThoughts the thought is hidden and its signature rides on the next part", () => {
    const response: ChatResponse = {
      choices: [
        {
          index: 0,
          content: [
            { type: "reasoning", text: "hidden", signature: { family: "gemini", value: "sig-t" } },
            { type: "text", text: "Answer." },
          ],
          finishReason: { unified: "stop" },
        },
      ],
    };
    expect(encodeGeminiResponse(response, context()).candidates[0]?.content.parts).toStrictEqual([
      { text: "Answer.", thoughtSignature: "sig-t" },
    ]);
  });

  test("a signature with nothing after it goes out on an empty text part; other families' signatures go tagged", () => {
    const response: ChatResponse = {
      choices: [
        {
          index: 0,
          content: [
            { type: "reasoning", text: "claude thinking", signature: { family: "anthropic", value: "EqQB" } },
            { type: "reasoning", text: "", signature: { family: "anthropic", value: "redacted" }, redacted: true },
            { type: "tool-call", id: "t1", name: "f", arguments: "{}", signature: { family: "openai", value: "x" } },
            { type: "reasoning", text: "", signature: { family: "gemini", value: "sig-end" } },
          ],
          finishReason: { unified: "tool-calls" },
        },
      ],
    };
    expect(encodeGeminiResponse(response, context({ includeThoughts: true })).candidates[0]?.content.parts).toStrictEqual([
      // An Anthropic upstream's signature reaches the Gemini client tagged, so the next turn keeps its thinking.
      { text: "claude thinking", thought: true, thoughtSignature: "agw1.anthropic.t.EqQB" },
      { text: "", thoughtSignature: "agw1.anthropic.t.redacted" },
      { functionCall: { name: "f", args: {} }, thoughtSignature: "agw1.openai.t.x" },
      { text: "", thoughtSignature: "sig-end" },
    ]);
  });

  test("several candidates with their finish reasons; no usage, no usageMetadata", () => {
    const response: ChatResponse = {
      choices: [
        { index: 0, content: [{ type: "text", text: "a" }], finishReason: { unified: "length" } },
        { index: 1, content: [], finishReason: { unified: "content-filter", raw: "SAFETY" } },
        { index: 2, content: [{ type: "text", text: "c" }], finishReason: { unified: "error", raw: "MALFORMED_FUNCTION_CALL" } },
      ],
    };
    const encoded = encodeGeminiResponse(response, context());
    expect(encoded.candidates.map((c) => [c.index, c.finishReason, c.content.parts])).toEqual([
      [0, "MAX_TOKENS", [{ text: "a" }]],
      [1, "SAFETY", []],
      [2, "OTHER", [{ text: "c" }]],
    ]);
    expect("usageMetadata" in encoded).toBe(false);
  });
});
