import type { Message, ToolResultPart } from "../../ir/request.ts";

export const INTERRUPTED_TOOL_RESULT = "Tool call was interrupted before it returned a result.";

/**
 * Gives every tool call that no later tool result answers (the user stopped
 * it, or the client lost it) a synthetic error result right after its
 * assistant message, appended to the tool message already there or in a new
 * one: upstreams reject a call without its response.
 */
export function addInterruptedToolResults(messages: readonly Message[]): Message[] {
  const answered = new Set<string>();
  for (const message of messages) {
    if (message.role === "tool") for (const result of message.content) answered.add(result.toolCallId);
  }
  const completed: Message[] = [];
  for (let index = 0; index < messages.length; index++) {
    const message = messages[index] as Message;
    completed.push(message);
    if (message.role !== "assistant") continue;
    const missing: ToolResultPart[] = [];
    for (const part of message.content) {
      if (part.type !== "tool-call" || answered.has(part.id)) continue;
      missing.push({
        type: "tool-result",
        toolCallId: part.id,
        name: part.name,
        content: [{ type: "text", text: INTERRUPTED_TOOL_RESULT }],
        isError: true,
      });
    }
    if (missing.length === 0) continue;
    const next = messages[index + 1];
    if (next?.role === "tool") {
      completed.push({ role: "tool", content: [...next.content, ...missing] });
      index++;
    } else completed.push({ role: "tool", content: missing });
  }
  return completed;
}
