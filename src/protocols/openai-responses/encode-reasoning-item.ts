import type { Signature } from "../../ir/request.ts";
import { encodeSignature } from "../shared/signature-codec.ts";
import type { ReasoningOutputItem } from "./output-items.ts";

/**
 * A reasoning item: the reasoning text as its one summary part (none when
 * empty) and, when the client asked for encrypted content, the signature as
 * `encrypted_content`: OpenAI's own unchanged, another family's tagged
 * (`agw1.gemini.t.…`). Without `reasoning.encrypted_content` in `include`
 * there is nowhere to put a signature and it is lost.
 */
export function encodeReasoningItem(
  id: string,
  text: string,
  signature: Signature | undefined,
  includeEncrypted: boolean,
): ReasoningOutputItem {
  const item: ReasoningOutputItem = { type: "reasoning", id, summary: text === "" ? [] : [{ type: "summary_text", text }] };
  if (signature && includeEncrypted) item.encrypted_content = encodeSignature(signature, "t", "openai");
  return item;
}

/**
 * The reasoning item that carries a tool call's signature (Gemini signs its
 * function calls; Responses has no place for that on the call): empty, its
 * `encrypted_content` tagged for the call that follows (`agw1.gemini.c.…`).
 */
export function encodeCallSignatureItem(id: string, signature: Signature): ReasoningOutputItem {
  return { type: "reasoning", id, summary: [], encrypted_content: encodeSignature(signature, "c", "openai") };
}
