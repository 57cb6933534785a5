import { describe, expect, test } from "bun:test";
import { decodeAssistantMessage, legacyCallId } from "./decode-assistant-message.ts";

describe("decodeAssistantMessage", () => {
  test("reasoning, text, tool calls and a legacy function call, in that order", () => {
    expect(
      decodeAssistantMessage(
        {
          role: "assistant",
          content: "Calling.",
          reasoning_content: "Need data.",
          tool_calls: [
            {
              id: "call_1",
              type: "function",
              function: { name: "f", arguments: "{}" },
              extra_content: { google: { thought_signature: "sig" } },
            },
          ],
          function_call: { name: "g", arguments: '{"x":1}' },
        },
        7,
      ),
    ).toStrictEqual({
      role: "assistant",
      content: [
        { type: "reasoning", text: "Need data." },
        { type: "text", text: "Calling." },
        { type: "tool-call", id: "call_1", name: "f", arguments: "{}", signature: { family: "gemini", value: "sig" } },
        { type: "tool-call", id: "call_legacy_7", name: "g", arguments: '{"x":1}' },
      ],
    });
  });

  test("empty reasoning and an empty google object add nothing", () => {
    expect(
      decodeAssistantMessage(
        {
          role: "assistant",
          content: "",
          reasoning_content: "",
          tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "" }, extra_content: { google: null } }],
        },
        0,
      ),
    ).toStrictEqual({ role: "assistant", content: [{ type: "tool-call", id: "c", name: "f", arguments: "" }] });
  });

  test("legacy call ids follow the message index", () => {
    expect(legacyCallId(3)).toBe("call_legacy_3");
  });
});
