import type { ChatRequest, Message } from "../ir/request.ts";

const WARMUP = "Warmup";

function startsWarmup(text: string): boolean {
  return text === WARMUP || text.startsWith(`${WARMUP}\n`);
}

function lastText(message: Message): string | undefined {
  for (let index = message.content.length - 1; index >= 0; index--) {
    const part = message.content[index]!;
    if (part.type === "text") return part.text;
  }
  return undefined;
}

/**
 * Claude Code versions that warm up send a request whose last user content
 * is the text `Warmup` (or starts with `Warmup` and a newline), or an
 * erroring tool result starting with `Warmup`. Such a request needs no model.
 */
export function isWarmupRequest(request: ChatRequest): boolean {
  const last = request.messages.at(-1);
  if (last === undefined) return false;
  if (last.role === "user") {
    const text = lastText(last);
    return text !== undefined && startsWarmup(text.trim());
  }
  if (last.role === "tool") {
    return last.content.some(
      (result) => result.isError === true && result.content.some((part) => part.type === "text" && part.text.startsWith(WARMUP)),
    );
  }
  return false;
}
