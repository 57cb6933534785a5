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
    const content = (message.content as Array<{ type: string; text?: string }>).filter(
      (part) => part.type !== "text" || !isEmptyText(part.text ?? ""),
    );
    if (content.length === 0) continue;
    kept.push(content.length === message.content.length ? message : ({ ...message, content } as Message));
  }
  return kept;
}

function isEmptyText(text: string): boolean {
  const trimmed = text.trim();
  return trimmed === "" || trimmed === NO_CONTENT;
}
