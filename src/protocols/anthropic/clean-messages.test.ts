import { expect, test } from "bun:test";
import type { Message } from "../../ir/request.ts";
import { INTERRUPTED_TOOL_RESULT } from "./add-interrupted-tool-results.ts";
import { cleanMessages } from "./clean-messages.ts";

test("the steps run together: an orphan result merges into the user turn, merged turns are ordered and paired", () => {
  const messages: Message[] = [
    { role: "system", content: [{ type: "text", text: "sys" }] },
    { role: "user", content: [{ type: "text", text: "(no content)" }] },
    { role: "user", content: [{ type: "text", text: "hi" }] },
    { role: "assistant", content: [{ type: "tool-call", id: "c1", name: "f", arguments: "{}" }] },
    { role: "assistant", content: [{ type: "reasoning", text: "hmm" }] },
    { role: "tool", content: [{ type: "tool-result", toolCallId: "gone", content: [{ type: "text", text: "old" }] }] },
    { role: "user", content: [{ type: "text", text: "next" }] },
  ];
  expect(cleanMessages(messages)).toEqual([
    { role: "system", content: [{ type: "text", text: "sys" }] },
    { role: "user", content: [{ type: "text", text: "hi" }] },
    {
      role: "assistant",
      content: [
        { type: "reasoning", text: "hmm" },
        { type: "tool-call", id: "c1", name: "f", arguments: "{}" },
      ],
    },
    {
      role: "tool",
      content: [
        { type: "tool-result", toolCallId: "c1", name: "f", content: [{ type: "text", text: INTERRUPTED_TOOL_RESULT }], isError: true },
      ],
    },
    {
      role: "user",
      content: [
        { type: "text", text: "Tool result for call gone:" },
        { type: "text", text: "old" },
        { type: "text", text: "next" },
      ],
    },
  ]);
});
