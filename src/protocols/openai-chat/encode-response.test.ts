import { describe, expect, test } from "bun:test";
import type { ChatResponse } from "../../ir/response.ts";
import type { EncodeContext } from "../types.ts";
import type { OpenAIChatOptions } from "./decode-request.ts";
import { encodeOpenAIChatResponse } from "./encode-response.ts";
import defaultResponse from "./fixtures/default-response.json";
import functionsResponse from "./fixtures/functions-response.json";

const context: EncodeContext<OpenAIChatOptions> = {
  id: "chatcmpl-123",
  model: "gpt-4o-mini",
  created: 1677652288,
  options: { includeUsage: false },
};

const zeroDetails = { prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } };

describe("encodeOpenAIChatResponse", () => {
  test("text answer matches the documented example (plus refusal and token details)", () => {
    const response: ChatResponse = {
      choices: [
        {
          index: 0,
          content: [
            { type: "text", text: "\n\nHello there, " },
            { type: "text", text: "how may I assist you today?" },
          ],
          finishReason: { unified: "stop", raw: "STOP" },
        },
      ],
      usage: { input: { total: 9 }, output: { total: 12 } },
    };
    const { system_fingerprint: _fingerprint, ...documented } = defaultResponse;
    expect(encodeOpenAIChatResponse(response, { ...context, model: "gpt-3.5-turbo-0125" })).toStrictEqual({
      ...documented,
      object: "chat.completion",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "\n\nHello there, how may I assist you today?", refusal: null },
          logprobs: null,
          finish_reason: "stop",
        },
      ],
      usage: { ...documented.usage, ...zeroDetails },
    });
  });

  test("tool call matches the documented example: content null, finish_reason tool_calls", () => {
    const response: ChatResponse = {
      choices: [
        {
          index: 0,
          content: [
            { type: "tool-call", id: "call_abc123", name: "get_current_weather", arguments: '{\n"location": "Boston, MA"\n}' },
          ],
          finishReason: { unified: "tool-calls" },
        },
      ],
      usage: { input: { total: 82 }, output: { total: 17 } },
    };
    const encoded = encodeOpenAIChatResponse(response, { ...context, id: "chatcmpl-abc123", created: 1699896916 });
    const expectedChoice = functionsResponse.choices[0];
    expect(encoded.choices).toStrictEqual([
      {
        ...expectedChoice,
        message: { ...expectedChoice?.message, refusal: null },
      } as (typeof encoded.choices)[number],
    ]);
    expect(encoded.usage).toStrictEqual({
      prompt_tokens: 82,
      completion_tokens: 17,
      total_tokens: 99,
      ...zeroDetails,
    });
  });

  test("reasoning, text and signed tool calls; cached and reasoning tokens", () => {
    const response: ChatResponse = {
      id: "upstream-id",
      model: "gemini-2.5-pro-001",
      choices: [
        {
          index: 0,
          content: [
            { type: "reasoning", text: "The user wants " },
            { type: "reasoning", text: "two cities.", signature: { family: "gemini", value: "sig-reasoning" } },
            { type: "text", text: "Checking both." },
            { type: "tool-call", id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}', signature: { family: "gemini", value: "c2ln" } },
            { type: "tool-call", id: "call_2", name: "get_weather", arguments: '{"city":"Rome"}' },
          ],
          finishReason: { unified: "tool-calls" },
        },
      ],
      usage: { input: { total: 120, cacheRead: 100 }, output: { total: 80, reasoning: 50 } },
    };
    expect(encodeOpenAIChatResponse(response, context)).toStrictEqual({
      id: "chatcmpl-123",
      object: "chat.completion",
      created: 1677652288,
      model: "gpt-4o-mini",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: "Checking both.",
            refusal: null,
            reasoning_content: "The user wants two cities.",
            tool_calls: [
              {
                id: "call_1",
                type: "function",
                function: { name: "get_weather", arguments: '{"city":"Paris"}' },
                extra_content: { google: { thought_signature: "c2ln" } },
              },
              { id: "call_2", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
            ],
          },
          logprobs: null,
          finish_reason: "tool_calls",
        },
      ],
      usage: {
        prompt_tokens: 120,
        completion_tokens: 80,
        total_tokens: 200,
        prompt_tokens_details: { cached_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 50 },
      },
    });
  });

  test("multiple choices keep their index and finish reasons", () => {
    const response: ChatResponse = {
      choices: [
        { index: 0, content: [{ type: "text", text: "Red" }], finishReason: { unified: "stop" } },
        { index: 1, content: [{ type: "text", text: "Blu" }], finishReason: { unified: "length" } },
        { index: 2, content: [], finishReason: { unified: "content-filter", raw: "SAFETY" } },
      ],
      usage: { input: { total: 5 }, output: { total: 4 } },
    };
    const encoded = encodeOpenAIChatResponse(response, context);
    expect(encoded.choices.map((choice) => [choice.index, choice.message.content, choice.finish_reason])).toEqual([
      [0, "Red", "stop"],
      [1, "Blu", "length"],
      [2, "", "content_filter"],
    ]);
  });

  test("an empty answer has empty content; errors read as stop; missing usage is zeros", () => {
    const encoded = encodeOpenAIChatResponse(
      { choices: [{ index: 0, content: [], finishReason: { unified: "error" } }] },
      context,
    );
    expect(encoded.choices[0]).toStrictEqual({
      index: 0,
      message: { role: "assistant", content: "", refusal: null },
      logprobs: null,
      finish_reason: "stop",
    });
    expect(encoded.usage).toStrictEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, ...zeroDetails });
  });
});
