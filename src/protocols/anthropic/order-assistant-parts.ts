import type { AssistantContent, Message } from "../../ir/request.ts";

// A generated image reads as part of the text (Anthropic has no image in assistant turns).
const rank: Record<AssistantContent["type"], number> = { reasoning: 0, text: 1, image: 1, "tool-call": 2 };

/**
 * Puts each assistant message's parts in the order upstreams expect them:
 * reasoning, then text, then tool calls, keeping the order within each kind.
 * A message already in that order (nearly every one) is kept as it is,
 * without sorting a copy of it to find out.
 */
export function orderAssistantParts(messages: readonly Message[]): Message[] {
  return messages.map(inPartOrder);
}

function inPartOrder(message: Message): Message {
  if (message.role !== "assistant" || isInOrder(message.content)) return message;
  const content = message.content.map((part, index) => ({ part, index }));
  content.sort((a, b) => rank[a.part.type] - rank[b.part.type] || a.index - b.index);
  return { role: "assistant", content: content.map((entry) => entry.part) };
}

function isInOrder(content: readonly AssistantContent[]): boolean {
  for (let index = 1; index < content.length; index++) {
    if (rank[content[index - 1]!.type] > rank[content[index]!.type]) return false;
  }
  return true;
}
