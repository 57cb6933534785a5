import { describe, expect, test } from "bun:test";
import type { Message } from "../../ir/request.ts";
import { lowerGeminiContents, SKIP_THOUGHT_SIGNATURE } from "./lower-contents.ts";

describe("lowerGeminiContents", () => {
  test("collects every system message into systemInstruction, in order", () => {
    const messages: Message[] = [
      { role: "system", content: [{ type: "text", text: "You are terse." }] },
      { role: "user", content: [{ type: "text", text: "Hi" }] },
      { role: "system", content: [{ type: "text", text: "Answer in French." }, { type: "text", text: "" }] },
    ];
    expect(lowerGeminiContents(messages)).toEqual({
      systemInstruction: { parts: [{ text: "You are terse." }, { text: "Answer in French." }] },
      contents: [{ role: "user", parts: [{ text: "Hi" }] }],
    });
  });

  test("merges consecutive messages with the same Gemini role and skips empty text", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "one" }] },
      { role: "user", content: [{ type: "text", text: "two" }] },
      { role: "assistant", content: [{ type: "text", text: "" }] },
      { role: "assistant", content: [{ type: "text", text: "three" }] },
    ];
    expect(lowerGeminiContents(messages)).toEqual({
      contents: [
        { role: "user", parts: [{ text: "one" }, { text: "two" }] },
        { role: "model", parts: [{ text: "three" }] },
      ],
    });
  });

  test("lowers images and files: inline data, data URLs, sniffed types and URLs", () => {
    const messages: Message[] = [
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
          { type: "image", data: "data:image/webp;base64,UklGRgAAAA==" },
          { type: "image", data: "/9j/4AAQ" },
          { type: "file", mediaType: "application/pdf", data: "JVBERi0=", filename: "a.pdf" },
          { type: "image", url: "https://generativelanguage.googleapis.com/v1beta/files/abc", mediaType: "image/jpeg" },
          { type: "file", mediaType: "audio/mp3", url: "gs://bucket/a.mp3" },
        ],
      },
    ];
    expect(lowerGeminiContents(messages).contents).toEqual([
      {
        role: "user",
        parts: [
          { text: "What is this?" },
          { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
          { inlineData: { mimeType: "image/webp", data: "UklGRgAAAA==" } },
          { inlineData: { mimeType: "image/jpeg", data: "/9j/4AAQ" } },
          { inlineData: { mimeType: "application/pdf", data: "JVBERi0=" } },
          { fileData: { mimeType: "image/jpeg", fileUri: "https://generativelanguage.googleapis.com/v1beta/files/abc" } },
          { fileData: { mimeType: "audio/mp3", fileUri: "gs://bucket/a.mp3" } },
        ],
      },
    ]);
  });

  test("replays reasoning and tool calls with their signatures", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "Weather in Paris and Rome?" }] },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "I should call the tool twice.", signature: { family: "gemini", value: "sig-thought" } },
          { type: "reasoning", text: "" },
          { type: "tool-call", id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}', signature: { family: "gemini", value: "sig-call" } },
          { type: "tool-call", id: "call_2", name: "get_weather", arguments: '{"city":"Rome"}' },
        ],
      },
    ];
    expect(lowerGeminiContents(messages).contents[1]).toEqual({
      role: "model",
      parts: [
        { text: "I should call the tool twice.", thought: true, thoughtSignature: "sig-thought" },
        { functionCall: { name: "get_weather", args: { city: "Paris" } }, thoughtSignature: "sig-call" },
        { functionCall: { name: "get_weather", args: { city: "Rome" } } },
      ],
    });
  });

  test("puts the documented placeholder on the first function call of a turn that lost its signature", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "go" }] },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Calling." },
          { type: "tool-call", id: "a", name: "first", arguments: "" },
          { type: "tool-call", id: "b", name: "second", arguments: "not json" },
        ],
      },
    ];
    expect(lowerGeminiContents(messages).contents[1]?.parts).toEqual([
      { text: "Calling." },
      { functionCall: { name: "first", args: {} }, thoughtSignature: SKIP_THOUGHT_SIGNATURE },
      { functionCall: { name: "second", args: {} } },
    ]);
    expect(SKIP_THOUGHT_SIGNATURE).toBe("skip_thought_signature_validator");
  });

  test("signatures from another model family are dropped, never sent to Gemini", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "Hi" }] },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "Claude's thinking", signature: { family: "anthropic", value: "EqQBCkYIBxgCKkA" } },
          { type: "reasoning", text: "unsigned thinking" },
          { type: "tool-call", id: "c1", name: "f", arguments: "{}", signature: { family: "anthropic", value: "x" } },
        ],
      },
    ];
    const { contents } = lowerGeminiContents(messages);
    expect(contents[1]).toEqual({
      role: "model",
      parts: [{ functionCall: { name: "f", args: {} }, thoughtSignature: SKIP_THOUGHT_SIGNATURE }],
    });
  });

  test("a tool result is passed as the object it is only when its text is a JSON object; any other text is wrapped", () => {
    const texts = ['  \n\t{"a":1}', '{"a":', "[1,2]", "plain output\n{", "", "   ", "\u00a0{}", '"{}"', "{}"];
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "go" }] },
      { role: "assistant", content: texts.map((_, i) => ({ type: "tool-call" as const, id: `c${i}`, name: `t${i}`, arguments: "{}" })) },
      { role: "tool", content: texts.map((text, i) => ({ type: "tool-result" as const, toolCallId: `c${i}`, content: [{ type: "text" as const, text }] })) },
    ];
    const responses = lowerGeminiContents(messages).contents[2]!.parts.map((part) => (part as { functionResponse: { response: unknown } }).functionResponse.response);
    expect(responses).toEqual([
      { a: 1 },
      { result: '{"a":' },
      { result: "[1,2]" },
      { result: "plain output\n{" },
      { result: "" },
      { result: "   " },
      { result: "\u00a0{}" },
      { result: '"{}"' },
      {},
    ]);
  });

  test("a tool result's texts are joined by newlines, its images follow it in order, and a result with no text is empty", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "go" }] },
      {
        role: "assistant",
        content: [
          { type: "tool-call", id: "c1", name: "shot", arguments: "{}" },
          { type: "tool-call", id: "c2", name: "pic", arguments: "{}" },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "c1",
            content: [
              { type: "text", text: "first" },
              { type: "image", mediaType: "image/png", data: "AAAA" },
              { type: "text", text: "second" },
              { type: "image", mediaType: "image/jpeg", data: "BBBB" },
              { type: "text", text: '{"not":"an object once joined"}' },
            ],
          },
          { type: "tool-result", toolCallId: "c2", content: [{ type: "image", mediaType: "image/gif", data: "CCCC" }] },
        ],
      },
    ];
    expect(lowerGeminiContents(messages).contents[2]).toEqual({
      role: "user",
      parts: [
        { functionResponse: { name: "shot", response: { result: 'first\nsecond\n{"not":"an object once joined"}' } } },
        { inlineData: { mimeType: "image/png", data: "AAAA" } },
        { inlineData: { mimeType: "image/jpeg", data: "BBBB" } },
        { functionResponse: { name: "pic", response: { result: "" } } },
        { inlineData: { mimeType: "image/gif", data: "CCCC" } },
      ],
    });
  });

  test("tool results become user functionResponse parts, named from the earlier call", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "go" }] },
      {
        role: "assistant",
        content: [
          { type: "tool-call", id: "c1", name: "get_weather", arguments: '{"city":"Paris"}', signature: { family: "gemini", value: "s" } },
          { type: "tool-call", id: "c2", name: "lookup", arguments: "{}" },
          { type: "tool-call", id: "c3", name: "fail", arguments: "{}" },
          { type: "tool-call", id: "c4", name: "screenshot", arguments: "{}" },
        ],
      },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "c1", content: [{ type: "text", text: '{"temperature":21}' }] },
          { type: "tool-result", toolCallId: "c2", name: "lookup", content: [{ type: "text", text: "[1,2]" }] },
        ],
      },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "c3", content: [{ type: "text", text: "boom" }], isError: true },
          {
            type: "tool-result",
            toolCallId: "c4",
            content: [
              { type: "text", text: "Here it is" },
              { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
            ],
          },
        ],
      },
      { role: "user", content: [{ type: "text", text: "thanks" }] },
    ];
    expect(lowerGeminiContents(messages).contents.slice(2)).toEqual([
      {
        role: "user",
        parts: [
          { functionResponse: { name: "get_weather", response: { temperature: 21 } } },
          { functionResponse: { name: "lookup", response: { result: "[1,2]" } } },
          { functionResponse: { name: "fail", response: { error: "boom" } } },
          { functionResponse: { name: "screenshot", response: { result: "Here it is" } } },
          { inlineData: { mimeType: "image/png", data: "iVBORw0KGgo=" } },
          { text: "thanks" },
        ],
      },
    ]);
  });
});
