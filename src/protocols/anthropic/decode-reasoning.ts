import type { ReasoningConfig, ReasoningEffort, ResponseFormat } from "../../ir/request.ts";
import type { AnthropicEffort, AnthropicOutputConfig, AnthropicThinking } from "./schema.ts";

const efforts: Record<AnthropicEffort, ReasoningEffort> = {
  low: "low",
  medium: "medium",
  high: "high",
  xhigh: "xhigh",
  // The IR's top effort: no upstream has more.
  max: "xhigh",
};

/**
 * `thinking` and `output_config.effort` as one reasoning setting: an explicit
 * budget (with the effort, when given), thinking off, or an effort: the one
 * stated, "medium" for adaptive thinking without one.
 */
export function decodeReasoning(
  thinking: AnthropicThinking | null | undefined,
  outputConfig: AnthropicOutputConfig | null | undefined,
): ReasoningConfig | undefined {
  const effort = outputConfig?.effort == null ? undefined : efforts[outputConfig.effort];
  switch (thinking?.type) {
    case "enabled":
      return effort === undefined ? { budgetTokens: thinking.budget_tokens } : { budgetTokens: thinking.budget_tokens, effort };
    case "disabled":
      return { effort: "none" };
    case "adaptive":
      return { effort: effort ?? "medium" };
    case undefined:
      return effort === undefined ? undefined : { effort };
  }
}

/** `output_config.format`: structured output against a JSON Schema. */
export function decodeResponseFormat(outputConfig: AnthropicOutputConfig | null | undefined): ResponseFormat | undefined {
  const format = outputConfig?.format;
  if (format == null) return undefined;
  return { type: "json", schema: format.schema };
}
