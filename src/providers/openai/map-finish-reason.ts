import type { FinishReason, FinishReasonKind } from "../../ir/finish-reason.ts";

/**
 * Maps Chat Completions' `finish_reason`. Some compatible servers (Ollama,
 * older vLLM, Gemini's compatibility layer) say "stop" after tool calls, so
 * the caller tells whether this choice made any.
 */
export function mapOpenAIFinishReason(raw: string, hasToolCalls: boolean): FinishReason {
  return { unified: unify(raw, hasToolCalls), raw };
}

function unify(raw: string, hasToolCalls: boolean): FinishReasonKind {
  switch (raw) {
    case "stop":
      return hasToolCalls ? "tool-calls" : "stop";
    case "length":
      return "length";
    case "tool_calls":
    case "function_call":
      return "tool-calls";
    case "content_filter":
      return "content-filter";
    case "error":
      // OpenRouter ends a choice with "error" when the provider behind it failed mid-answer.
      return "error";
    default:
      return "other";
  }
}
