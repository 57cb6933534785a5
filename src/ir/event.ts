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
  | { type: "message-start"; id?: string; model?: string }
  | { type: "text-delta"; text: string; choice?: number }
  | { type: "reasoning-delta"; text: string; choice?: number }
  /** A signature for the reasoning emitted so far in this choice (Gemini `thoughtSignature`, Anthropic `signature`). */
  | { type: "reasoning-signature"; signature: Signature; choice?: number; redacted?: boolean }
  | { type: "tool-call-start"; id: string; name: string; signature?: Signature; choice?: number }
  | { type: "tool-call-delta"; id: string; argumentsDelta: string; choice?: number }
  | { type: "tool-call-end"; id: string; choice?: number }
  | { type: "usage"; usage: Usage }
  | { type: "finish"; reason: FinishReason; choice?: number }
  | { type: "error"; error: GatewayError };

export type StreamEventType = StreamEvent["type"];
