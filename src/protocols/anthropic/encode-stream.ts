import type { StreamEvent } from "../../ir/event.ts";
import { emptyUsage, type Usage } from "../../ir/usage.ts";
import type { StreamMachine } from "../../sse/pipe.ts";
import type { EncodeContext } from "../types.ts";
import type { AnthropicOptions } from "./decode-request.ts";
import { encodeAnthropicError } from "./encode-error.ts";
import { mapStopReason } from "./map-stop-reason.ts";
import { mapUsage } from "./map-usage.ts";
import { encodeSignature } from "../shared/signature-codec.ts";
import {
  type AnthropicStreamState,
  closeAll,
  closeBlock,
  delta,
  frame,
  initialStreamState,
  openBlock,
  openCall,
  closeThinking,
  redactedBlock,
  signatureBlock,
} from "./stream-blocks.ts";
import { callSignature, markdownImage } from "./encode-content.ts";

/**
 * IR events → Anthropic Messages SSE: `message_start`, content blocks
 * (`content_block_start`, `content_block_delta`…, `content_block_stop`, a new
 * block whenever the kind of content changes), `message_delta` with the stop
 * reason and usage, `message_stop`. Anthropic blocks cannot interleave, so a
 * tool call that starts while another is open waits, arguments buffered,
 * until that one ends. The stop reason is held until usage arrives (the IR
 * sends `finish` before `usage`). An error ends the stream with an `error`
 * event and nothing after it. Only choice 0 is encoded: Anthropic has one answer.
 */
export function anthropicStreamMachine(
  context: EncodeContext<AnthropicOptions>,
): StreamMachine<AnthropicStreamState, StreamEvent, string> {
  const thinkingOff = context.options.thinking === "disabled";
  /**
   * `message_start` states the input size, as Anthropic does (clients read
   * their context meter from it): the upstream's count when it gave one this
   * early, else the local estimate; the final count follows in message_delta.
   */
  const start = (state: AnthropicStreamState, frames: string[], early?: Usage): void => {
    if (state.started) return;
    state.started = true;
    const input = early
      ? mapUsage({ input: early.input, output: { total: 0 } })
      : { input_tokens: context.estimateInputTokens?.() ?? 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
    const message = {
      id: context.id,
      type: "message",
      role: "assistant",
      model: context.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: input.input_tokens,
        output_tokens: 0,
        cache_read_input_tokens: input.cache_read_input_tokens,
        cache_creation_input_tokens: input.cache_creation_input_tokens,
      },
    };
    frames.push(frame({ type: "message_start", message }));
  };

  const end = (state: AnthropicStreamState, frames: string[]): void => {
    start(state, frames);
    closeAll(state, frames);
    const usage = mapUsage(state.usage ?? emptyUsage());
    frames.push(
      frame({
        type: "message_delta",
        delta: { stop_reason: state.stopReason ?? "end_turn", stop_sequence: null },
        usage: {
          input_tokens: usage.input_tokens,
          output_tokens: usage.output_tokens,
          cache_read_input_tokens: usage.cache_read_input_tokens,
          cache_creation_input_tokens: usage.cache_creation_input_tokens,
        },
      }),
    );
    frames.push(frame({ type: "message_stop" }));
    state.ended = true;
  };

  return {
    start: initialStreamState,

    step(state, event) {
      if (state.ended) return [];
      if (event.type === "error") {
        state.ended = true;
        return [formatError(event.error)];
      }
      if ("choice" in event && (event.choice ?? 0) !== 0) return [];
      const frames: string[] = [];
      start(state, frames, event.type === "message-start" ? event.usage : undefined);
      switch (event.type) {
        case "message-start":
          break;
        case "text-delta":
          if (event.text === "") break;
          openBlock(state, frames, "text");
          delta(state, frames, { type: "text_delta", text: event.text });
          break;
        case "reasoning-delta":
          if (event.text === "" || thinkingOff) break;
          openBlock(state, frames, "thinking");
          delta(state, frames, { type: "thinking_delta", thinking: event.text });
          break;
        case "reasoning-signature": {
          if (thinkingOff) break;
          // A signature closes its block: reasoning after it is new reasoning, signed separately.
          const signature = encodeSignature(event.signature, "t");
          if (event.redacted) {
            closeAll(state, frames);
            redactedBlock(state, frames, signature);
          } else if (state.open?.kind === "thinking") {
            closeThinking(state, frames, signature);
          } else {
            closeAll(state, frames);
            signatureBlock(state, frames, signature);
          }
          break;
        }
        case "image":
          // A text block of its own holding the image as Markdown (see encodeContent).
          closeAll(state, frames);
          openBlock(state, frames, "text");
          delta(state, frames, { type: "text_delta", text: markdownImage(event.mediaType, event.data) });
          closeAll(state, frames);
          break;
        case "text-signature":
          // Anthropic's format has no place for a signature on text, and a
          // thinking block after the answer makes Claude Code report an empty
          // result (it reads the last block). Gemini does not require a text
          // part's signature back ("Thought signatures", Gemini API docs), so
          // it is not sent: the text stays whole and the next turn still works.
          break;
        case "tool-call-start": {
          if (thinkingOff) {
            startCall(state, frames, { ...event, signature: undefined });
            break;
          }
          // Reasoning right before a signed call carries the call's signature (`c`): one block, not two.
          const carried = state.open?.kind === "thinking" ? callSignature(event) : undefined;
          if (carried !== undefined) closeThinking(state, frames, carried);
          startCall(state, frames, carried === undefined ? event : { ...event, signature: undefined });
          break;
        }
        case "tool-call-delta":
          callDelta(state, frames, event.id, event.argumentsDelta);
          break;
        case "tool-call-end":
          endCall(state, frames, event.id);
          break;
        case "finish":
          state.stopReason = mapStopReason(event.reason);
          state.finished = true;
          if (state.usage) end(state, frames);
          break;
        case "usage":
          state.usage = event.usage;
          if (state.finished) end(state, frames);
          break;
      }
      return frames;
    },

    finish(state) {
      if (state.ended) return [];
      const frames: string[] = [];
      end(state, frames);
      return frames;
    },
  };
}

function formatError(error: Parameters<typeof encodeAnthropicError>[0]): string {
  return frame(encodeAnthropicError(error).body);
}

type CallStart = Extract<StreamEvent, { type: "tool-call-start" }>;

function startCall(state: AnthropicStreamState, frames: string[], event: CallStart): void {
  const call = { id: event.id, name: event.name, ...(event.signature ? { signature: event.signature } : {}) };
  if (state.open?.kind === "tool") {
    state.queue.push({ ...call, deltas: [], ended: false });
    return;
  }
  closeAll(state, frames);
  openCall(state, frames, call);
}

function callDelta(state: AnthropicStreamState, frames: string[], id: string, argumentsDelta: string): void {
  if (argumentsDelta === "") return;
  if (state.open?.kind === "tool" && state.open.callId === id) {
    delta(state, frames, { type: "input_json_delta", partial_json: argumentsDelta });
    return;
  }
  const queued = state.queue.find((call) => call.id === id);
  if (queued) {
    queued.deltas.push(argumentsDelta);
    return;
  }
  // Arguments for a call whose block already closed cannot be sent any more.
  if (state.closedCalls.has(id)) return;
  // A delta without its start (against the event contract): open the call so the arguments are not lost.
  startCall(state, frames, { type: "tool-call-start", id, name: "" });
  callDelta(state, frames, id, argumentsDelta);
}

function endCall(state: AnthropicStreamState, frames: string[], id: string): void {
  if (state.open?.kind === "tool" && state.open.callId === id) {
    closeBlock(state, frames);
    return;
  }
  const queued = state.queue.find((call) => call.id === id);
  if (queued) queued.ended = true;
}
