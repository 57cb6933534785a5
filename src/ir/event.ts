import type { FinishReason } from "./finish-reason.ts";
import type { GatewayError } from "./errors.ts";
import type { Usage } from "./usage.ts";
import type { Signature } from "./request.ts";

/**
 * The stream every provider raises and every protocol encodes. Events are
 * named noun-then-verb. `choice` is the alternative's index (default 0) for
 * requests with `choices > 1`.
 *
 * Ordering contract (per choice):
 *   message-start once, first of all;
 *   reasoning-delta* / text-delta* / tool-call-start, tool-call-delta*, tool-call-end (in any order between blocks;
 *   a tool call's events are contiguous per id only if the upstream sends them so — encoders key by id);
 *   finish once per choice; usage at most once, after the finishes; error ends the stream.
 */
export type StreamEvent =
  /**
   * `usage`, when the upstream says it this early, is what is known at the
   * start (the input side): Anthropic clients read `input_tokens` from
   * `message_start`. The final count still comes as a `usage` event.
   */
  | { type: "message-start"; id?: string; model?: string; usage?: Usage }
  | { type: "text-delta"; text: string; choice?: number }
  | { type: "reasoning-delta"; text: string; choice?: number }
  /** A signature for the reasoning emitted so far in this choice (Gemini `thoughtSignature`, Anthropic `signature`). */
  | { type: "reasoning-signature"; signature: Signature; choice?: number; redacted?: boolean }
  /**
   * A signature on the answer's text, not on any reasoning: Gemini signs the
   * last text part of a text answer (in streams often a final chunk with
   * empty text). It belongs with the text emitted so far in this choice and
   * never splits it; only the same family reads it back.
   */
  | { type: "text-signature"; signature: Signature; choice?: number }
  /** A generated image, whole (image models answer each picture in one piece): base64 `data`. */
  | { type: "image"; mediaType: string; data: string; signature?: Signature; choice?: number }
  | { type: "tool-call-start"; id: string; name: string; signature?: Signature; choice?: number }
  | { type: "tool-call-delta"; id: string; argumentsDelta: string; choice?: number }
  | { type: "tool-call-end"; id: string; choice?: number }
  | { type: "usage"; usage: Usage }
  | { type: "finish"; reason: FinishReason; choice?: number }
  | { type: "error"; error: GatewayError };

export type StreamEventType = StreamEvent["type"];

/** Whether an event is part of the answer itself (not its start or its usage): the answer has begun once one arrives. */
export function isOutputEvent(event: StreamEvent): boolean {
  return event.type !== "message-start" && event.type !== "usage";
}
