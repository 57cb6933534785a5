import type { AssistantContent, Signature, TextPart } from "../../ir/request.ts";
import type { SignatureTarget } from "../shared/signature-codec.ts";
import { encodeReasoningItem } from "./encode-reasoning-item.ts";
import { encodeToolCallItem } from "./encode-tool-call-item.ts";
import { itemId } from "./item-id.ts";
import { imageGenerationItem, type OutputItem } from "./output-items.ts";
import { toolOrigin, type ToolOrigins } from "./tool-origins.ts";

export interface OutputEncoding {
  responseId: string;
  tools: ToolOrigins;
  includeEncrypted: boolean;
}

/**
 * An answer's content as output items, in order, by the same rules as the
 * stream: consecutive text becomes one assistant message (empty text none),
 * each reasoning part a reasoning item, each tool call the item of its
 * tool's kind. When the client takes encrypted content, a call's signature
 * rides on the unsigned reasoning item right before it (`c`), else on a
 * reasoning item of its own; the answer text's signature (Gemini's) on a
 * reasoning item after the whole answer (`x`).
 */
export function encodeOutputItems(content: ReadonlyArray<AssistantContent>, encoding: OutputEncoding): OutputItem[] {
  const { responseId, includeEncrypted } = encoding;
  const items: OutputItem[] = [];
  let text: TextPart[] = [];
  let textSignature: Signature | undefined;
  let signedCall: AssistantContent | undefined;
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
  const signatureItem = (signature: Signature, target: SignatureTarget) => {
    if (includeEncrypted) items.push(encodeReasoningItem(itemId("rs", responseId, items.length), "", signature, true, target));
  };
  content.forEach((part, index) => {
    if (part.type === "text") {
      text.push(part);
      if (part.signature) textSignature = part.signature;
      return;
    }
    flushText();
    if (part.type === "reasoning") {
      const next = content[index + 1];
      if (!part.signature && part.text !== "" && next?.type === "tool-call" && next.signature && includeEncrypted) {
        signedCall = next;
        items.push(encodeReasoningItem(itemId("rs", responseId, items.length), part.text, next.signature, true, "c"));
        return;
      }
      if (part.text === "" && !(part.signature && includeEncrypted)) return;
      items.push(encodeReasoningItem(itemId("rs", responseId, items.length), part.text, part.signature, includeEncrypted));
      return;
    }
    if (part.type === "image") {
      if (part.data !== undefined) items.push(imageGenerationItem(itemId("ig", responseId, items.length), part.mediaType, part.data));
      return;
    }
    if (part.signature && signedCall !== part) signatureItem(part.signature, "c");
    const origin = toolOrigin(encoding.tools, part.name);
    items.push(encodeToolCallItem({ id: part.id, arguments: part.arguments, origin }, responseId, items.length));
  });
  flushText();
  if (textSignature) signatureItem(textSignature, "x");
  return items;
}
