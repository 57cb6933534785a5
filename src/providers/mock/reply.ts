import type { ChatRequest, Message } from "../../ir/request.ts";

/** What the mock provider answers: either text or one tool call. */
export type MockReply = { kind: "text"; text: string } | { kind: "tool-call"; name: string; arguments: string };

const TOOL_COMMAND = /^\/tool\s+(\S+)\s*([\s\S]*)$/;

function textOf(message: Message | undefined): string {
  if (message === undefined) return "";
  const texts: string[] = [];
  for (const part of message.content) {
    if (part.type === "text") texts.push(part.text);
    else if (part.type === "tool-result") {
      for (const inner of part.content) if (inner.type === "text") texts.push(inner.text);
    }
  }
  return texts.join("\n");
}

/**
 * The mock provider's deterministic answer:
 * - the last message is a tool result → `Tool result: <its text>`;
 * - the last user text is `/tool NAME {json}` and a tool NAME is declared → a call of NAME with that JSON (or `{}`);
 * - otherwise the last user message's text, verbatim (`(empty message)` when it has none).
 */
export function mockReply(request: ChatRequest): MockReply {
  const last = request.messages.at(-1);
  if (last?.role === "tool") return { kind: "text", text: `Tool result: ${textOf(last)}` };
  const lastUser = request.messages.findLast((message) => message.role === "user");
  const text = textOf(lastUser);
  const command = TOOL_COMMAND.exec(text.trim());
  if (command && request.tools?.some((tool) => tool.name === command[1])) {
    const args = command[2]!.trim();
    return { kind: "tool-call", name: command[1]!, arguments: args === "" ? "{}" : args };
  }
  return { kind: "text", text: text === "" ? "(empty message)" : text };
}

/** Roughly four characters a token, as the usage the mock reports. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Every text the request carries, to count its input tokens. */
export function requestText(request: ChatRequest): string {
  let text = "";
  for (const message of request.messages) text += textOf(message);
  return text;
}

/** Splits text into chunks of two words (keeping spaces), so a stream has several deltas. */
export function chunkText(text: string): string[] {
  const words = text.match(/\S+\s*|\s+/g) ?? [text];
  const chunks: string[] = [];
  for (let index = 0; index < words.length; index += 2) chunks.push(words.slice(index, index + 2).join(""));
  return chunks.length === 0 ? [""] : chunks;
}
