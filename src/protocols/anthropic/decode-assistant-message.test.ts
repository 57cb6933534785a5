import { describe, expect, test } from "bun:test";
import { decodeAssistantMessage } from "./decode-assistant-message.ts";

type Content = Parameters<typeof decodeAssistantMessage>[0]["content"];
const decode = (content: Content) => decodeAssistantMessage({ role: "assistant", content }).content;

describe("decodeAssistantMessage", () => {
  test("a string is one text part", () => {
    expect(decode("Hello")).toEqual([{ type: "text", text: "Hello" }]);
  });

  test("tool_use input becomes JSON text; a missing input is {}", () => {
    expect(
      decode([
        { type: "tool_use", id: "t1", name: "Read", input: { file_path: "/a", limit: 2 } },
        { type: "tool_use", id: "t2", name: "Now" },
      ]),
    ).toEqual([
      { type: "tool-call", id: "t1", name: "Read", arguments: '{"file_path":"/a","limit":2}' },
      { type: "tool-call", id: "t2", name: "Now", arguments: "{}" },
    ]);
  });

  test("a thinking block signed for its own text keeps a decoded signature", () => {
    expect(
      decode([
        { type: "thinking", thinking: "Gemini thought", signature: "agw1.gemini.t.Q2lRQg==" },
        { type: "thinking", thinking: "Claude thought", signature: "EqQBCgIY" },
        { type: "thinking", thinking: "unsigned", signature: "" },
        { type: "thinking", thinking: "no signature field" },
      ]),
    ).toEqual([
      { type: "reasoning", text: "Gemini thought", signature: { family: "gemini", value: "Q2lRQg==" } },
      { type: "reasoning", text: "Claude thought", signature: { family: "anthropic", value: "EqQBCgIY" } },
      { type: "reasoning", text: "unsigned" },
      { type: "reasoning", text: "no signature field" },
    ]);
  });

  test("a thinking block signed for a call moves its signature to the next tool_use and goes", () => {
    expect(
      decode([
        { type: "text", text: "Let me look." },
        { type: "thinking", thinking: "", signature: "agw1.gemini.c.c2lnMQ==" },
        { type: "tool_use", id: "t1", name: "Read", input: {} },
        { type: "tool_use", id: "t2", name: "Grep", input: {} },
        { type: "thinking", thinking: "", signature: "agw1.gemini.c.c2lnMg==" },
        { type: "tool_use", id: "t3", name: "Glob", input: {} },
      ]),
    ).toEqual([
      { type: "text", text: "Let me look." },
      { type: "tool-call", id: "t1", name: "Read", arguments: "{}", signature: { family: "gemini", value: "c2lnMQ==" } },
      { type: "tool-call", id: "t2", name: "Grep", arguments: "{}" },
      { type: "tool-call", id: "t3", name: "Glob", arguments: "{}", signature: { family: "gemini", value: "c2lnMg==" } },
    ]);
  });

  test("a call signature with no call after it is dropped", () => {
    expect(decode([{ type: "text", text: "x" }, { type: "thinking", thinking: "", signature: "agw1.gemini.c.s" }])).toEqual([
      { type: "text", text: "x" },
    ]);
  });

  test("malformed agw signatures are no signature; thinking with neither text nor signature goes", () => {
    expect(
      decode([
        { type: "thinking", thinking: "kept", signature: "agw1.nobody.t.x" },
        { type: "thinking", thinking: "", signature: "agw1.gemini" },
        { type: "thinking", thinking: "", signature: null },
      ]),
    ).toEqual([{ type: "reasoning", text: "kept" }]);
  });

  test("redacted thinking: data as the signature, tagged data decoded", () => {
    expect(
      decode([
        { type: "redacted_thinking", data: "EmwKAhgB" },
        { type: "redacted_thinking", data: "agw1.openai.t.gAAAAB" },
        { type: "redacted_thinking", data: "" },
      ]),
    ).toEqual([
      { type: "reasoning", text: "", redacted: true, signature: { family: "anthropic", value: "EmwKAhgB" } },
      { type: "reasoning", text: "", redacted: true, signature: { family: "openai", value: "gAAAAB" } },
    ]);
  });

  test("server tool blocks and unknown blocks are dropped", () => {
    const content = [
      { type: "server_tool_use", id: "srvtoolu_1", name: "web_search", input: { query: "q" } },
      { type: "web_search_tool_result", tool_use_id: "srvtoolu_1", content: [] },
      { type: "text", text: "answer" },
      { type: "some_future_block" },
    ] as Content;
    expect(decode(content)).toEqual([{ type: "text", text: "answer" }]);
  });
});

test("what agw sends for Gemini 3 comes back to where it was: x to the text before it, c to the next call, unsigned to none", () => {
  expect(
    decodeAssistantMessage({
      role: "assistant",
      content: [
        { type: "thinking", thinking: "Counting.", signature: "agw1.unsigned" },
        { type: "text", text: "There are three." },
        { type: "thinking", thinking: "", signature: "agw1.gemini.x.EqsF" },
      ],
    } as never),
  ).toEqual({
    role: "assistant",
    content: [
      { type: "reasoning", text: "Counting." },
      { type: "text", text: "There are three.", signature: { family: "gemini", value: "EqsF" } },
    ],
  });
  expect(
    decodeAssistantMessage({
      role: "assistant",
      content: [
        { type: "thinking", thinking: "I should read it.", signature: "agw1.gemini.c.EsgB" },
        { type: "tool_use", id: "c1", name: "Read", input: {} },
      ],
    } as never),
  ).toEqual({
    role: "assistant",
    content: [
      { type: "reasoning", text: "I should read it." },
      { type: "tool-call", id: "c1", name: "Read", arguments: "{}", signature: { family: "gemini", value: "EsgB" } },
    ],
  });
});
