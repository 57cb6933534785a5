import type { AssistantContent, ReasoningPart, Signature } from "../../ir/request.ts";
import { isKnownAssistantBlock } from "./is-known-block.ts";
import type { AnthropicMessage } from "./schema.ts";
import { decodeSignature } from "../shared/signature-codec.ts";

type AssistantMessage = Extract<AnthropicMessage, { role: "assistant" }>;

/**
 * An assistant message. Thinking blocks become reasoning with their decoded
 * signature (none for the unsigned marker); a thinking block whose signature
 * targets a call (`agw1.<family>.c.…`, which agw puts before a Gemini function
 * call) gives it to the next `tool_use` of the message, and one that targets
 * text (`x`, which agw sends after a Gemini text answer) gives it back to the
 * last text before it; their thinking text, if any, stays as unsigned reasoning.
 * Redacted thinking keeps its data as the signature. Server tool blocks
 * (`server_tool_use`, `web_search_tool_result`…) are dropped.
 */
export function decodeAssistantMessage(message: AssistantMessage): { role: "assistant"; content: AssistantContent[] } {
  if (typeof message.content === "string") return { role: "assistant", content: [{ type: "text", text: message.content }] };
  const content: AssistantContent[] = [];
  let callSignature: Signature | undefined;
  for (const block of message.content) {
    if (!isKnownAssistantBlock(block)) continue;
    switch (block.type) {
      case "text":
        content.push({ type: "text", text: block.text });
        break;
      case "tool_use": {
        const call: AssistantContent = { type: "tool-call", id: block.id, name: block.name, arguments: stringifyInput(block.input) };
        if (callSignature) call.signature = callSignature;
        callSignature = undefined;
        content.push(call);
        break;
      }
      case "thinking": {
        const decoded = decodeSignature(block.signature);
        if (decoded?.target === "c" || decoded?.target === "x") {
          // The block carries another part's signature: the next call's, or the answer text's before it.
          if (decoded.target === "c") callSignature = decoded.signature;
          else signLastText(content, decoded.signature);
          if (block.thinking !== "") content.push({ type: "reasoning", text: block.thinking });
          break;
        }
        // Reasoning that carries neither text nor a signature carries nothing.
        if (block.thinking === "" && !decoded) break;
        const part: ReasoningPart = { type: "reasoning", text: block.thinking };
        if (decoded) part.signature = decoded.signature;
        content.push(part);
        break;
      }
      case "redacted_thinking": {
        const decoded = decodeSignature(block.data);
        if (decoded) content.push({ type: "reasoning", text: "", redacted: true, signature: decoded.signature });
        break;
      }
    }
  }
  return { role: "assistant", content };
}

function stringifyInput(input: unknown): string {
  return input === undefined ? "{}" : JSON.stringify(input);
}

function signLastText(content: AssistantContent[], signature: Signature): void {
  const text = content.findLast((part) => part.type === "text");
  if (text) text.signature = signature;
}
