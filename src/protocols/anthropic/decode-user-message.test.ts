import { describe, expect, test } from "bun:test";
import { decodeUserMessage } from "./decode-user-message.ts";

type Content = Parameters<typeof decodeUserMessage>[0]["content"];
const decode = (content: Content, names: Array<[string, string]> = []) =>
  decodeUserMessage({ role: "user", content }, new Map(names));

describe("decodeUserMessage", () => {
  test("a string is one text part", () => {
    expect(decode("hi")).toEqual([{ role: "user", content: [{ type: "text", text: "hi" }] }]);
  });

  test("tool results go first, in a tool message, named after their call", () => {
    expect(
      decode(
        [
          { type: "text", text: "Here are the results." },
          { type: "tool_result", tool_use_id: "t1", content: "15 degrees" },
          { type: "tool_result", tool_use_id: "t2", content: "not found", is_error: true },
        ],
        [["t1", "get_weather"]],
      ),
    ).toEqual([
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "t1", name: "get_weather", content: [{ type: "text", text: "15 degrees" }] },
          { type: "tool-result", toolCallId: "t2", content: [{ type: "text", text: "not found" }], isError: true },
        ],
      },
      { role: "user", content: [{ type: "text", text: "Here are the results." }] },
    ]);
  });

  test("result blocks: text and images kept, other blocks dropped; no content is an empty result", () => {
    const content = [
      {
        type: "tool_result",
        tool_use_id: "t1",
        content: [
          { type: "text", text: "screenshot:" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          { type: "search_result", source: "https://x", title: "x", content: [] },
        ],
        is_error: false,
      },
      { type: "tool_result", tool_use_id: "t2" },
    ] as Content;
    expect(decode(content)).toEqual([
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "t1",
            content: [
              { type: "text", text: "screenshot:" },
              { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
            ],
          },
          { type: "tool-result", toolCallId: "t2", content: [] },
        ],
      },
    ]);
  });

  test("document with a content source and a title", () => {
    expect(
      decode([
        {
          type: "document",
          source: { type: "content", content: [{ type: "text", text: "First chunk" }, { type: "text", text: "Second chunk" }] },
        },
        { type: "document", source: { type: "base64", media_type: "application/pdf", data: "JVBE" }, title: "report.pdf" },
        { type: "document", source: { type: "content", content: "Just text" } },
      ]),
    ).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "First chunk" },
          { type: "text", text: "Second chunk" },
          { type: "file", mediaType: "application/pdf", data: "JVBE", filename: "report.pdf" },
          { type: "text", text: "Just text" },
        ],
      },
    ]);
  });

  test("unknown blocks are dropped", () => {
    const content = [{ type: "container_upload", file_id: "f" }, { type: "text", text: "x" }] as Content;
    expect(decode(content)).toEqual([{ role: "user", content: [{ type: "text", text: "x" }] }]);
  });
});
