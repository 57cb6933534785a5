import { expect, test } from "bun:test";
import type { Message } from "../../ir/request.ts";
import { orderAssistantParts } from "./order-assistant-parts.ts";

test("reasoning, then text, then tool calls, stable within each kind", () => {
  const messages: Message[] = [
    {
      role: "assistant",
      content: [
        { type: "text", text: "t1" },
        { type: "tool-call", id: "c1", name: "f", arguments: "{}" },
        { type: "reasoning", text: "r1" },
        { type: "text", text: "t2" },
        { type: "tool-call", id: "c2", name: "g", arguments: "{}" },
        { type: "reasoning", text: "r2" },
      ],
    },
  ];
  expect(orderAssistantParts(messages)).toEqual([
    {
      role: "assistant",
      content: [
        { type: "reasoning", text: "r1" },
        { type: "reasoning", text: "r2" },
        { type: "text", text: "t1" },
        { type: "text", text: "t2" },
        { type: "tool-call", id: "c1", name: "f", arguments: "{}" },
        { type: "tool-call", id: "c2", name: "g", arguments: "{}" },
      ],
    },
  ]);
});

test("ordered messages and other roles are returned as they are", () => {
  const assistant: Message = { role: "assistant", content: [{ type: "reasoning", text: "r" }, { type: "text", text: "t" }] };
  const user: Message = { role: "user", content: [{ type: "image", url: "u" }, { type: "text", text: "t" }] };
  const ordered = orderAssistantParts([user, assistant]);
  expect(ordered[0]).toBe(user);
  expect(ordered[1]).toBe(assistant);
});
