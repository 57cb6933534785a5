import type { FinishReason } from "../../ir/finish-reason.ts";
import type { Signature } from "../../ir/request.ts";
import type { Usage } from "../../ir/usage.ts";
import { formatSse } from "../../sse/encode.ts";
import { encodeReasoningItem } from "./encode-reasoning-item.ts";
import type { SignatureTarget } from "../shared/signature-codec.ts";
import { customToolInput, encodeToolCallItem } from "./encode-tool-call-item.ts";
import { itemId } from "./item-id.ts";
import { imageGenerationItem, type OutputItem } from "./output-items.ts";
import type { ToolOrigin } from "./tool-origins.ts";

/** The message or reasoning item being written; text deltas append to it until another kind of output comes. */
export type OpenText =
  | { kind: "message"; index: number; id: string; text: string }
  | { kind: "reasoning"; index: number; id: string; text: string; signature?: Signature; target?: SignatureTarget };

/** A tool call whose item is open: its arguments accumulate until it ends. */
export interface OpenCall {
  index: number;
  id: string;
  arguments: string;
  origin: ToolOrigin;
}

export interface ResponsesStreamState {
  /** The next event's `sequence_number`. */
  sequence: number;
  started: boolean;
  /** The output index the next item gets. */
  nextIndex: number;
  open?: OpenText;
  /** Open calls by IR call id; calls may interleave, every event names its item. */
  calls: Map<string, OpenCall>;
  /** Done items by output index. */
  output: OutputItem[];
  finishReason?: FinishReason;
  finished: boolean;
  usage?: Usage;
  /** Set once the terminal event went out: nothing may follow. */
  ended: boolean;
  /** The answer text's signature, sent in a reasoning item after the whole answer (it may come before the text ends). */
  textSignature?: Signature;
}

export function initialStreamState(): ResponsesStreamState {
  return { sequence: 0, started: false, nextIndex: 0, calls: new Map(), output: [], finished: false, ended: false };
}

/** What the item helpers need besides the state. */
export interface StreamEncoding {
  responseId: string;
  includeEncrypted: boolean;
}

/** Writes one event: `event:` line named after its type, the payload with the next sequence number. */
export function emit(state: ResponsesStreamState, frames: string[], event: { type: string } & Record<string, unknown>): void {
  const payload = { ...event, sequence_number: state.sequence++ };
  frames.push(formatSse(JSON.stringify(payload), event.type));
}

function addItem(state: ResponsesStreamState, frames: string[], index: number, item: OutputItem): void {
  emit(state, frames, { type: "response.output_item.added", output_index: index, item });
}

function doneItem(state: ResponsesStreamState, frames: string[], index: number, item: OutputItem): void {
  state.output[index] = item;
  emit(state, frames, { type: "response.output_item.done", output_index: index, item });
}

/** Appends assistant text, opening a message item (and its one `output_text` part) first when needed. */
export function messageDelta(state: ResponsesStreamState, frames: string[], encoding: StreamEncoding, text: string): void {
  if (state.open?.kind !== "message") {
    closeText(state, frames, encoding);
    const index = state.nextIndex++;
    const id = itemId("msg", encoding.responseId, index);
    state.open = { kind: "message", index, id, text: "" };
    addItem(state, frames, index, { type: "message", id, role: "assistant", status: "in_progress", content: [] });
    emit(state, frames, {
      type: "response.content_part.added",
      item_id: id,
      output_index: index,
      content_index: 0,
      part: { type: "output_text", text: "", annotations: [], logprobs: [] },
    });
  }
  const open = state.open as OpenText;
  open.text += text;
  emit(state, frames, {
    type: "response.output_text.delta",
    item_id: open.id,
    output_index: open.index,
    content_index: 0,
    delta: text,
    logprobs: [],
  });
}

/** Appends reasoning, opening a reasoning item (and its one summary part) first when needed. */
export function reasoningDelta(state: ResponsesStreamState, frames: string[], encoding: StreamEncoding, text: string): void {
  if (state.open?.kind !== "reasoning") {
    closeText(state, frames, encoding);
    const index = state.nextIndex++;
    const id = itemId("rs", encoding.responseId, index);
    state.open = { kind: "reasoning", index, id, text: "" };
    addItem(state, frames, index, { type: "reasoning", id, summary: [] });
    emit(state, frames, {
      type: "response.reasoning_summary_part.added",
      item_id: id,
      output_index: index,
      summary_index: 0,
      part: { type: "summary_text", text: "" },
    });
  }
  const open = state.open as OpenText;
  open.text += text;
  emit(state, frames, {
    type: "response.reasoning_summary_text.delta",
    item_id: open.id,
    output_index: open.index,
    summary_index: 0,
    delta: text,
  });
}

/**
 * A signature for the reasoning so far: it completes the open reasoning item
 * (later reasoning is new, signed separately), or, with no reasoning open,
 * comes as a reasoning item of its own. Without encrypted content in the
 * response there is nowhere to put it.
 */
export function reasoningSignature(
  state: ResponsesStreamState,
  frames: string[],
  encoding: StreamEncoding,
  signature: Signature,
): void {
  if (state.open?.kind === "reasoning") {
    state.open.signature = signature;
    closeText(state, frames, encoding);
    return;
  }
  closeText(state, frames, encoding);
  signatureItem(state, frames, encoding, signature, "t");
}

/** Completes the open message or reasoning item with its `.done` events. */
export function closeText(state: ResponsesStreamState, frames: string[], encoding: StreamEncoding): void {
  const open = state.open;
  if (!open) return;
  state.open = undefined;
  if (open.kind === "message") {
    const part = { type: "output_text" as const, text: open.text, annotations: [] as [], logprobs: [] as [] };
    const at = { item_id: open.id, output_index: open.index, content_index: 0 };
    emit(state, frames, { type: "response.output_text.done", ...at, text: open.text, logprobs: [] });
    emit(state, frames, { type: "response.content_part.done", ...at, part });
    doneItem(state, frames, open.index, { type: "message", id: open.id, role: "assistant", status: "completed", content: [part] });
    return;
  }
  const at = { item_id: open.id, output_index: open.index, summary_index: 0 };
  emit(state, frames, { type: "response.reasoning_summary_text.done", ...at, text: open.text });
  emit(state, frames, { type: "response.reasoning_summary_part.done", ...at, part: { type: "summary_text", text: open.text } });
  doneItem(state, frames, open.index, encodeReasoningItem(open.id, open.text, open.signature, encoding.includeEncrypted, open.target));
}

/** A reasoning item of its own, complete at once, holding only a signature (for a call `c`, or the text before it `x`). */
export function signatureItem(
  state: ResponsesStreamState,
  frames: string[],
  encoding: StreamEncoding,
  signature: Signature,
  target: SignatureTarget,
): void {
  if (!encoding.includeEncrypted) return;
  const index = state.nextIndex++;
  const item = encodeReasoningItem(itemId("rs", encoding.responseId, index), "", signature, true, target);
  addItem(state, frames, index, item);
  doneItem(state, frames, index, item);
}

/** A generated image: an `image_generation_call` item of its own, complete at once (after whatever text was open). */
export function imageItem(state: ResponsesStreamState, frames: string[], encoding: StreamEncoding, mediaType: string, data: string): void {
  closeText(state, frames, encoding);
  const index = state.nextIndex++;
  const item = imageGenerationItem(itemId("ig", encoding.responseId, index), mediaType, data);
  addItem(state, frames, index, item);
  doneItem(state, frames, index, item);
}

/**
 * Opens a tool call's item (after whatever text was open). When the upstream
 * signed the call, the signature (`c`, for the call after it) goes on the
 * reasoning item right before it, which then completes: one reasoning step,
 * one item; with no unsigned reasoning open, on a reasoning item of its own.
 */
export function openCall(
  state: ResponsesStreamState,
  frames: string[],
  encoding: StreamEncoding,
  call: { id: string; origin: ToolOrigin; signature?: Signature },
): void {
  const reasoning = state.open?.kind === "reasoning" && state.open.signature === undefined ? state.open : undefined;
  if (call.signature && reasoning) {
    reasoning.signature = call.signature;
    reasoning.target = "c";
    closeText(state, frames, encoding);
  } else {
    closeText(state, frames, encoding);
    if (call.signature) signatureItem(state, frames, encoding, call.signature, "c");
  }
  const open: OpenCall = { index: state.nextIndex++, id: call.id, arguments: "", origin: call.origin };
  state.calls.set(call.id, open);
  addItem(state, frames, open.index, encodeToolCallItem(open, encoding.responseId, open.index, "in_progress"));
}

/** Appends arguments to an open call; a function call streams them, other kinds send theirs when complete. */
export function callDelta(
  state: ResponsesStreamState,
  frames: string[],
  encoding: StreamEncoding,
  call: OpenCall,
  delta: string,
): void {
  call.arguments += delta;
  if (call.origin.kind !== "function") return;
  emit(state, frames, {
    type: "response.function_call_arguments.delta",
    item_id: itemId("fc", encoding.responseId, call.index),
    output_index: call.index,
    delta,
  });
}

/**
 * Completes a call: `function_call_arguments.done`, or for a custom tool its
 * whole input at once (the IR streams `{"input": "…"}` JSON, whose string
 * cannot be cut out before it is complete), then the finished item.
 */
export function closeCall(state: ResponsesStreamState, frames: string[], encoding: StreamEncoding, call: OpenCall): void {
  state.calls.delete(call.id);
  const item = encodeToolCallItem(call, encoding.responseId, call.index);
  const at = { item_id: item.id, output_index: call.index };
  if (item.type === "function_call") {
    emit(state, frames, { type: "response.function_call_arguments.done", ...at, arguments: call.arguments });
  } else if (item.type === "custom_tool_call") {
    const input = customToolInput(call.arguments);
    if (input !== "") emit(state, frames, { type: "response.custom_tool_call_input.delta", ...at, delta: input });
    emit(state, frames, { type: "response.custom_tool_call_input.done", ...at, input });
  }
  doneItem(state, frames, call.index, item);
}
