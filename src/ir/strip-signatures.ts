import type { AssistantContent, ChatRequest, Message } from "./request.ts";

/** Whether any reasoning or tool call in the history carries a signature. */
export function hasSignatures(request: ChatRequest): boolean {
  for (const message of request.messages) {
    if (message.role !== "assistant") continue;
    for (const part of message.content) if (part.type !== "text" && part.signature !== undefined) return true;
  }
  return false;
}

/**
 * The request with every reasoning part and every signature removed from the
 * history: what is retried once when an upstream refuses a signature, so a
 * conversation can go on instead of failing on its past.
 */
export function stripSignatures(request: ChatRequest): ChatRequest {
  const messages: Message[] = request.messages.map((message) => {
    if (message.role !== "assistant") return message;
    const content: AssistantContent[] = [];
    for (const part of message.content) {
      if (part.type === "reasoning") continue;
      if ((part.type === "tool-call" || part.type === "image") && part.signature !== undefined) {
        const { signature: _signature, ...unsigned } = part;
        content.push(unsigned);
      } else content.push(part);
    }
    return { role: "assistant", content };
  });
  return { ...request, messages };
}
