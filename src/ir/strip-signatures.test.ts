import { expect, test } from "bun:test";
import type { ChatRequest } from "./request.ts";
import { hasSignatures, stripSignatures } from "./strip-signatures.ts";

const signed: ChatRequest = {
  model: "m",
  stream: false,
  messages: [
    { role: "user", content: [{ type: "text", text: "hi" }] },
    {
      role: "assistant",
      content: [
        { type: "reasoning", text: "thinking", signature: { family: "gemini", value: "s1" } },
        { type: "text", text: "calling" },
        { type: "tool-call", id: "c1", name: "f", arguments: "{}", signature: { family: "gemini", value: "s2" } },
      ],
    },
    { role: "tool", content: [{ type: "tool-result", toolCallId: "c1", content: [{ type: "text", text: "ok" }] }] },
  ],
};

test("stripSignatures drops reasoning and call signatures, keeps everything else", () => {
  const stripped = stripSignatures(signed);
  expect(stripped.messages[1]).toEqual({
    role: "assistant",
    content: [
      { type: "text", text: "calling" },
      { type: "tool-call", id: "c1", name: "f", arguments: "{}" },
    ],
  });
  expect(stripped.messages[0]).toBe(signed.messages[0]!);
  expect(stripped.messages[2]).toBe(signed.messages[2]!);
  expect(hasSignatures(signed)).toBe(true);
  expect(hasSignatures(stripped)).toBe(false);
  // The original is untouched.
  expect(hasSignatures(signed)).toBe(true);
});
