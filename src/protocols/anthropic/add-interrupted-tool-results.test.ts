import { expect, test } from "bun:test";
import type { Message } from "../../ir/request.ts";
import { INTERRUPTED_TOOL_RESULT, addInterruptedToolResults } from "./add-interrupted-tool-results.ts";

const interrupted = (id: string, name: string) => ({
  type: "tool-result" as const,
  toolCallId: id,
  name,
  content: [{ type: "text" as const, text: INTERRUPTED_TOOL_RESULT }],
  isError: true,
});

test("a call without a result gets a synthetic error result right after its message", () => {
  const call: Message = { role: "assistant", content: [{ type: "tool-call", id: "c1", name: "Bash", arguments: "{}" }] };
  const next: Message = { role: "user", content: [{ type: "text", text: "never mind" }] };
  expect(addInterruptedToolResults([call, next])).toEqual([call, { role: "tool", content: [interrupted("c1", "Bash")] }, next]);
  expect(INTERRUPTED_TOOL_RESULT).toBe("Tool call was interrupted before it returned a result.");
});

test("missing results join the tool message that answers the others", () => {
  const call: Message = {
    role: "assistant",
    content: [
      { type: "text", text: "two calls" },
      { type: "tool-call", id: "c1", name: "Read", arguments: "{}" },
      { type: "tool-call", id: "c2", name: "Grep", arguments: "{}" },
    ],
  };
  const answer = { type: "tool-result" as const, toolCallId: "c1", name: "Read", content: [] };
  expect(addInterruptedToolResults([call, { role: "tool", content: [answer] }])).toEqual([
    call,
    { role: "tool", content: [answer, interrupted("c2", "Grep")] },
  ]);
});

test("a result later in the conversation counts; the last turn's calls are answered too", () => {
  const messages: Message[] = [
    { role: "assistant", content: [{ type: "tool-call", id: "c1", name: "f", arguments: "{}" }] },
    { role: "user", content: [{ type: "text", text: "wait" }] },
    { role: "tool", content: [{ type: "tool-result", toolCallId: "c1", content: [] }] },
    { role: "assistant", content: [{ type: "tool-call", id: "c2", name: "g", arguments: "{}" }] },
  ];
  expect(addInterruptedToolResults(messages)).toEqual([...messages, { role: "tool", content: [interrupted("c2", "g")] }]);
});
