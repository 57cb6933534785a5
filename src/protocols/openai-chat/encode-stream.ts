import type { StreamEvent } from "../../ir/event.ts";
import type { Usage } from "../../ir/usage.ts";
import { formatSse } from "../../sse/encode.ts";
import type { StreamMachine } from "../../sse/pipe.ts";
import type { EncodeContext } from "../types.ts";
import type { OpenAIChatOptions } from "./decode-request.ts";
import { encodeOpenAIError } from "../shared/encode-openai-error.ts";
import { type OpenAIFinishReason, mapFinishReasonToOpenAI } from "./map-finish-reason.ts";
import { type OpenAIChatUsage, mapUsageToOpenAI } from "./map-usage.ts";

/** An image in an assistant message or delta: a `data:` URL. */
export interface OpenAIChatImage {
  type: "image_url";
  image_url: { url: string };
}

/** A generated image as Chat Completions clients read it: `{type: "image_url", image_url: {url: "data:…;base64,…"}}`. */
export function chatImage(mediaType: string | undefined, data: string): OpenAIChatImage {
  return { type: "image_url", image_url: { url: `data:${mediaType ?? "image/png"};base64,${data}` } };
}

export interface OpenAIChatDelta {
  role?: "assistant";
  content?: string;
  reasoning_content?: string;
  /** Generated images, the convention OpenRouter and LiteLLM use for image models in Chat Completions. */
  images?: OpenAIChatImage[];
  tool_calls?: Array<{
    index: number;
    id?: string;
    type?: "function";
    function: { name?: string; arguments: string };
    extra_content?: { google: { thought_signature: string } };
  }>;
}

export interface OpenAIChatChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: Array<{ index: number; delta: OpenAIChatDelta; logprobs: null; finish_reason: OpenAIFinishReason | null }>;
  /** Present only with `include_usage`: null on every chunk but the last. */
  usage?: OpenAIChatUsage | null;
}

interface ChoiceState {
  /** Tool call id → its `index` in `delta.tool_calls`, numbered per choice in order of appearance. */
  toolIndexes: Map<string, number>;
  finished: boolean;
}

export interface OpenAIChatStreamState {
  choices: Map<number, ChoiceState>;
  usage?: Usage;
  /** Set once an error frame or [DONE] went out: nothing may follow. */
  ended: boolean;
}

/**
 * IR events → Chat Completions SSE frames (`data: {chunk}`, no event names).
 * Each choice opens with a `{role: "assistant", content: ""}` delta; a finish
 * is an empty delta with `finish_reason`; with `include_usage` a last chunk
 * with no choices carries the usage. The stream ends with `data: [DONE]`, or
 * with an error frame `data: {"error": …}` (as OpenAI and its SDKs do) and
 * nothing after it.
 */
export function openaiChatStreamMachine(
  context: EncodeContext<OpenAIChatOptions>,
): StreamMachine<OpenAIChatStreamState, StreamEvent, string> {
  const includeUsage = context.options.includeUsage;

  const frame = (choices: OpenAIChatChunk["choices"], usage: OpenAIChatUsage | null = null): string => {
    const chunk: OpenAIChatChunk = {
      id: context.id,
      object: "chat.completion.chunk",
      created: context.created,
      model: context.model,
      choices,
    };
    if (includeUsage) chunk.usage = usage;
    return formatSse(JSON.stringify(chunk));
  };

  const choiceFrame = (index: number, delta: OpenAIChatDelta, finishReason: OpenAIFinishReason | null = null) =>
    frame([{ index, delta, logprobs: null, finish_reason: finishReason }]);

  /** Frames for one delta of a choice, preceded by the choice's opening chunk the first time. */
  const emit = (
    state: OpenAIChatStreamState,
    index: number,
    build: (choice: ChoiceState) => OpenAIChatDelta | undefined,
  ): string[] => {
    let choice = state.choices.get(index);
    const frames: string[] = [];
    if (!choice) {
      choice = { toolIndexes: new Map(), finished: false };
      state.choices.set(index, choice);
      frames.push(choiceFrame(index, { role: "assistant", content: "" }));
    }
    if (choice.finished) return frames;
    const delta = build(choice);
    if (delta) frames.push(choiceFrame(index, delta));
    return frames;
  };

  return {
    start: () => ({ choices: new Map(), ended: false }),

    step(state, event) {
      if (state.ended) return [];
      switch (event.type) {
        case "message-start":
        case "reasoning-signature":
        // Chat Completions has no place for a signature on the answer's text; Gemini does not require it back.
        case "text-signature":
        case "tool-call-end":
          return [];
        case "text-delta":
          return emit(state, event.choice ?? 0, () => (event.text === "" ? undefined : { content: event.text }));
        case "reasoning-delta":
          return emit(state, event.choice ?? 0, () =>
            event.text === "" ? undefined : { reasoning_content: event.text },
          );
        case "image":
          return emit(state, event.choice ?? 0, () => ({ images: [chatImage(event.mediaType, event.data)] }));
        case "tool-call-start":
          return emit(state, event.choice ?? 0, (choice) => {
            const index = choice.toolIndexes.size;
            choice.toolIndexes.set(event.id, index);
            const call: NonNullable<OpenAIChatDelta["tool_calls"]>[number] = {
              index,
              id: event.id,
              type: "function",
              function: { name: event.name, arguments: "" },
            };
            if (event.signature?.family === "gemini") {
              call.extra_content = { google: { thought_signature: event.signature.value } };
            }
            return { tool_calls: [call] };
          });
        case "tool-call-delta":
          return emit(state, event.choice ?? 0, (choice) => {
            const known = choice.toolIndexes.get(event.id);
            const args = event.argumentsDelta;
            if (known !== undefined) return { tool_calls: [{ index: known, function: { arguments: args } }] };
            // A delta without its start (against the event contract): open the call so the arguments are not lost.
            const index = choice.toolIndexes.size;
            choice.toolIndexes.set(event.id, index);
            return { tool_calls: [{ index, id: event.id, type: "function", function: { name: "", arguments: args } }] };
          });
        case "finish": {
          const index = event.choice ?? 0;
          const frames = emit(state, index, () => undefined);
          const choice = state.choices.get(index) as ChoiceState;
          if (choice.finished) return frames;
          choice.finished = true;
          frames.push(choiceFrame(index, {}, mapFinishReasonToOpenAI(event.reason)));
          return frames;
        }
        case "usage":
          state.usage = event.usage;
          return [];
        case "error":
          state.ended = true;
          return [formatSse(JSON.stringify(encodeOpenAIError(event.error).body))];
      }
    },

    finish(state) {
      if (state.ended) return [];
      state.ended = true;
      const frames: string[] = [];
      if (includeUsage && state.usage) frames.push(frame([], mapUsageToOpenAI(state.usage)));
      frames.push(formatSse("[DONE]"));
      return frames;
    },
  };
}
