import type { FinishReason } from "../../ir/finish-reason.ts";

export type CompletionsFinishReason = "stop" | "length" | "content_filter";

/**
 * The unified finish reason as the Completions API names it. The endpoint
 * has no tools, so a tool-call ending (which a prompt cannot ask for) reads
 * as `stop`, as do errors and unknown reasons.
 */
export function mapFinishReasonToCompletions(reason: FinishReason): CompletionsFinishReason {
  switch (reason.unified) {
    case "length":
      return "length";
    case "content-filter":
      return "content_filter";
    case "stop":
    case "tool-calls":
    case "error":
    case "other":
      return "stop";
  }
}
