import type { StreamEvent } from "../../ir/event.ts";
import { missingFinishError } from "../../ir/collect.ts";
import type { StreamMachine } from "../../sse/pipe.ts";
import { mapAnthropicStopReason } from "./map-stop-reason.ts";
import { mapAnthropicUsage, mergeAnthropicUsage } from "./map-usage.ts";
import { mapAnthropicStreamError } from "./parse-error.ts";
import type { AnthropicStreamBlock, AnthropicStreamDelta, AnthropicStreamEvent, AnthropicUsageData } from "./types.ts";

/** What the machine remembers of an open content block. */
interface BlockState {
  kind: "text" | "thinking" | "tool" | "ignored";
  /** The tool call's id (kind "tool"). */
  id?: string;
  /** Whether any argument text went out for this call. */
  sentArguments?: boolean;
  /** Input sent whole in content_block_start by some compatible upstreams, used when no delta follows. */
  initialInput?: string;
}

export interface AnthropicStreamState {
  started: boolean;
  /** Set once an error event went out: nothing follows it. */
  failed: boolean;
  /** Set once the finish went out (message_stop): anything after it is ignored. */
  finished: boolean;
  blocks: Map<number, BlockState>;
  stopReason?: string | null;
  usage?: AnthropicUsageData;
}

/**
 * Raises the Messages API's streamed events (parsed data; `type` repeats the
 * SSE `event:` name) into IR events:
 *   message_start → message-start (usage remembered);
 *   text / thinking / tool_use blocks → text-delta, reasoning-delta +
 *   reasoning-signature, tool-call-start/-delta/-end;
 *   message_delta → stop reason and cumulative usage remembered;
 *   message_stop → finish, then usage; `error` → an error event; ping ignored.
 *
 * `redacted_thinking` becomes a `reasoning-signature` marked `redacted`, so it
 * goes back to Anthropic as `redacted_thinking`.
 *
 * Limitation, where the IR has no event:
 * - Server tools (`server_tool_use`, `web_search_tool_result`) and citations
 *   are dropped: the text around them comes through.
 */
export function createAnthropicStreamMachine(): StreamMachine<AnthropicStreamState, unknown, StreamEvent> {
  return {
    start: () => ({ started: false, failed: false, finished: false, blocks: new Map() }),
    step,
    finish,
  };
}

export const anthropicStreamMachine = createAnthropicStreamMachine();

function step(state: AnthropicStreamState, input: unknown): StreamEvent[] {
  if (state.failed || state.finished || !isObject(input)) return [];
  const event = input as AnthropicStreamEvent;
  switch (event.type) {
    case "message_start":
      return messageStart(state, event);
    case "content_block_start":
      return withStart(state, blockStart(state, event.index, event.content_block));
    case "content_block_delta":
      return withStart(state, blockDelta(state, event.index, event.delta));
    case "content_block_stop":
      return withStart(state, blockStop(state, event.index));
    case "message_delta":
      if (isObject(event.delta) && typeof event.delta.stop_reason === "string") state.stopReason = event.delta.stop_reason;
      if (isObject(event.usage)) state.usage = mergeAnthropicUsage(state.usage, event.usage);
      return withStart(state, []);
    case "message_stop":
      return withStart(state, end(state));
    case "error":
      state.failed = true;
      return [{ type: "error", error: mapAnthropicStreamError(isObject(event.error) ? event.error : undefined) }];
    default:
      // ping, and event types added later: Anthropic's versioning policy says to ignore them.
      return [];
  }
}

function messageStart(state: AnthropicStreamState, event: AnthropicStreamEvent): StreamEvent[] {
  if (state.started) return [];
  state.started = true;
  const message = isObject(event.message) ? event.message : {};
  if (isObject(message.usage)) state.usage = mergeAnthropicUsage(state.usage, message.usage);
  const start: Extract<StreamEvent, { type: "message-start" }> = { type: "message-start" };
  if (typeof message.id === "string") start.id = message.id;
  if (typeof message.model === "string") start.model = message.model;
  // Anthropic states the input in message_start: pass it on for clients that read it there.
  if (state.usage?.input_tokens !== undefined) start.usage = { input: mapAnthropicUsage(state.usage).input, output: { total: 0 } };
  return [start];
}

/** A message-start first, for upstreams that skip message_start. */
function withStart(state: AnthropicStreamState, events: StreamEvent[]): StreamEvent[] {
  if (state.started) return events;
  state.started = true;
  return [{ type: "message-start" }, ...events];
}

function blockStart(state: AnthropicStreamState, index: unknown, block: AnthropicStreamBlock | undefined): StreamEvent[] {
  if (typeof index !== "number" || !isObject(block)) return [];
  switch (block.type) {
    case "text":
      state.blocks.set(index, { kind: "text" });
      return nonEmpty(block.text) ? [{ type: "text-delta", text: block.text }] : [];
    case "thinking": {
      state.blocks.set(index, { kind: "thinking" });
      const events: StreamEvent[] = [];
      if (nonEmpty(block.thinking)) events.push({ type: "reasoning-delta", text: block.thinking });
      if (nonEmpty(block.signature)) events.push({ type: "reasoning-signature", signature: { family: "anthropic", value: block.signature } });
      return events;
    }
    case "redacted_thinking":
      state.blocks.set(index, { kind: "ignored" });
      return nonEmpty(block.data)
        ? [{ type: "reasoning-signature", signature: { family: "anthropic", value: block.data }, redacted: true }]
        : [];
    case "tool_use": {
      const id = typeof block.id === "string" ? block.id : `toolu_${index}`;
      const tool: BlockState = { kind: "tool", id };
      if (isObject(block.input) && Object.keys(block.input).length > 0) tool.initialInput = JSON.stringify(block.input);
      state.blocks.set(index, tool);
      return [{ type: "tool-call-start", id, name: typeof block.name === "string" ? block.name : "" }];
    }
    default:
      // server_tool_use, web_search_tool_result and other server-side blocks.
      state.blocks.set(index, { kind: "ignored" });
      return [];
  }
}

function blockDelta(state: AnthropicStreamState, index: unknown, delta: AnthropicStreamDelta | undefined): StreamEvent[] {
  if (typeof index !== "number" || !isObject(delta)) return [];
  const block = state.blocks.get(index);
  switch (delta.type) {
    case "text_delta":
      return block?.kind !== "ignored" && nonEmpty(delta.text) ? [{ type: "text-delta", text: delta.text }] : [];
    case "thinking_delta":
      return nonEmpty(delta.thinking) ? [{ type: "reasoning-delta", text: delta.thinking }] : [];
    case "signature_delta":
      return nonEmpty(delta.signature) ? [{ type: "reasoning-signature", signature: { family: "anthropic", value: delta.signature } }] : [];
    case "input_json_delta":
      if (block?.kind !== "tool" || !nonEmpty(delta.partial_json)) return [];
      block.sentArguments = true;
      return [{ type: "tool-call-delta", id: block.id!, argumentsDelta: delta.partial_json }];
    default:
      // citations_delta and later delta types.
      return [];
  }
}

function blockStop(state: AnthropicStreamState, index: unknown): StreamEvent[] {
  if (typeof index !== "number") return [];
  const block = state.blocks.get(index);
  state.blocks.delete(index);
  return block?.kind === "tool" ? closeCall(block) : [];
}

function closeCall(block: BlockState): StreamEvent[] {
  const id = block.id!;
  const events: StreamEvent[] = [];
  // A call without arguments streams none (or only ""); clients expect JSON, so it gets "{}".
  if (!block.sentArguments) events.push({ type: "tool-call-delta", id, argumentsDelta: block.initialInput ?? "{}" });
  events.push({ type: "tool-call-end", id });
  return events;
}

function end(state: AnthropicStreamState): StreamEvent[] {
  state.finished = true;
  const events: StreamEvent[] = [];
  // Calls an upstream left open end with the message.
  for (const block of state.blocks.values()) if (block.kind === "tool") events.push(...closeCall(block));
  state.blocks.clear();
  events.push({ type: "finish", reason: mapAnthropicStopReason(state.stopReason) });
  if (state.usage) events.push({ type: "usage", usage: mapAnthropicUsage(state.usage) });
  return events;
}

/**
 * The body ended. Without message_stop the answer may be cut short: a
 * retryable error — unless message_delta already brought the stop reason,
 * which Anthropic sends after the last content block, so the answer is
 * whole and only the final marker is missing (some compatible upstreams
 * leave it out).
 */
function finish(state: AnthropicStreamState): StreamEvent[] {
  if (state.failed || state.finished) return [];
  if (typeof state.stopReason === "string" && state.stopReason !== "") return withStart(state, end(state));
  return [{ type: "error", error: missingFinishError() }];
}

function nonEmpty(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
