import type { FinishReason, FinishReasonKind } from "../../ir/finish-reason.ts";

export type AnthropicStopReason = "end_turn" | "max_tokens" | "tool_use" | "refusal";

const stopReasons: Record<FinishReasonKind, AnthropicStopReason> = {
  stop: "end_turn",
  length: "max_tokens",
  "tool-calls": "tool_use",
  "content-filter": "refusal",
  // Anthropic has no stop reason for a failed or unknown ending; Claude Code treats end_turn as "done".
  error: "end_turn",
  other: "end_turn",
};

/** The unified finish reason as Anthropic's `stop_reason`. */
export function mapStopReason(reason: FinishReason): AnthropicStopReason {
  return stopReasons[reason.unified];
}
