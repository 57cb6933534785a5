import type { FinishReason } from "../../ir/finish-reason.ts";
import type { GeminiFinishReason } from "./types.ts";

/**
 * The unified finish reason as Gemini names it. Gemini says STOP when an
 * answer ends in function calls too; errors and unknown reasons are OTHER.
 */
export function mapFinishReasonToGemini(reason: FinishReason): GeminiFinishReason {
  switch (reason.unified) {
    case "stop":
    case "tool-calls":
      return "STOP";
    case "length":
      return "MAX_TOKENS";
    case "content-filter":
      return "SAFETY";
    case "error":
    case "other":
      return "OTHER";
  }
}
