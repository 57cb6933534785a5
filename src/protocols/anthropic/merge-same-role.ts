import type { Message } from "../../ir/request.ts";

/**
 * Merges consecutive messages of the same role into one, content in order:
 * Anthropic allows `user, user`, most upstreams require turns to alternate.
 */
export function mergeSameRole(messages: readonly Message[]): Message[] {
  const merged: Message[] = [];
  for (const message of messages) {
    const last = merged.at(-1);
    if (last?.role === message.role) {
      merged[merged.length - 1] = { role: last.role, content: [...last.content, ...message.content] } as Message;
    } else merged.push(message);
  }
  return merged;
}
