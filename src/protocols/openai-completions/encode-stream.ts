import type { StreamEvent } from "../../ir/event.ts";
import type { Usage } from "../../ir/usage.ts";
import { formatSse } from "../../sse/encode.ts";
import type { StreamMachine } from "../../sse/pipe.ts";
import type { EncodeContext } from "../types.ts";
import type { CompletionsOptions } from "./decode-request.ts";
import { encodeOpenAIError } from "../shared/encode-openai-error.ts";
import { type CompletionsFinishReason, mapFinishReasonToCompletions } from "./map-finish-reason.ts";
import { type CompletionsUsage, mapUsageToCompletions } from "./map-usage.ts";

export interface CompletionChunk {
  id: string;
  object: "text_completion";
  created: number;
  model: string;
  choices: Array<{ text: string; index: number; logprobs: null; finish_reason: CompletionsFinishReason | null }>;
  /** Present only with `include_usage`: null on every chunk but the last. */
  usage?: CompletionsUsage | null;
}

export interface CompletionsStreamState {
  /** Choices that have produced a chunk (their echo went out); true once finished. */
  choices: Map<number, boolean>;
  usage?: Usage;
  /** Set once an error frame or [DONE] went out: nothing may follow. */
  ended: boolean;
}

/**
 * IR events → legacy Completions SSE frames (`data: {chunk}`, no event
 * names). Text deltas become `text` chunks; with `echo` each choice opens
 * with the prompt; a finish is an empty text with `finish_reason`; with
 * `include_usage` a last chunk with no choices carries the usage. Reasoning
 * is not part of a completion and is dropped. The stream ends with
 * `data: [DONE]`, or with an error frame `data: {"error": …}` and nothing after it.
 */
export function openaiCompletionsStreamMachine(
  context: EncodeContext<CompletionsOptions>,
): StreamMachine<CompletionsStreamState, StreamEvent, string> {
  const { includeUsage, echo } = context.options;

  const frame = (choices: CompletionChunk["choices"], usage: CompletionsUsage | null = null): string => {
    const chunk: CompletionChunk = {
      id: context.id,
      object: "text_completion",
      created: context.created,
      model: context.model,
      choices,
    };
    if (includeUsage) chunk.usage = usage;
    return formatSse(JSON.stringify(chunk));
  };

  const textFrame = (index: number, text: string, finishReason: CompletionsFinishReason | null = null) =>
    frame([{ text, index, logprobs: null, finish_reason: finishReason }]);

  /** Opens a choice the first time it is seen: with `echo`, its text starts with the prompt. */
  const open = (state: CompletionsStreamState, index: number): string[] => {
    if (state.choices.has(index)) return [];
    state.choices.set(index, false);
    return echo !== undefined && echo !== "" ? [textFrame(index, echo)] : [];
  };

  return {
    start: () => ({ choices: new Map(), ended: false }),

    step(state, event) {
      if (state.ended) return [];
      switch (event.type) {
        case "text-delta": {
          const index = event.choice ?? 0;
          const frames = open(state, index);
          if (state.choices.get(index) === true || event.text === "") return frames;
          frames.push(textFrame(index, event.text));
          return frames;
        }
        case "finish": {
          const index = event.choice ?? 0;
          const frames = open(state, index);
          if (state.choices.get(index) === true) return frames;
          state.choices.set(index, true);
          frames.push(textFrame(index, "", mapFinishReasonToCompletions(event.reason)));
          return frames;
        }
        case "usage":
          state.usage = event.usage;
          return [];
        case "error":
          state.ended = true;
          return [formatSse(JSON.stringify(encodeOpenAIError(event.error).body))];
        default:
          // message-start, reasoning and tool calls have no place in a text completion.
          return [];
      }
    },

    finish(state) {
      if (state.ended) return [];
      state.ended = true;
      const frames: string[] = [];
      if (includeUsage && state.usage) frames.push(frame([], mapUsageToCompletions(state.usage)));
      frames.push(formatSse("[DONE]"));
      return frames;
    },
  };
}
