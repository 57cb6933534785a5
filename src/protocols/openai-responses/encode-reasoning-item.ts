import type { Signature } from "../../ir/request.ts";
import { encodeSignature, type SignatureTarget } from "../shared/signature-codec.ts";
import type { ReasoningOutputItem } from "./output-items.ts";

/**
 * A reasoning item: the reasoning text as its one summary part (none when
 * empty) and, when the client asked for encrypted content, the signature as
 * `encrypted_content`: OpenAI's own unchanged, another family's tagged with
 * what it signs (`agw1.gemini.t.…` this reasoning, `c` the call after it,
 * `x` the answer text before it). Without `reasoning.encrypted_content` in
 * `include` there is nowhere to put a signature and it is lost.
 */
export function encodeReasoningItem(
  id: string,
  text: string,
  signature: Signature | undefined,
  includeEncrypted: boolean,
  target: SignatureTarget = "t",
): ReasoningOutputItem {
  const item: ReasoningOutputItem = { type: "reasoning", id, summary: text === "" ? [] : [{ type: "summary_text", text }] };
  if (signature && includeEncrypted) item.encrypted_content = encodeSignature(signature, target, "openai");
  return item;
}
