import { expect, test } from "bun:test";
import type { Message } from "../../ir/request.ts";
import { dropEmptyText } from "./drop-empty-text.ts";

test("drops empty, blank and '(no content)' text, keeps everything else", () => {
  const messages: Message[] = [
    { role: "system", content: [{ type: "text", text: "" }, { type: "text", text: "Be brief." }] },
    { role: "user", content: [{ type: "text", text: "  \n" }, { type: "image", url: "https://x/y.png" }] },
    {
      role: "assistant",
      content: [
        { type: "text", text: "(no content)" },
        { type: "tool-call", id: "t1", name: "f", arguments: "{}" },
      ],
    },
  ];
  expect(dropEmptyText(messages)).toEqual([
    { role: "system", content: [{ type: "text", text: "Be brief." }] },
    { role: "user", content: [{ type: "image", url: "https://x/y.png" }] },
    { role: "assistant", content: [{ type: "tool-call", id: "t1", name: "f", arguments: "{}" }] },
  ]);
});

test("a message left empty goes; tool results stay even when empty", () => {
  const tool: Message = { role: "tool", content: [{ type: "tool-result", toolCallId: "t1", content: [{ type: "text", text: "" }] }] };
  const messages: Message[] = [
    { role: "user", content: [{ type: "text", text: "hi" }] },
    { role: "assistant", content: [{ type: "text", text: "(no content)" }] },
    { role: "user", content: [] },
    tool,
  ];
  const cleaned = dropEmptyText(messages);
  expect(cleaned).toEqual([messages[0] as Message, tool]);
  expect(cleaned[0]).toBe(messages[0] as Message);
});

test("reasoning with empty text is not text", () => {
  const messages: Message[] = [{ role: "assistant", content: [{ type: "reasoning", text: "", redacted: true, signature: { family: "anthropic", value: "d" } }] }];
  expect(dropEmptyText(messages)).toEqual(messages);
});
