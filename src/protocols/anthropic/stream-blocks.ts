import type { Signature } from "../../ir/request.ts";
import { formatSse } from "../../sse/encode.ts";
import { callSignature } from "./encode-content.ts";
import { UNSIGNED_SIGNATURE } from "../shared/signature-codec.ts";
import type { AnthropicStopReason } from "./map-stop-reason.ts";
import type { Usage } from "../../ir/usage.ts";

/** A tool call started while another call's block was open: it waits, with its arguments, for its turn. */
export interface QueuedCall {
  id: string;
  name: string;
  signature?: Signature;
  deltas: string[];
  ended: boolean;
}

export interface AnthropicStreamState {
  /** Whether `message_start` went out. */
  started: boolean;
  /** The index the next content block gets. */
  nextIndex: number;
  /** The block being written; a tool block closes when its call ends. */
  open?: { kind: "thinking" | "text" } | { kind: "tool"; callId: string };
  queue: QueuedCall[];
  /** Calls whose block is closed: arguments arriving for them later cannot be sent. */
  closedCalls: Set<string>;
  /** The stop reason, held from `finish` until usage arrives or the stream ends. */
  stopReason?: AnthropicStopReason;
  finished: boolean;
  usage?: Usage;
  /** Set once `message_stop` or an error went out: nothing may follow. */
  ended: boolean;
}

export function initialStreamState(): AnthropicStreamState {
  return { started: false, nextIndex: 0, queue: [], closedCalls: new Set(), finished: false, ended: false };
}

/** One SSE frame: the event name is the payload's `type`, as Anthropic sends it. */
export function frame<T extends { type: string }>(payload: T): string {
  return formatSse(JSON.stringify(payload), payload.type);
}

function index(state: AnthropicStreamState): number {
  return state.nextIndex - 1;
}

function startBlock(state: AnthropicStreamState, frames: string[], block: Record<string, unknown>): void {
  frames.push(frame({ type: "content_block_start", index: state.nextIndex, content_block: block }));
  state.nextIndex++;
}

export function delta(state: AnthropicStreamState, frames: string[], value: Record<string, unknown>): void {
  frames.push(frame({ type: "content_block_delta", index: index(state), delta: value }));
}

function stopBlock(state: AnthropicStreamState, frames: string[]): void {
  frames.push(frame({ type: "content_block_stop", index: index(state) }));
}

/** Opens a thinking or text block, closing whatever was open (and writing out the calls waiting behind it). */
export function openBlock(state: AnthropicStreamState, frames: string[], kind: "thinking" | "text"): void {
  if (state.open?.kind === kind) return;
  closeAll(state, frames);
  startBlock(state, frames, kind === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" });
  state.open = { kind };
}

/**
 * Closes the open thinking block with its signature: a thinking block always
 * ends with one (clients drop blocks whose signature is empty).
 */
export function closeThinking(state: AnthropicStreamState, frames: string[], signature: string): void {
  delta(state, frames, { type: "signature_delta", signature });
  stopBlock(state, frames);
  state.open = undefined;
}

/** A `redacted_thinking` block: Anthropic sends it whole in its start event. */
export function redactedBlock(state: AnthropicStreamState, frames: string[], data: string): void {
  startBlock(state, frames, { type: "redacted_thinking", data });
  stopBlock(state, frames);
}

/** A thinking block holding only a signature. */
export function signatureBlock(state: AnthropicStreamState, frames: string[], signature: string): void {
  startBlock(state, frames, { type: "thinking", thinking: "", signature: "" });
  delta(state, frames, { type: "signature_delta", signature });
  stopBlock(state, frames);
}

/**
 * Opens a call's `tool_use` block, after the block carrying its signature
 * when a non-Anthropic model signed it. Whatever was open must be closed.
 */
export function openCall(state: AnthropicStreamState, frames: string[], call: Omit<QueuedCall, "deltas" | "ended">): void {
  const signature = callSignature(call);
  if (signature !== undefined) signatureBlock(state, frames, signature);
  startBlock(state, frames, { type: "tool_use", id: call.id, name: call.name, input: {} });
  state.open = { kind: "tool", callId: call.id };
}

/** Closes the open block; a closed tool block lets the next waiting call in (and the ones after it that already ended). */
export function closeBlock(state: AnthropicStreamState, frames: string[]): void {
  const open = state.open;
  if (!open) return;
  // Reasoning that came without a signature still gets one: the marker that says so.
  if (open.kind === "thinking") return closeThinking(state, frames, UNSIGNED_SIGNATURE);
  stopBlock(state, frames);
  state.open = undefined;
  if (open.kind !== "tool") return;
  state.closedCalls.add(open.callId);
  const next = state.queue.shift();
  if (!next) return;
  openCall(state, frames, next);
  for (const argumentsDelta of next.deltas) delta(state, frames, { type: "input_json_delta", partial_json: argumentsDelta });
  if (next.ended) closeBlock(state, frames);
}

/** Closes the open block and writes out every waiting call, finished or not: other content comes next. */
export function closeAll(state: AnthropicStreamState, frames: string[]): void {
  while (state.open) closeBlock(state, frames);
}
