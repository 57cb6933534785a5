import { expect, test } from "bun:test";
import type { Message } from "../../ir/request.ts";
import { convertOrphanToolResults } from "./convert-orphan-tool-results.ts";

test("a result without an earlier call becomes user content where it was", () => {
  const messages: Message[] = [
    { role: "user", content: [{ type: "text", text: "hi" }] },
    {
      role: "tool",
      content: [
        {
          type: "tool-result",
          toolCallId: "lost",
          content: [{ type: "text", text: "42" }, { type: "image", mediaType: "image/png", data: "iVBO" }],
        },
      ],
    },
    { role: "user", content: [{ type: "text", text: "go on" }] },
  ];
  expect(convertOrphanToolResults(messages)).toEqual([
    messages[0] as Message,
    {
      role: "user",
      content: [
        { type: "text", text: "Tool result for call lost:" },
        { type: "text", text: "42" },
        { type: "image", mediaType: "image/png", data: "iVBO" },
      ],
    },
    messages[2] as Message,
  ]);
});

test("answered results stay in the tool message; an orphan error says so", () => {
  const call: Message = { role: "assistant", content: [{ type: "tool-call", id: "c1", name: "f", arguments: "{}" }] };
  const answered = { type: "tool-result" as const, toolCallId: "c1", name: "f", content: [{ type: "text" as const, text: "ok" }] };
  const orphan = { type: "tool-result" as const, toolCallId: "c0", content: [{ type: "text" as const, text: "boom" }], isError: true };
  expect(convertOrphanToolResults([call, { role: "tool", content: [answered, orphan] }])).toEqual([
    call,
    { role: "tool", content: [answered] },
    { role: "user", content: [{ type: "text", text: "Tool error for call c0:" }, { type: "text", text: "boom" }] },
  ]);
});

test("a call made after the result does not count", () => {
  const messages: Message[] = [
    { role: "tool", content: [{ type: "tool-result", toolCallId: "c1", content: [] }] },
    { role: "assistant", content: [{ type: "tool-call", id: "c1", name: "f", arguments: "{}" }] },
  ];
  expect(convertOrphanToolResults(messages)[0]).toEqual({ role: "user", content: [{ type: "text", text: "Tool result for call c1:" }] });
});

test("a conversation with every result answered is returned as it is", () => {
  const messages: Message[] = [
    { role: "assistant", content: [{ type: "tool-call", id: "c1", name: "f", arguments: "{}" }] },
    { role: "tool", content: [{ type: "tool-result", toolCallId: "c1", content: [] }] },
  ];
  const converted = convertOrphanToolResults(messages);
  expect(converted[1]).toBe(messages[1] as Message);
});
