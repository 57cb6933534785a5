import type { FinishReason } from "../../ir/finish-reason.ts";

export type OpenAIFinishReason = "stop" | "length" | "tool_calls" | "content_filter";

/** The unified finish reason as Chat Completions names it; errors and unknown reasons read as `stop`. */
export function mapFinishReasonToOpenAI(reason: FinishReason): OpenAIFinishReason {
  switch (reason.unified) {
    case "length":
      return "length";
    case "tool-calls":
      return "tool_calls";
    case "content-filter":
      return "content_filter";
    case "stop":
    case "error":
    case "other":
      return "stop";
  }
}
