import type { StreamEvent } from "../../ir/event.ts";
import type { Signature } from "../../ir/request.ts";
import type { Usage } from "../../ir/usage.ts";
import type { StreamMachine } from "../../sse/pipe.ts";
import type { EncodeContext } from "../types.ts";
import type { GeminiNativeOptions } from "./decode-request.ts";
import { encodeGeminiError } from "./encode-error.ts";
import { type GeminiFramer, createGeminiFramer } from "./gemini-framer.ts";
import { GeminiPartBuilder } from "./gemini-part-builder.ts";
import { mapFinishReasonToGemini } from "./map-finish-reason.ts";
import { mapUsageToGemini } from "./map-usage.ts";
import type { GeminiFinishReason, GeminiGenerateContentResponse, GeminiOutputCandidate, GeminiOutputPart } from "./types.ts";

interface OpenCall {
  name: string;
  arguments: string;
  signature?: Signature;
}

interface ChoiceState {
  builder: GeminiPartBuilder;
  /** Calls whose arguments are still arriving, by id, in the order they started. */
  calls: Map<string, OpenCall>;
  /** Set by `finish`; the candidate goes out with the last chunk, beside the usage. */
  finishReason?: GeminiFinishReason;
  /** The finishing chunk went out: nothing more for this candidate. */
  done: boolean;
}

export interface GeminiStreamState {
  choices: Map<number, ChoiceState>;
  framer: GeminiFramer;
  /** Set once an error chunk or the end went out: nothing may follow. */
  ended: boolean;
}

/**
 * IR events → streamed `GenerateContentResponse` chunks, framed as SSE
 * (`alt=sse`) or as Google's JSON array. Text and shown thoughts go out as
 * they come, one chunk per event; a function call goes out whole, in one
 * chunk, once its arguments are complete (Gemini never streams partial
 * arguments). Finishes are held back and sent with the usage in one last
 * chunk, as Gemini ends its streams. An error becomes an `{"error": …}`
 * chunk that ends the stream (and closes the array).
 */
export function geminiStreamMachine(
  context: EncodeContext<GeminiNativeOptions>,
): StreamMachine<GeminiStreamState, StreamEvent, string> {
  const { includeThoughts, framing } = context.options;

  const chunk = (state: GeminiStreamState, candidates: GeminiOutputCandidate[], usage?: Usage): string => {
    // Google's field order: candidates, usageMetadata, modelVersion, responseId.
    const response: GeminiGenerateContentResponse = usage
      ? { candidates, usageMetadata: mapUsageToGemini(usage), modelVersion: context.model, responseId: context.id }
      : { candidates, modelVersion: context.model, responseId: context.id };
    return state.framer.frame(response);
  };

  const choiceState = (state: GeminiStreamState, index: number): ChoiceState => {
    let choice = state.choices.get(index);
    if (!choice) {
      choice = { builder: new GeminiPartBuilder(includeThoughts), calls: new Map(), done: false };
      state.choices.set(index, choice);
    }
    return choice;
  };

  /** A chunk with what the choice's builder holds now, if anything. */
  const emit = (state: GeminiStreamState, index: number, parts: GeminiOutputPart[]): string[] =>
    parts.length === 0 ? [] : [chunk(state, [{ content: { parts, role: "model" }, index }])];

  /** The last chunk: every finished candidate not yet sent, and the usage when there is one. */
  const closing = (state: GeminiStreamState, usage?: Usage): string[] => {
    const candidates: GeminiOutputCandidate[] = [];
    for (const [index, choice] of [...state.choices].sort(([a], [b]) => a - b)) {
      if (choice.done || choice.finishReason === undefined) continue;
      choice.done = true;
      const parts = choice.builder.close();
      // Gemini's own last chunk carries an empty text part beside the finish reason.
      candidates.push({
        content: { parts: parts.length > 0 ? parts : [{ text: "" }], role: "model" },
        finishReason: choice.finishReason,
        index,
      });
    }
    return candidates.length > 0 || usage ? [chunk(state, candidates, usage)] : [];
  };

  return {
    start: () => ({ choices: new Map(), framer: createGeminiFramer(framing), ended: false }),

    step(state, event) {
      if (state.ended) return [];
      if (event.type === "usage") return closing(state, event.usage);
      if (event.type === "error") {
        state.ended = true;
        return [state.framer.frame(encodeGeminiError(event.error).body), state.framer.end()].filter((frame) => frame !== "");
      }
      if (event.type === "message-start") return [];
      const index = event.choice ?? 0;
      const choice = choiceState(state, index);
      if (choice.finishReason !== undefined) return [];
      switch (event.type) {
        case "text-delta":
          choice.builder.text(event.text);
          return emit(state, index, choice.builder.drain());
        case "reasoning-delta":
          choice.builder.reasoning(event.text);
          return emit(state, index, choice.builder.drain());
        case "reasoning-signature":
          choice.builder.signature(event.signature);
          return emit(state, index, choice.builder.drain());
        case "text-signature":
          choice.builder.textSignature(event.signature);
          return emit(state, index, choice.builder.drain());
        case "image":
          choice.builder.image(event.mediaType, event.data, event.signature);
          return emit(state, index, choice.builder.drain());
        case "tool-call-start":
          choice.calls.set(event.id, { name: event.name, arguments: "", ...(event.signature && { signature: event.signature }) });
          return [];
        case "tool-call-delta": {
          const call = choice.calls.get(event.id);
          if (call) call.arguments += event.argumentsDelta;
          // A delta without its start (against the event contract): keep the arguments under an unnamed call.
          else choice.calls.set(event.id, { name: "", arguments: event.argumentsDelta });
          return [];
        }
        case "tool-call-end": {
          const call = choice.calls.get(event.id);
          if (!call) return [];
          choice.calls.delete(event.id);
          choice.builder.functionCall(call.name, call.arguments, call.signature);
          return emit(state, index, choice.builder.drain());
        }
        case "finish":
          // Calls the upstream never closed go out with the finish rather than being lost.
          for (const call of choice.calls.values()) choice.builder.functionCall(call.name, call.arguments, call.signature);
          choice.calls.clear();
          choice.finishReason = mapFinishReasonToGemini(event.reason);
          return [];
      }
    },

    finish(state) {
      if (state.ended) return [];
      state.ended = true;
      const frames = closing(state);
      // A candidate that never finished still gets what it holds (a signature, an unclosed call).
      for (const [index, choice] of state.choices) {
        if (choice.done || choice.finishReason !== undefined) continue;
        for (const call of choice.calls.values()) choice.builder.functionCall(call.name, call.arguments, call.signature);
        frames.push(...emit(state, index, choice.builder.close()));
      }
      const end = state.framer.end();
      if (end !== "") frames.push(end);
      return frames;
    },
  };
}
