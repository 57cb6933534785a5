import { describe, expect, test } from "bun:test";
import { decodeMessages } from "./decode-messages.ts";
import { type OpenAIChatMessage, openaiChatRequestSchema } from "./schema.ts";

/** Parses through the schema so the tests feed exactly what the decoder gets. */
function messages(list: unknown[]): OpenAIChatMessage[] {
  return openaiChatRequestSchema.parse({ model: "m", messages: list }).messages;
}

describe("decodeMessages", () => {
  test("system and developer messages keep their position, string or parts", () => {
    expect(
      decodeMessages(
        messages([
          { role: "developer", content: "Be brief." },
          { role: "user", content: "Hi" },
          { role: "system", content: [{ type: "text", text: "Part one." }, { type: "text", text: "Part two." }] },
        ]),
      ),
    ).toStrictEqual([
      { role: "system", content: [{ type: "text", text: "Be brief." }] },
      { role: "user", content: [{ type: "text", text: "Hi" }] },
      {
        role: "system",
        content: [
          { type: "text", text: "Part one." },
          { type: "text", text: "Part two." },
        ],
      },
    ]);
  });

  test("assistant: reasoning first, then text, then tool calls with Gemini signatures", () => {
    expect(
      decodeMessages(
        messages([
          {
            role: "assistant",
            content: "Let me check.",
            reasoning_content: "The user wants the weather.",
            tool_calls: [
              {
                id: "call_1",
                type: "function",
                function: { name: "get_weather", arguments: '{"city":"Paris"}' },
                extra_content: { google: { thought_signature: "c2lnbmF0dXJl" } },
              },
              { id: "call_2", type: "function", function: { name: "get_time", arguments: "{}" } },
            ],
          },
        ]),
      ),
    ).toStrictEqual([
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "The user wants the weather." },
          { type: "text", text: "Let me check." },
          { type: "tool-call", id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}', signature: { family: "gemini", value: "c2lnbmF0dXJl" } },
          { type: "tool-call", id: "call_2", name: "get_time", arguments: "{}" },
        ],
      },
    ]);
  });

  test("assistant content parts: text and refusal both become text", () => {
    expect(
      decodeMessages(
        messages([
          {
            role: "assistant",
            content: [
              { type: "text", text: "Sure." },
              { type: "refusal", refusal: "I can't help with that." },
            ],
          },
        ]),
      ),
    ).toStrictEqual([
      {
        role: "assistant",
        content: [
          { type: "text", text: "Sure." },
          { type: "text", text: "I can't help with that." },
        ],
      },
    ]);
  });

  test.each([
    ["null content", { role: "assistant", content: null }],
    ["empty string", { role: "assistant", content: "" }],
    ["no content at all", { role: "assistant" }],
    ["empty parts and no calls", { role: "assistant", content: [], tool_calls: [] }],
  ])("an empty assistant message stays empty: %s", (_name, message) => {
    expect(decodeMessages(messages([message]))).toStrictEqual([{ role: "assistant", content: [] }]);
  });

  test("a tool call without type is tolerated", () => {
    const decoded = decodeMessages(
      messages([{ role: "assistant", tool_calls: [{ id: "c", function: { name: "f", arguments: "" } }] }]),
    );
    expect(decoded).toStrictEqual([{ role: "assistant", content: [{ type: "tool-call", id: "c", name: "f", arguments: "" }] }]);
  });

  test("parallel tool results merge into one tool message and get their call's name", () => {
    expect(
      decodeMessages(
        messages([
          {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "call_a", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
              { id: "call_b", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
            ],
          },
          { role: "tool", tool_call_id: "call_a", content: "14" },
          { role: "tool", tool_call_id: "call_b", content: [{ type: "text", text: "21" }, { type: "text", text: "sunny" }] },
          { role: "user", content: "Thanks" },
          { role: "tool", tool_call_id: "call_unknown", content: "?" },
        ]),
      ),
    ).toStrictEqual([
      {
        role: "assistant",
        content: [
          { type: "tool-call", id: "call_a", name: "get_weather", arguments: '{"city":"Paris"}' },
          { type: "tool-call", id: "call_b", name: "get_weather", arguments: '{"city":"Rome"}' },
        ],
      },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "call_a", name: "get_weather", content: [{ type: "text", text: "14" }] },
          {
            type: "tool-result",
            toolCallId: "call_b",
            name: "get_weather",
            content: [
              { type: "text", text: "21" },
              { type: "text", text: "sunny" },
            ],
          },
        ],
      },
      { role: "user", content: [{ type: "text", text: "Thanks" }] },
      // A result for a call we never saw keeps its id and has no name.
      { role: "tool", content: [{ type: "tool-result", toolCallId: "call_unknown", content: [{ type: "text", text: "?" }] }] },
    ]);
  });

  test("legacy function results answer the latest open call of that name", () => {
    const decoded = decodeMessages(
      messages([
        { role: "assistant", content: null, function_call: { name: "f", arguments: "{}" } },
        { role: "function", name: "f", content: "one" },
        { role: "assistant", content: null, function_call: { name: "f", arguments: '{"n":2}' } },
        { role: "function", name: "f", content: null },
        { role: "function", name: "g", content: "never called" },
      ]),
    );
    expect(decoded).toStrictEqual([
      { role: "assistant", content: [{ type: "tool-call", id: "call_legacy_0", name: "f", arguments: "{}" }] },
      { role: "tool", content: [{ type: "tool-result", toolCallId: "call_legacy_0", name: "f", content: [{ type: "text", text: "one" }] }] },
      { role: "assistant", content: [{ type: "tool-call", id: "call_legacy_2", name: "f", arguments: '{"n":2}' }] },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "call_legacy_2", name: "f", content: [{ type: "text", text: "" }] },
          { type: "tool-result", toolCallId: "call_legacy_4", name: "g", content: [{ type: "text", text: "never called" }] },
        ],
      },
    ]);
  });
});
