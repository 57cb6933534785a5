import type { FinishReason, FinishReasonKind } from "../../ir/finish-reason.ts";

const contentFilter = new Set([
  "SAFETY",
  "RECITATION",
  "BLOCKLIST",
  "PROHIBITED_CONTENT",
  "SPII",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
  "IMAGE_RECITATION",
  "LANGUAGE",
]);

const failedToolCall = new Set(["MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL"]);

/**
 * Maps Gemini's `finishReason`. Gemini says STOP even when the answer ends in
 * function calls, so the caller tells whether this choice made any.
 */
export function mapGeminiFinishReason(raw: string | undefined, hasToolCalls: boolean): FinishReason {
  return raw === undefined ? { unified: unify(raw, hasToolCalls) } : { unified: unify(raw, hasToolCalls), raw };
}

function unify(raw: string | undefined, hasToolCalls: boolean): FinishReasonKind {
  if (raw === "STOP") return hasToolCalls ? "tool-calls" : "stop";
  if (raw === "MAX_TOKENS") return "length";
  if (raw !== undefined && contentFilter.has(raw)) return "content-filter";
  if (raw !== undefined && failedToolCall.has(raw)) return "error";
  return "other";
}
