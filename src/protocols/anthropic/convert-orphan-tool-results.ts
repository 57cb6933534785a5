import type { Message, ToolResultPart, UserContent } from "../../ir/request.ts";

/**
 * A tool result that answers no earlier tool call (its call was cut from the
 * history, or the client compacted it away) becomes plain user content right
 * where it was: upstreams reject a function response without its call, and
 * the model should still see what the tool said.
 */
export function convertOrphanToolResults(messages: readonly Message[]): Message[] {
  const calls = new Set<string>();
  const converted: Message[] = [];
  for (const message of messages) {
    if (message.role === "assistant") {
      for (const part of message.content) if (part.type === "tool-call") calls.add(part.id);
      converted.push(message);
      continue;
    }
    if (message.role !== "tool") {
      converted.push(message);
      continue;
    }
    // Nearly always every result has its call: the message is kept as it is.
    if (allAnswered(message.content, calls)) {
      converted.push(message);
      continue;
    }
    const answered = message.content.filter((result) => calls.has(result.toolCallId));
    const orphans = message.content.filter((result) => !calls.has(result.toolCallId));
    if (answered.length > 0) converted.push({ role: "tool", content: answered });
    converted.push({ role: "user", content: orphans.flatMap(asUserContent) });
  }
  return converted;
}

function allAnswered(results: readonly ToolResultPart[], calls: ReadonlySet<string>): boolean {
  for (const result of results) if (!calls.has(result.toolCallId)) return false;
  return true;
}

function asUserContent(result: ToolResultPart): UserContent[] {
  const heading = `${result.isError ? "Tool error" : "Tool result"} for call ${result.toolCallId}:`;
  return [{ type: "text", text: heading }, ...result.content];
}
