import type { Message } from "../../ir/request.ts";

/** What Claude Code writes into a turn that had nothing to say. */
const NO_CONTENT = "(no content)";

/**
 * Drops text parts with nothing in them (empty, blank, or Claude Code's
 * "(no content)" placeholder), which upstreams reject, and the messages left
 * empty by it. Tool results are left alone: an empty result is still an answer.
 */
export function dropEmptyText(messages: readonly Message[]): Message[] {
  const kept: Message[] = [];
  for (const message of messages) {
    if (message.role === "tool") {
      kept.push(message);
      continue;
    }
    const parts = message.content as Array<{ type: string; text?: string }>;
    // Most messages lose nothing: they are kept as they are, without a filtered copy.
    if (parts.length > 0 && parts.every(isKept)) {
      kept.push(message);
      continue;
    }
    const content = parts.filter(isKept);
    if (content.length > 0) kept.push({ ...message, content } as Message);
  }
  return kept;
}

function isKept(part: { type: string; text?: string }): boolean {
  return part.type !== "text" || !isEmptyText(part.text ?? "");
}

function isEmptyText(text: string): boolean {
  const trimmed = text.trim();
  return trimmed === "" || trimmed === NO_CONTENT;
}
