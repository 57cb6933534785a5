import type { ChatRequest } from "../ir/request.ts";

/**
 * The key sticky scheduling binds to an account: the client's own session
 * id (`x-session-id`), else the conversation or user id it sent
 * (`metadata.user_id`, `prompt_cache_key`, `user`), else a hash of the
 * system prompt and the first user message, which stay the same for the
 * whole conversation.
 */
export function conversationKey(request: ChatRequest, headers: Headers): string {
  const session = headers.get("x-session-id");
  if (session) return `session:${session}`;
  if (request.user) return `user:${request.user}`;
  let text = "";
  for (const message of request.messages) {
    if (message.role === "system") {
      for (const part of message.content) text += part.text;
    } else if (message.role === "user") {
      for (const part of message.content) if (part.type === "text") text += `\u0000${part.text}`;
      break;
    }
  }
  return `hash:${Bun.hash(text).toString(36)}`;
}
