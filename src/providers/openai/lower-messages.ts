import type { AssistantContent, ImagePart, Message, ToolResultPart } from "../../ir/request.ts";
import { lowerOpenAIImage, lowerOpenAIUserContent } from "./lower-user-content.ts";
import type { OpenAIContentPart, OpenAIMessage, OpenAIToolCall } from "./types.ts";

/**
 * Lowers IR messages to Chat Completions messages, one for one, system
 * messages in place. A tool turn becomes one `tool` message per result;
 * images inside tool results (which a `tool` message cannot carry) follow
 * in one user message after the last of those tool messages, since tool
 * messages must directly follow the assistant turn that called them.
 */
export function lowerOpenAIMessages(messages: Message[]): OpenAIMessage[] {
  const lowered: OpenAIMessage[] = [];
  let pendingImages: OpenAIContentPart[] = [];
  const flushImages = () => {
    if (pendingImages.length === 0) return;
    lowered.push({ role: "user", content: pendingImages });
    pendingImages = [];
  };

  messages.forEach((message, index) => {
    if (message.role !== "tool") flushImages();
    switch (message.role) {
      case "system":
        lowered.push({ role: "system", content: message.content.map((part) => part.text).join("\n") });
        return;
      case "user":
        lowered.push({ role: "user", content: lowerOpenAIUserContent(message.content, `messages[${index}]`) });
        return;
      case "assistant":
        lowered.push(lowerAssistant(message.content));
        return;
      case "tool":
        message.content.forEach((result, resultIndex) => {
          lowered.push({ role: "tool", tool_call_id: result.toolCallId, content: toolResultText(result) });
          pendingImages.push(...toolResultImages(result, `messages[${index}].content[${resultIndex}]`));
        });
        return;
    }
  });
  flushImages();
  return lowered;
}

/**
 * An assistant turn: its text joined, its tool calls, and its reasoning as
 * `reasoning_content` (DeepSeek's field, which DeepSeek, vLLM and others
 * take back; DeepSeek's thinking mode needs it between tool calls).
 * Signatures have no place in Chat Completions: they are dropped, whatever
 * family made them, and so is redacted (encrypted) reasoning.
 */
function lowerAssistant(content: AssistantContent[]): Extract<OpenAIMessage, { role: "assistant" }> {
  const texts: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: OpenAIToolCall[] = [];
  for (const part of content) {
    if (part.type === "text") texts.push(part.text);
    else if (part.type === "reasoning") {
      if (!part.redacted && part.text !== "") reasoning.push(part.text);
    } else if (part.type === "tool-call") {
      toolCalls.push({ id: part.id, type: "function", function: { name: part.name, arguments: part.arguments } });
    }
    // An earlier answer's generated image stays out: Chat Completions has no image in assistant messages.
  }
  const text = texts.join("");
  // OpenAI wants `content: null` beside tool calls when there is no text.
  const message: Extract<OpenAIMessage, { role: "assistant" }> = { role: "assistant", content: text === "" && toolCalls.length > 0 ? null : text };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning.length > 0) message.reasoning_content = reasoning.join("\n\n");
  return message;
}

function toolResultText(result: ToolResultPart): string {
  return result.content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join("\n");
}

function toolResultImages(result: ToolResultPart, where: string): OpenAIContentPart[] {
  const images = result.content.filter((part): part is ImagePart => part.type === "image");
  return images.map((image, index) => lowerOpenAIImage(image, `${where}.content[${index}]`));
}
