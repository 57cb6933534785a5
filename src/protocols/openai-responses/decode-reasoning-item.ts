import type { ReasoningPart, Signature } from "../../ir/request.ts";
import { decodeSignature } from "../shared/signature-codec.ts";
import type { InputItem } from "./schema.ts";

type ReasoningItem = Extract<InputItem, { type: "reasoning" }>;

/**
 * A `reasoning` item. Its text is the raw reasoning (`content`) when the
 * client kept it, else the summaries joined. `encrypted_content` is a
 * signature: OpenAI's own travels as is (family "openai"); agw's tagged ones
 * say which family made them and what they sign. One that signs the reasoning
 * (`t`) stays on it; reasoning with no text is then redacted reasoning
 * (OpenAI's encrypted reasoning, Anthropic's redacted thinking), except a
 * Gemini signature, which signs nothing but the turn. One that signs a call
 * (`c`) is returned as `callSignature`, for the next call of the turn, and the
 * reasoning part goes when it has no text. One that signs the answer text
 * before it (`x`) is returned as `textSignature`.
 */
export function decodeReasoningItem(item: ReasoningItem): {
  part?: ReasoningPart;
  callSignature?: Signature;
  textSignature?: Signature;
} {
  const text = reasoningText(item);
  const decoded = decodeSignature(item.encrypted_content, "openai");
  if (decoded?.target === "x") {
    // A signature on the answer text before it (Gemini's): it goes back on that text.
    return text === "" ? { textSignature: decoded.signature } : { part: { type: "reasoning", text }, textSignature: decoded.signature };
  }
  if (decoded?.target === "c") {
    return text === "" ? { callSignature: decoded.signature } : { part: { type: "reasoning", text }, callSignature: decoded.signature };
  }
  if (!decoded) return text === "" ? {} : { part: { type: "reasoning", text } };
  const part: ReasoningPart = { type: "reasoning", text, signature: decoded.signature };
  if (text === "" && decoded.signature.family !== "gemini") part.redacted = true;
  return { part };
}

function reasoningText(item: ReasoningItem): string {
  const raw = (item.content ?? []).filter((part) => part.type === "reasoning_text").map((part) => part.text);
  if (raw.length > 0) return raw.join("\n\n");
  return (item.summary ?? []).map((part) => part.text).join("\n\n");
}
