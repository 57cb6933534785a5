import type { AssistantContent, Message, ToolCallPart } from "../../ir/request.ts";
import type { OpenAIChatMessage } from "./schema.ts";

type AssistantMessage = Extract<OpenAIChatMessage, { role: "assistant" }>;

/** The id given to a legacy `function_call` (which has none) so its `function` result can refer to it. */
export function legacyCallId(messageIndex: number): string {
  return `call_legacy_${messageIndex}`;
}

/**
 * Converts an assistant turn: reasoning first, then text (refusals count as
 * text), then tool calls in order. An assistant message with nothing in it
 * stays an empty message.
 */
export function decodeAssistantMessage(
  message: AssistantMessage,
  messageIndex: number,
): Extract<Message, { role: "assistant" }> {
  const content: AssistantContent[] = [];
  if (message.reasoning_content) content.push({ type: "reasoning", text: message.reasoning_content });
  if (typeof message.content === "string") {
    if (message.content !== "") content.push({ type: "text", text: message.content });
  } else if (message.content) {
    for (const part of message.content) {
      content.push({ type: "text", text: part.type === "text" ? part.text : part.refusal });
    }
  }
  for (const call of message.tool_calls ?? []) {
    const { name, arguments: args } = call.function;
    const part: ToolCallPart = { type: "tool-call", id: call.id, name, arguments: args };
    const signature = call.extra_content?.google?.thought_signature;
    if (signature) part.signature = { family: "gemini", value: signature };
    content.push(part);
  }
  if (message.function_call) {
    const { name, arguments: args } = message.function_call;
    content.push({ type: "tool-call", id: legacyCallId(messageIndex), name, arguments: args });
  }
  return { role: "assistant", content };
}
