import { describe, expect, test } from "bun:test";
import type { ChatResponse } from "../../ir/response.ts";
import { encodeOpenAICompletionsResponse } from "./encode-response.ts";

const context = { id: "cmpl-uqkvlQyYK7bGYrRHQ0eXlWi7", model: "gpt-3.5-turbo-instruct", created: 1589478378 };

describe("encodeOpenAICompletionsResponse", () => {
  test("the reference example, field for field", async () => {
    const documented = JSON.parse(await Bun.file(new URL("./fixtures/default-response.json", import.meta.url)).text());
    const { system_fingerprint: _fingerprint, ...expected } = documented;
    const response: ChatResponse = {
      choices: [{ index: 0, content: [{ type: "text", text: "\n\nThis is indeed a test" }], finishReason: { unified: "length", raw: "MAX_TOKENS" } }],
      usage: { input: { total: 5 }, output: { total: 7 } },
    };
    expect(encodeOpenAICompletionsResponse(response, { ...context, options: { includeUsage: false } })).toStrictEqual(expected);
  });

  test("echo prepends the prompt; reasoning is left out; text parts join", () => {
    const response: ChatResponse = {
      choices: [
        {
          index: 0,
          content: [
            { type: "reasoning", text: "thinking…" },
            { type: "text", text: " is" },
            { type: "text", text: " a test" },
          ],
          finishReason: { unified: "stop" },
        },
      ],
      usage: { input: { total: 5, cacheRead: 2 }, output: { total: 9, reasoning: 6 } },
    };
    const encoded = encodeOpenAICompletionsResponse(response, { ...context, options: { includeUsage: false, echo: "This" } });
    expect(encoded.choices).toStrictEqual([{ text: "This is a test", index: 0, logprobs: null, finish_reason: "stop" }]);
    expect(encoded.usage).toStrictEqual({ prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 });
  });

  test("several choices, content filter, missing usage reads as zeros", () => {
    const response: ChatResponse = {
      choices: [
        { index: 0, content: [{ type: "text", text: "a" }], finishReason: { unified: "stop" } },
        { index: 1, content: [], finishReason: { unified: "content-filter", raw: "SAFETY" } },
      ],
    };
    const encoded = encodeOpenAICompletionsResponse(response, { ...context, options: { includeUsage: false } });
    expect(encoded.choices.map((c) => [c.index, c.text, c.finish_reason])).toEqual([
      [0, "a", "stop"],
      [1, "", "content_filter"],
    ]);
    expect(encoded.usage).toStrictEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });
});
