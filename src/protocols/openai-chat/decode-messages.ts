import type { Message, TextPart, ToolResultPart } from "../../ir/request.ts";
import type { OpenAIChatMessage, OpenAIChatTextPart } from "./schema.ts";
import { decodeAssistantMessage, legacyCallId } from "./decode-assistant-message.ts";
import { decodeUserContent } from "./decode-user-content.ts";

/**
 * Converts the message list. System and developer messages become system
 * messages where they stand; tool and legacy function results get the name
 * of the call they answer; consecutive results merge into one tool message.
 */
export function decodeMessages(messages: OpenAIChatMessage[]): Message[] {
  const decoded: Message[] = [];
  const callNames = new Map<string, string>();
  // Legacy function calls carry no id: a `function` result answers the latest unanswered call of that name.
  const openLegacyCalls: Array<{ id: string; name: string }> = [];

  messages.forEach((message, index) => {
    switch (message.role) {
      case "system":
      case "developer":
        decoded.push({ role: "system", content: decodeTextContent(message.content) });
        return;
      case "user":
        decoded.push({ role: "user", content: decodeUserContent(message.content, ["messages", index, "content"]) });
        return;
      case "assistant": {
        const assistant = decodeAssistantMessage(message, index);
        for (const part of assistant.content) if (part.type === "tool-call") callNames.set(part.id, part.name);
        if (message.function_call) openLegacyCalls.push({ id: legacyCallId(index), name: message.function_call.name });
        decoded.push(assistant);
        return;
      }
      case "tool": {
        const result: ToolResultPart = {
          type: "tool-result",
          toolCallId: message.tool_call_id,
          content: decodeTextContent(message.content),
        };
        const name = callNames.get(message.tool_call_id);
        if (name !== undefined) result.name = name;
        appendToolResult(decoded, result);
        return;
      }
      case "function": {
        const open = openLegacyCalls.findLastIndex((call) => call.name === message.name);
        const id = open === -1 ? legacyCallId(index) : (openLegacyCalls.splice(open, 1)[0] as { id: string }).id;
        const content: TextPart[] = [{ type: "text", text: message.content ?? "" }];
        appendToolResult(decoded, { type: "tool-result", toolCallId: id, name: message.name, content });
        return;
      }
    }
  });
  return decoded;
}

function decodeTextContent(content: string | OpenAIChatTextPart[]): TextPart[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return content.map((part) => ({ type: "text", text: part.text }));
}

function appendToolResult(messages: Message[], result: ToolResultPart): void {
  const last = messages.at(-1);
  if (last?.role === "tool") last.content.push(result);
  else messages.push({ role: "tool", content: [result] });
}
