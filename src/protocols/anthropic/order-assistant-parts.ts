import type { AssistantContent, Message } from "../../ir/request.ts";

// A generated image reads as part of the text (Anthropic has no image in assistant turns).
const rank: Record<AssistantContent["type"], number> = { reasoning: 0, text: 1, image: 1, "tool-call": 2 };

/**
 * Puts each assistant message's parts in the order upstreams expect them:
 * reasoning, then text, then tool calls, keeping the order within each kind.
 */
export function orderAssistantParts(messages: readonly Message[]): Message[] {
  return messages.map((message) => {
    if (message.role !== "assistant") return message;
    const content = message.content.map((part, index) => ({ part, index }));
    content.sort((a, b) => rank[a.part.type] - rank[b.part.type] || a.index - b.index);
    if (content.every((entry, index) => entry.index === index)) return message;
    return { role: "assistant", content: content.map((entry) => entry.part) };
  });
}
