import type { AssistantContent, TextPart } from "../../ir/request.ts";
import { encodeCallSignatureItem, encodeReasoningItem } from "./encode-reasoning-item.ts";
import { encodeToolCallItem } from "./encode-tool-call-item.ts";
import { itemId } from "./item-id.ts";
import type { OutputItem } from "./output-items.ts";
import { toolOrigin, type ToolOrigins } from "./tool-origins.ts";

export interface OutputEncoding {
  responseId: string;
  tools: ToolOrigins;
  includeEncrypted: boolean;
}

/**
 * An answer's content as output items, in order: consecutive text becomes one
 * assistant message (empty text none), each reasoning part a reasoning item, each tool call the
 * item of its tool's kind, preceded by a reasoning item holding its signature
 * when the upstream signed it and the client takes encrypted content.
 */
export function encodeOutputItems(content: ReadonlyArray<AssistantContent>, encoding: OutputEncoding): OutputItem[] {
  const { responseId, includeEncrypted } = encoding;
  const items: OutputItem[] = [];
  let text: TextPart[] = [];
  const flushText = () => {
    if (text.length === 0) return;
    const joined = text.map((part) => part.text).join("");
    text = [];
    if (joined === "") return;
    items.push({
      type: "message",
      id: itemId("msg", responseId, items.length),
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text: joined, annotations: [], logprobs: [] }],
    });
  };
  for (const part of content) {
    if (part.type === "text") {
      text.push(part);
      continue;
    }
    flushText();
    if (part.type === "reasoning") {
      if (part.text === "" && !(part.signature && includeEncrypted)) continue;
      items.push(encodeReasoningItem(itemId("rs", responseId, items.length), part.text, part.signature, includeEncrypted));
      continue;
    }
    if (part.signature && includeEncrypted) {
      items.push(encodeCallSignatureItem(itemId("rs", responseId, items.length), part.signature));
    }
    const origin = toolOrigin(encoding.tools, part.name);
    items.push(encodeToolCallItem({ id: part.id, arguments: part.arguments, origin }, responseId, items.length));
  }
  flushText();
  return items;
}
