import type { Signature, SignatureFamily } from "../../ir/request.ts";

/**
 * What a signature handed to a client signs: `t` the thinking block (or
 * reasoning item) it sits on, `c` the `tool_use` block (or call item) that
 * follows it in the same message (Gemini signs function calls, which neither
 * Anthropic's format nor Responses can hold), `x` the answer text before it
 * (Gemini signs the last text part of a text answer; the signature arrives
 * after the text, so it travels in a block after it).
 */
export type SignatureTarget = "t" | "c" | "x";

const TARGETS: ReadonlySet<string> = new Set<SignatureTarget>(["t", "c", "x"]);

/**
 * What agw puts on a thinking block whose reasoning came with no signature
 * (a thought summary whose signature went to a call or the text, or an
 * upstream that signs nothing): Anthropic clients expect every thinking block
 * to carry one and drop blocks with an empty one. It decodes to no signature.
 */
export const UNSIGNED_SIGNATURE = "agw1.unsigned";

export interface DecodedSignature {
  signature: Signature;
  target: SignatureTarget;
}

const PREFIX = "agw1.";
const families: ReadonlySet<string> = new Set<SignatureFamily>(["gemini", "anthropic", "openai"]);

/**
 * A signature as agw hands it to clients. One from the protocol's own
 * family (`native`: Anthropic for thinking signatures, OpenAI for Responses'
 * encrypted_content) travels unchanged, so a conversation can go back to that
 * upstream as is; every other one says who made it and what it signs:
 * `agw1.<family>.<t|c>.<value>`. The client stores it and sends it back
 * untouched, so the gateway needs no cache and survives restarts.
 */
export function encodeSignature(signature: Signature, target: SignatureTarget, native: SignatureFamily = "anthropic"): string {
  if (signature.family === native && target === "t" && !signature.value.startsWith(PREFIX)) return signature.value;
  return `${PREFIX}${signature.family}.${target}.${signature.value}`;
}

/**
 * Reads a signature a client sent back. Without the `agw1.` prefix it is
 * the protocol's own family's (`native`). An empty or malformed one yields nothing: a bad
 * signature costs the upstream's check, never the request.
 */
export function decodeSignature(
  text: string | null | undefined,
  native: SignatureFamily = "anthropic",
): DecodedSignature | undefined {
  if (!text || text === UNSIGNED_SIGNATURE) return undefined;
  if (!text.startsWith(PREFIX)) return { signature: { family: native, value: text }, target: "t" };
  const rest = text.slice(PREFIX.length);
  const familyEnd = rest.indexOf(".");
  const family = rest.slice(0, familyEnd);
  const target = rest.slice(familyEnd + 1, familyEnd + 2);
  const value = rest.slice(familyEnd + 3);
  if (familyEnd === -1 || !families.has(family)) return undefined;
  if (!TARGETS.has(target) || rest[familyEnd + 2] !== "." || value === "") return undefined;
  return { signature: { family: family as SignatureFamily, value }, target: target as SignatureTarget };
}
