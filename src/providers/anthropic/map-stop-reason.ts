import type { FinishReason, FinishReasonKind } from "../../ir/finish-reason.ts";

const unified: Record<string, FinishReasonKind> = {
  end_turn: "stop",
  stop_sequence: "stop",
  max_tokens: "length",
  // The conversation outgrew the context window mid-answer: cut short, like max_tokens.
  model_context_window_exceeded: "length",
  tool_use: "tool-calls",
  refusal: "content-filter",
  // A server tool (web search) paused a long turn; the client must send it back to continue.
  pause_turn: "other",
};

/** Maps Anthropic's `stop_reason`, keeping the raw value beside the unified one. */
export function mapAnthropicStopReason(raw: string | null | undefined): FinishReason {
  if (raw === null || raw === undefined || raw === "") return { unified: "other" };
  return { unified: unified[raw] ?? "other", raw };
}
