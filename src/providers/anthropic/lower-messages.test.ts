import { describe, expect, test } from "bun:test";
import type { Message } from "../../ir/request.ts";
import { lowerAnthropicMessages, parseArguments } from "./lower-messages.ts";
import { lowerFile, lowerImage, splitDataUrl } from "./lower-media.ts";

describe("lowerAnthropicMessages", () => {
  test("system messages, wherever they stand, fold into the system array in order", () => {
    const messages: Message[] = [
      { role: "system", content: [{ type: "text", text: "Be brief." }, { type: "text", text: "" }] },
      { role: "user", content: [{ type: "text", text: "Hi" }] },
      { role: "assistant", content: [{ type: "text", text: "Hello!" }] },
      { role: "system", content: [{ type: "text", text: "Now answer in French." }] },
      { role: "user", content: [{ type: "text", text: "How are you?" }] },
    ];
    expect(lowerAnthropicMessages(messages)).toEqual({
      system: [
        { type: "text", text: "Be brief." },
        { type: "text", text: "Now answer in French." },
      ],
      messages: [
        { role: "user", content: [{ type: "text", text: "Hi" }] },
        { role: "assistant", content: [{ type: "text", text: "Hello!" }] },
        { role: "user", content: [{ type: "text", text: "How are you?" }] },
      ],
    });
  });

  test("assistant turns: Anthropic thinking kept with its signature, redacted thinking as data, other families dropped", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "Weather in Paris?" }] },
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "Let me think.", signature: { family: "anthropic", value: "EqQBCgIYAh" } },
          { type: "reasoning", text: "", redacted: true, signature: { family: "anthropic", value: "EmwKAhgB" } },
          { type: "reasoning", text: "Gemini's thought", signature: { family: "gemini", value: "sig-g" } },
          { type: "reasoning", text: "unsigned thought" },
          { type: "reasoning", text: "", redacted: true, signature: { family: "openai", value: "gAAAA" } },
          { type: "text", text: "Let me check." },
          { type: "text", text: "" },
          { type: "tool-call", id: "toolu_1", name: "get_weather", arguments: '{"city":"Paris"}' },
          { type: "tool-call", id: "toolu_2", name: "get_time", arguments: "not json" },
        ],
      },
    ];
    expect(lowerAnthropicMessages(messages).messages[1]).toEqual({
      role: "assistant",
      content: [
        { type: "thinking", thinking: "Let me think.", signature: "EqQBCgIYAh" },
        { type: "redacted_thinking", data: "EmwKAhgB" },
        { type: "text", text: "Let me check." },
        { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
        { type: "tool_use", id: "toolu_2", name: "get_time", input: {} },
      ],
    });
  });

  test("tool results become one user message with the next user text, results first", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "Weather and time?" }] },
      {
        role: "assistant",
        content: [
          { type: "tool-call", id: "toolu_1", name: "get_weather", arguments: "{}" },
          { type: "tool-call", id: "toolu_2", name: "get_time", arguments: "{}" },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "toolu_1",
            content: [
              { type: "text", text: "21°C" },
              { type: "image", mediaType: "image/png", data: "iVBORw0K" },
            ],
          },
        ],
      },
      { role: "user", content: [{ type: "text", text: "Also, hurry." }] },
      { role: "tool", content: [{ type: "tool-result", toolCallId: "toolu_2", content: [], isError: true }] },
    ];
    expect(lowerAnthropicMessages(messages).messages).toEqual([
      { role: "user", content: [{ type: "text", text: "Weather and time?" }] },
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "toolu_1", name: "get_weather", input: {} },
          { type: "tool_use", id: "toolu_2", name: "get_time", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          {
            type: "tool_result",
            tool_use_id: "toolu_1",
            content: [
              { type: "text", text: "21°C" },
              { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0K" } },
            ],
          },
          { type: "tool_result", tool_use_id: "toolu_2", is_error: true },
          { type: "text", text: "Also, hurry." },
        ],
      },
    ]);
  });

  test("consecutive same-role messages merge; empty ones disappear", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "One" }] },
      { role: "user", content: [{ type: "text", text: "" }] },
      { role: "user", content: [{ type: "text", text: "Two" }] },
      { role: "assistant", content: [{ type: "reasoning", text: "dropped", signature: { family: "gemini", value: "g" } }] },
      { role: "assistant", content: [{ type: "text", text: "A" }] },
      { role: "assistant", content: [{ type: "text", text: "B" }] },
    ];
    expect(lowerAnthropicMessages(messages).messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "One" },
          { type: "text", text: "Two" },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "text", text: "A" },
          { type: "text", text: "B" },
        ],
      },
    ]);
  });
});

describe("media", () => {
  test("images: base64 (raw or data URL, media type sniffed when missing) or a URL", () => {
    expect(lowerImage({ type: "image", data: "data:image/webp;base64,UklGRabc" })).toEqual([
      { type: "image", source: { type: "base64", media_type: "image/webp", data: "UklGRabc" } },
    ]);
    expect(lowerImage({ type: "image", data: "R0lGODlh" })).toEqual([
      { type: "image", source: { type: "base64", media_type: "image/gif", data: "R0lGODlh" } },
    ]);
    expect(lowerImage({ type: "image", url: "data:image/png;base64,iVBOR" })).toEqual([
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBOR" } },
    ]);
    expect(lowerImage({ type: "image", url: "https://example.com/cat.jpg" })).toEqual([
      { type: "image", source: { type: "url", url: "https://example.com/cat.jpg" } },
    ]);
    expect(lowerImage({ type: "image" })).toEqual([]);
  });

  test("files: PDFs as documents (inline or URL, titled), text as a text source, images as images, others dropped", () => {
    expect(lowerFile({ type: "file", mediaType: "application/pdf", data: "JVBERi0xLjcK", filename: "report.pdf" })).toEqual([
      { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBERi0xLjcK" }, title: "report.pdf" },
    ]);
    expect(lowerFile({ type: "file", mediaType: "application/pdf", url: "https://example.com/a.pdf" })).toEqual([
      { type: "document", source: { type: "url", url: "https://example.com/a.pdf" } },
    ]);
    const text = Buffer.from("The grass is green.").toString("base64");
    expect(lowerFile({ type: "file", mediaType: "text/plain", data: text })).toEqual([
      { type: "document", source: { type: "text", media_type: "text/plain", data: "The grass is green." } },
    ]);
    expect(lowerFile({ type: "file", mediaType: "image/png", data: "iVBOR" })).toEqual([
      { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBOR" } },
    ]);
    expect(lowerFile({ type: "file", mediaType: "audio/wav", data: "UklGR" })).toEqual([]);
  });

  test("splitDataUrl accepts both forms", () => {
    expect(splitDataUrl("data:application/pdf;base64,JVBE")).toEqual({ mediaType: "application/pdf", data: "JVBE" });
    expect(splitDataUrl("JVBE")).toEqual({ data: "JVBE" });
  });
});

test("parseArguments: an object, or {} for anything else", () => {
  expect(parseArguments('{"a":1}')).toEqual({ a: 1 });
  expect(parseArguments("")).toEqual({});
  expect(parseArguments("[1]")).toEqual({});
  expect(parseArguments("{oops")).toEqual({});
});
