import type { GatewayError } from "../../ir/errors.ts";
import type { StreamEvent } from "../../ir/event.ts";
import { emptyUsage } from "../../ir/usage.ts";
import type { StreamMachine } from "../../sse/pipe.ts";
import type { EncodeContext } from "../types.ts";
import type { ResponsesOptions } from "./decode-request.ts";
import { responsesFailure } from "./failure.ts";
import { mapFinishReasonToStatus } from "./map-status.ts";
import { mapUsageToResponses } from "./map-usage.ts";
import { responseObject } from "./response-object.ts";
import {
  callDelta,
  closeCall,
  closeText,
  emit,
  initialStreamState,
  messageDelta,
  openCall,
  imageItem,
  reasoningDelta,
  reasoningSignature,
  type ResponsesStreamState,
  signatureItem,
  type StreamEncoding,
} from "./stream-items.ts";
import { toolOrigin } from "./tool-origins.ts";

/**
 * IR events → Responses SSE, every event with an `event:` line and an
 * increasing `sequence_number`: `response.created` and `response.in_progress`
 * first; then for each output item `response.output_item.added`, its deltas
 * (`output_text`, `reasoning_summary_text`, `function_call_arguments`, a
 * custom tool's input in one piece) with their `.done` events, and
 * `response.output_item.done` with the complete item, which is what Codex
 * reads; finally `response.completed` (or `response.incomplete` when the
 * token limit or a content filter cut the answer) with the whole Response and
 * its usage. Usage comes after the finish in the IR, so the terminal event
 * waits for it (or for the end of the stream). An error ends the stream with
 * `response.failed` and an `error` event, nothing after. Only choice 0 is
 * encoded: a Response has one output.
 */
export function openaiResponsesStreamMachine(
  context: EncodeContext<ResponsesOptions>,
): StreamMachine<ResponsesStreamState, StreamEvent, string> {
  const encoding: StreamEncoding = { responseId: context.id, includeEncrypted: context.options.includeEncrypted };

  const start = (state: ResponsesStreamState, frames: string[]): void => {
    if (state.started) return;
    state.started = true;
    const response = responseObject(context, { status: "in_progress", output: [] });
    emit(state, frames, { type: "response.created", response });
    emit(state, frames, { type: "response.in_progress", response });
  };

  /** Completes every open item, in output order. */
  const closeAll = (state: ResponsesStreamState, frames: string[]): void => {
    closeText(state, frames, encoding);
    const calls = [...state.calls.values()].sort((a, b) => a.index - b.index);
    for (const call of calls) closeCall(state, frames, encoding, call);
    // The text's signature follows the whole answer, so the message stays one item.
    if (state.textSignature) signatureItem(state, frames, encoding, state.textSignature, "x");
    state.textSignature = undefined;
  };

  const end = (state: ResponsesStreamState, frames: string[]): void => {
    start(state, frames);
    closeAll(state, frames);
    state.ended = true;
    const outcome = mapFinishReasonToStatus(state.finishReason);
    const response = responseObject(context, {
      status: outcome.status,
      output: state.output.filter((item) => item !== undefined),
      // OpenAI always reports usage on a finished response; zeros beat a missing object.
      usage: mapUsageToResponses(state.usage ?? emptyUsage()),
      incompleteDetails: outcome.incomplete_details,
    });
    emit(state, frames, { type: outcome.status === "completed" ? "response.completed" : "response.incomplete", response });
  };

  const fail = (state: ResponsesStreamState, frames: string[], error: GatewayError): void => {
    start(state, frames);
    state.ended = true;
    const failure = responsesFailure(error);
    const response = responseObject(context, {
      status: "failed",
      output: state.output.filter((item) => item !== undefined),
      usage: state.usage ? mapUsageToResponses(state.usage) : undefined,
      error: { code: failure.code, message: failure.message },
    });
    emit(state, frames, { type: "response.failed", response });
    emit(state, frames, { type: "error", code: failure.code, message: failure.message, param: failure.param });
  };

  return {
    start: initialStreamState,

    step(state, event) {
      if (state.ended) return [];
      const frames: string[] = [];
      if (event.type === "error") {
        fail(state, frames, event.error);
        return frames;
      }
      if ("choice" in event && (event.choice ?? 0) !== 0) return frames;
      start(state, frames);
      switch (event.type) {
        case "message-start":
          break;
        case "text-delta":
          if (event.text !== "") messageDelta(state, frames, encoding, event.text);
          break;
        case "reasoning-delta":
          if (event.text !== "") reasoningDelta(state, frames, encoding, event.text);
          break;
        case "reasoning-signature":
          reasoningSignature(state, frames, encoding, event.signature);
          break;
        case "text-signature":
          state.textSignature = event.signature;
          break;
        case "image":
          imageItem(state, frames, encoding, event.mediaType, event.data);
          break;
        case "tool-call-start": {
          const call: Parameters<typeof openCall>[3] = { id: event.id, origin: toolOrigin(context.options.tools, event.name) };
          if (event.signature) call.signature = event.signature;
          openCall(state, frames, encoding, call);
          break;
        }
        case "tool-call-delta": {
          let call = state.calls.get(event.id);
          if (!call) {
            // A delta without its start (against the event contract): open the call so the arguments are not lost.
            openCall(state, frames, encoding, { id: event.id, origin: toolOrigin(context.options.tools, "") });
            call = state.calls.get(event.id);
          }
          if (call && event.argumentsDelta !== "") callDelta(state, frames, encoding, call, event.argumentsDelta);
          break;
        }
        case "tool-call-end": {
          const call = state.calls.get(event.id);
          if (call) closeCall(state, frames, encoding, call);
          break;
        }
        case "finish":
          state.finishReason = event.reason;
          state.finished = true;
          closeAll(state, frames);
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
