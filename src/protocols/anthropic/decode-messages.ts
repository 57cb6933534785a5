import type { Message, TextPart } from "../../ir/request.ts";
import { decodeAssistantMessage } from "./decode-assistant-message.ts";
import { decodeUserMessage } from "./decode-user-message.ts";
import type { AnthropicMessage, AnthropicTextBlock } from "./schema.ts";

/**
 * The conversation as IR, before clean-up: the top-level `system` as a
 * leading system message, `role: "system"` messages where they stand, user
 * and assistant messages converted block by block.
 */
export function decodeMessages(
  system: string | AnthropicTextBlock[] | null | undefined,
  messages: AnthropicMessage[],
): Message[] {
  const decoded: Message[] = [];
  if (system != null) decoded.push({ role: "system", content: decodeText(system) });
  const callNames = new Map<string, string>();
  for (const message of messages) {
    switch (message.role) {
      case "system":
        decoded.push({ role: "system", content: decodeText(message.content) });
        break;
      case "user":
        decoded.push(...decodeUserMessage(message, callNames));
        break;
      case "assistant": {
        const assistant = decodeAssistantMessage(message);
        for (const part of assistant.content) if (part.type === "tool-call") callNames.set(part.id, part.name);
        decoded.push(assistant);
        break;
      }
    }
  }
  return decoded;
}

function decodeText(content: string | AnthropicTextBlock[]): TextPart[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return content.map((block) => ({ type: "text", text: block.text }));
}
