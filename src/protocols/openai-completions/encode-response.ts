import type { ChatResponse, ResponseChoice } from "../../ir/response.ts";
import { emptyUsage } from "../../ir/usage.ts";
import type { EncodeContext } from "../types.ts";
import type { CompletionsOptions } from "./decode-request.ts";
import { type CompletionsFinishReason, mapFinishReasonToCompletions } from "./map-finish-reason.ts";
import { type CompletionsUsage, mapUsageToCompletions } from "./map-usage.ts";

export interface CompletionChoice {
  text: string;
  index: number;
  logprobs: null;
  finish_reason: CompletionsFinishReason;
}

export interface Completion {
  id: string;
  object: "text_completion";
  created: number;
  model: string;
  choices: CompletionChoice[];
  usage: CompletionsUsage;
}

/**
 * A collected response as a `text_completion` object. Each choice's text is
 * its text parts joined (reasoning is not part of a completion), after the
 * prompt when the client asked for `echo`.
 */
export function encodeOpenAICompletionsResponse(
  response: ChatResponse,
  context: EncodeContext<CompletionsOptions>,
): Completion {
  const echo = context.options.echo ?? "";
  return {
    id: context.id,
    object: "text_completion",
    created: context.created,
    model: context.model,
    choices: response.choices.map((choice) => encodeChoice(choice, echo)),
    // OpenAI always reports usage and clients read it without checking; zeros beat a missing object.
    usage: mapUsageToCompletions(response.usage ?? emptyUsage()),
  };
}

function encodeChoice(choice: ResponseChoice, echo: string): CompletionChoice {
  let text = echo;
  for (const part of choice.content) if (part.type === "text") text += part.text;
  return { text, index: choice.index, logprobs: null, finish_reason: mapFinishReasonToCompletions(choice.finishReason) };
}
