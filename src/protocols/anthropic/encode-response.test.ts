import { describe, expect, test } from "bun:test";
import type { ChatResponse } from "../../ir/response.ts";
import type { AnthropicOptions } from "./decode-request.ts";
import { encodeAnthropicResponse } from "./encode-response.ts";
import { fixture } from "./test-fixtures.ts";

const context = (id: string, model: string, options: AnthropicOptions = {}) => ({ id, model, created: 1700000000, options });

describe("encodeAnthropicResponse", () => {
  test("text: the documented message", async () => {
    const response: ChatResponse = {
      model: "gemini-2.5-flash",
      choices: [{ index: 0, content: [{ type: "text", text: "Hi! My name is Claude." }], finishReason: { unified: "stop", raw: "STOP" } }],
      usage: { input: { total: 2095 }, output: { total: 503 } },
    };
    expect(encodeAnthropicResponse(response, context("msg_013Zva2CMHLNnXjNJJKqJ2EF", "claude-sonnet-4-5"))).toEqual(
      (await fixture("basic-response")) as never,
    );
  });

  test("tool use: the documented message", async () => {
    const response: ChatResponse = {
      choices: [
        {
          index: 0,
          content: [
            { type: "text", text: "I'll check the current weather in San Francisco for you." },
            {
              type: "tool-call",
              id: "toolu_01A09q90qw90lq917835lq9",
              name: "get_weather",
              arguments: '{"location": "San Francisco, CA", "unit": "celsius"}',
            },
          ],
          finishReason: { unified: "tool-calls" },
        },
      ],
      usage: { input: { total: 384 }, output: { total: 89 } },
    };
    expect(encodeAnthropicResponse(response, context("msg_01Aq9w938a90dw8q", "claude-sonnet-4-5"))).toEqual(
      (await fixture("tool-use-response")) as never,
    );
  });

  test("reasoning: signed, Gemini-signed, unsigned, redacted; empty parts give no block", () => {
    const response: ChatResponse = {
      choices: [
        {
          index: 0,
          content: [
            { type: "reasoning", text: "Claude thinks", signature: { family: "anthropic", value: "EqQB" } },
            { type: "reasoning", text: "Gemini thinks", signature: { family: "gemini", value: "CiQB" } },
            { type: "reasoning", text: "unsigned" },
            { type: "reasoning", text: "" },
            { type: "reasoning", text: "", signature: { family: "gemini", value: "only-a-signature" } },
            { type: "reasoning", text: "", redacted: true, signature: { family: "anthropic", value: "EmwK" } },
            { type: "reasoning", text: "", redacted: true },
            { type: "text", text: "" },
            { type: "text", text: "Done." },
          ],
          finishReason: { unified: "stop" },
        },
      ],
    };
    expect(encodeAnthropicResponse(response, context("msg_1", "m")).content).toEqual([
      { type: "thinking", thinking: "Claude thinks", signature: "EqQB" },
      { type: "thinking", thinking: "Gemini thinks", signature: "agw1.gemini.t.CiQB" },
      { type: "thinking", thinking: "unsigned", signature: "agw1.unsigned" },
      { type: "thinking", thinking: "", signature: "agw1.gemini.t.only-a-signature" },
      { type: "redacted_thinking", data: "EmwK" },
      { type: "text", text: "Done." },
    ]);
  });

  test("a Gemini-signed call is preceded by a thinking block carrying its signature; bad arguments are {}", () => {
    const response: ChatResponse = {
      choices: [
        {
          index: 0,
          content: [
            { type: "tool-call", id: "c1", name: "Read", arguments: '{"file_path":"/a"}', signature: { family: "gemini", value: "c2ln" } },
            { type: "tool-call", id: "c2", name: "Now", arguments: "" },
            { type: "tool-call", id: "c3", name: "Cut", arguments: '{"a": ' },
            { type: "tool-call", id: "c4", name: "List", arguments: "[1]", signature: { family: "anthropic", value: "x" } },
          ],
          finishReason: { unified: "tool-calls" },
        },
      ],
    };
    expect(encodeAnthropicResponse(response, context("msg_1", "m")).content).toEqual([
      { type: "thinking", thinking: "", signature: "agw1.gemini.c.c2ln" },
      { type: "tool_use", id: "c1", name: "Read", input: { file_path: "/a" } },
      { type: "tool_use", id: "c2", name: "Now", input: {} },
      { type: "tool_use", id: "c3", name: "Cut", input: {} },
      { type: "tool_use", id: "c4", name: "List", input: {} },
    ]);
  });

  test("Gemini 3: one text block and nothing after it; the call's signature on the reasoning before it", () => {
    const gemini = (value: string) => ({ family: "gemini" as const, value });
    const answer = (content: ChatResponse["choices"][number]["content"]): ChatResponse => ({
      choices: [{ index: 0, content, finishReason: { unified: "stop" } }],
    });
    const text = answer([
      { type: "reasoning", text: "Counting." },
      { type: "text", text: "There are three.", signature: gemini("EqsF") },
    ]);
    expect(encodeAnthropicResponse(text, context("msg_1", "m", { thinking: "enabled" })).content).toEqual([
      { type: "thinking", thinking: "Counting.", signature: "agw1.unsigned" },
      { type: "text", text: "There are three." },
    ]);
    expect(encodeAnthropicResponse(text, context("msg_1", "m")).content).toEqual([
      { type: "thinking", thinking: "Counting.", signature: "agw1.unsigned" },
      { type: "text", text: "There are three." },
    ]);
    expect(encodeAnthropicResponse(text, context("msg_1", "m", { thinking: "disabled" })).content).toEqual([
      { type: "text", text: "There are three." },
    ]);
    const call = answer([
      { type: "reasoning", text: "I should read it." },
      { type: "tool-call", id: "c1", name: "Read", arguments: "{}", signature: gemini("EsgB") },
    ]);
    expect(encodeAnthropicResponse(call, context("msg_1", "m", { thinking: "enabled" })).content).toEqual([
      { type: "thinking", thinking: "I should read it.", signature: "agw1.gemini.c.EsgB" },
      { type: "tool_use", id: "c1", name: "Read", input: {} },
    ]);
    expect(encodeAnthropicResponse(call, context("msg_1", "m", { thinking: "disabled" })).content).toEqual([
      { type: "tool_use", id: "c1", name: "Read", input: {} },
    ]);
  });

  test("cache usage, stop reasons, only choice 0", () => {
    const response: ChatResponse = {
      choices: [
        { index: 1, content: [{ type: "text", text: "second" }], finishReason: { unified: "stop" } },
        { index: 0, content: [{ type: "text", text: "first" }], finishReason: { unified: "length", raw: "MAX_TOKENS" } },
      ],
      usage: { input: { total: 1000, cacheRead: 800, cacheWrite: 100 }, output: { total: 5 } },
    };
    const encoded = encodeAnthropicResponse(response, context("msg_1", "m"));
    expect(encoded.content).toEqual([{ type: "text", text: "first" }]);
    expect(encoded.stop_reason).toBe("max_tokens");
    expect(encoded.usage).toEqual({ input_tokens: 100, output_tokens: 5, cache_creation_input_tokens: 100, cache_read_input_tokens: 800 });
  });

  test("no choice and no usage: an empty end_turn message with zero usage", () => {
    expect(encodeAnthropicResponse({ choices: [] }, context("msg_1", "m"))).toEqual({
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "m",
      content: [],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    });
  });
});
