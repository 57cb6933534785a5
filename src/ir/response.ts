import type { AssistantContent } from "./request.ts";
import type { FinishReason } from "./finish-reason.ts";
import type { Usage } from "./usage.ts";

/** One alternative answer: the assistant's content in the order it was produced. */
export interface ResponseChoice {
  index: number;
  content: AssistantContent[];
  finishReason: FinishReason;
}

/** A complete, non-streamed answer, collected from a stream of events. */
export interface ChatResponse {
  id?: string;
  /** The upstream's model name or version, when it reported one. */
  model?: string;
  choices: ResponseChoice[];
  usage?: Usage;
}
