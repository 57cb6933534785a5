import type { Signature } from "../../ir/request.ts";
import { encodeSignature } from "../shared/signature-codec.ts";
import type { GeminiOutputPart } from "./types.ts";

/**
 * Builds the parts of one candidate from IR content, in order. Thoughts are
 * shown only when the client set `includeThoughts`, as Gemini does; their
 * signature must reach the client either way, so a signature whose thought
 * is not shown rides on the next part (text or function call), as Gemini
 * sends it, or on an empty text part when nothing follows. Gemini's own
 * signatures are sent raw, another family's tagged (see geminiSignature).
 */
export class GeminiPartBuilder {
  private parts: GeminiOutputPart[] = [];
  /** A thinking signature waiting for the next part. */
  private pending: string | undefined;

  constructor(private readonly includeThoughts: boolean) {}

  reasoning(text: string, signature?: Signature): void {
    const value = geminiSignature(signature);
    if (this.includeThoughts && text !== "") {
      this.flushPendingIf(value !== undefined);
      const part: GeminiOutputPart = { text, thought: true };
      this.sign(part, value);
      this.parts.push(part);
    } else if (value !== undefined) this.hold(value);
  }

  /** A signature for the thinking so far (the stream's `reasoning-signature`). */
  signature(signature: Signature): void {
    const value = geminiSignature(signature);
    if (value !== undefined) this.hold(value);
  }

  /** Answer text, with the signature Gemini put on it when it had one. */
  text(text: string, signature?: Signature): void {
    const value = geminiSignature(signature);
    if (text === "" && value === undefined) return;
    this.flushPendingIf(value !== undefined);
    const part: GeminiOutputPart = { text };
    this.sign(part, value);
    this.parts.push(part);
  }

  /**
   * The answer text's signature arriving after its text went out (the
   * stream's `text-signature`): an empty text part carrying it, as Gemini 3
   * itself streams it.
   */
  textSignature(signature: Signature): void {
    this.text("", signature);
  }

  functionCall(name: string, argumentsText: string, signature?: Signature): void {
    const value = geminiSignature(signature);
    this.flushPendingIf(value !== undefined);
    const part: GeminiOutputPart = { functionCall: { name, args: parseArguments(argumentsText) } };
    this.sign(part, value);
    this.parts.push(part);
  }

  /** A generated image, as its own part, with the signature Gemini put on it (Gemini 3 image models sign their images). */
  image(mediaType: string, data: string, signature?: Signature): void {
    const value = geminiSignature(signature);
    this.flushPendingIf(value !== undefined);
    const part: GeminiOutputPart = { inlineData: { mimeType: mediaType, data } };
    this.sign(part, value);
    this.parts.push(part);
  }

  /** The parts built since the last call; a held signature stays held. */
  drain(): GeminiOutputPart[] {
    const parts = this.parts;
    this.parts = [];
    return parts;
  }

  /** Everything left, a held signature included: the candidate is complete. */
  close(): GeminiOutputPart[] {
    this.flushPendingIf(true);
    return this.drain();
  }

  private hold(value: string): void {
    this.flushPendingIf(true);
    this.pending = value;
  }

  /** Gives the part its own signature, or else the held one. */
  private sign(part: GeminiOutputPart, own: string | undefined): void {
    const value = own ?? this.pending;
    if (value !== undefined) part.thoughtSignature = value;
    if (own === undefined) this.pending = undefined;
  }

  /** Sends a held signature on an empty text part, when the next part cannot carry it. */
  private flushPendingIf(condition: boolean): void {
    if (!condition || this.pending === undefined) return;
    this.parts.push({ text: "", thoughtSignature: this.pending });
    this.pending = undefined;
  }
}

/**
 * A signature as a Gemini client carries it: Gemini's own raw; another
 * family's (an Anthropic upstream's thinking signature) tagged by the codec
 * (`agw1.anthropic.t.…`), so the client sends it back and the next turn to
 * that upstream keeps its thinking. Where it sits says what it signs.
 */
function geminiSignature(signature: Signature | undefined): string | undefined {
  if (signature === undefined || signature.value === "") return undefined;
  return encodeSignature(signature, "t", "gemini");
}

/** The model's arguments as the object Gemini sends; anything but a JSON object becomes `{}`. */
export function parseArguments(text: string): Record<string, unknown> {
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // not JSON: nothing Gemini's format can carry
  }
  return {};
}
