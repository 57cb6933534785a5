import { expect, test } from "bun:test";
import type { Message } from "../../ir/request.ts";
import { mergeSameRole } from "./merge-same-role.ts";

const text = (value: string) => ({ type: "text" as const, text: value });

test("consecutive messages of one role become one, content in order", () => {
  const messages: Message[] = [
    { role: "system", content: [text("a")] },
    { role: "system", content: [text("b")] },
    { role: "user", content: [text("c")] },
    { role: "user", content: [text("d")] },
    { role: "assistant", content: [text("e")] },
    { role: "assistant", content: [{ type: "tool-call", id: "t", name: "f", arguments: "{}" }] },
    { role: "tool", content: [{ type: "tool-result", toolCallId: "t", content: [] }] },
    { role: "tool", content: [{ type: "tool-result", toolCallId: "u", content: [] }] },
    { role: "user", content: [text("f")] },
  ];
  expect(mergeSameRole(messages)).toEqual([
    { role: "system", content: [text("a"), text("b")] },
    { role: "user", content: [text("c"), text("d")] },
    { role: "assistant", content: [text("e"), { type: "tool-call", id: "t", name: "f", arguments: "{}" }] },
    {
      role: "tool",
      content: [
        { type: "tool-result", toolCallId: "t", content: [] },
        { type: "tool-result", toolCallId: "u", content: [] },
      ],
    },
    { role: "user", content: [text("f")] },
  ]);
});

test("alternating messages are untouched, and the input is not mutated", () => {
  const messages: Message[] = [
    { role: "user", content: [text("a")] },
    { role: "assistant", content: [text("b")] },
    { role: "user", content: [text("c")] },
  ];
  const copy = structuredClone(messages);
  expect(mergeSameRole(messages)).toEqual(copy);
  mergeSameRole([...messages, { role: "user", content: [text("d")] }]);
  expect(messages).toEqual(copy);
});
