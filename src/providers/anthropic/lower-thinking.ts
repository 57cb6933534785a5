import { addWarning } from "../../ir/add-warning.ts";
import type { ReasoningConfig, ReasoningEffort } from "../../ir/request.ts";
import type { Warning } from "../../ir/warning.ts";

/** Anthropic refuses a thinking budget below this. */
export const MIN_THINKING_BUDGET = 1024;

/**
 * Budgets for efforts, with `thinking: {type: "enabled"}` rather than
 * `{type: "adaptive"}`: a budget works on every Claude model that thinks and
 * on the Anthropic-compatible upstreams (z.ai, Kimi, MiniMax), where adaptive
 * thinking is unknown. The top budget stays at 24576 so that, with the
 * default 4096 tokens of answer beside it, max_tokens stays under 32000 —
 * the output limit of the smallest thinking Claude models (Opus 4 and 4.1).
 */
export const THINKING_BUDGETS: Record<Exclude<ReasoningEffort, "none">, number> = {
  minimal: MIN_THINKING_BUDGET,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 24576,
};

export interface LoweredThinking {
  /** The budget, when thinking is on. */
  budgetTokens?: number;
  maxTokens: number;
}

/**
 * Thinking for a request's reasoning settings, and the max_tokens that goes
 * with it. An explicit budget wins over an effort; effort "none" or a zero
 * budget leaves thinking out (Anthropic's default is off). Anthropic wants
 * `1024 <= budget_tokens < max_tokens`: the budget is raised to the minimum,
 * and when it does not fit under max_tokens, max_tokens grows to the budget
 * plus the answer room the client asked for — but never past the model's
 * output limit (`outputLimit`, when known): there the budget shrinks to
 * leave the answer its room (up to half the limit), with a
 * `thinking_budget_clamped` warning.
 */
export function lowerAnthropicThinking(
  reasoning: ReasoningConfig | undefined,
  maxTokens: number,
  outputLimit?: number,
  warnings: Warning[] = [],
): LoweredThinking {
  const budget = thinkingBudget(reasoning);
  if (budget === undefined) return { maxTokens };
  const wanted = maxTokens > budget ? maxTokens : budget + maxTokens;
  if (outputLimit === undefined || wanted <= outputLimit) return { budgetTokens: budget, maxTokens: wanted };
  const answerRoom = Math.min(maxTokens, Math.floor(outputLimit / 2));
  const fitted = Math.max(MIN_THINKING_BUDGET, Math.min(budget, outputLimit - answerRoom));
  if (fitted !== budget) {
    addWarning(warnings, {
      code: "thinking_budget_clamped",
      message: `a thinking budget of ${budget} tokens does not fit the model's output limit of ${outputLimit} beside the answer; ${fitted} was sent`,
    });
  }
  return { budgetTokens: fitted, maxTokens: outputLimit };
}

/** Whether these reasoning settings turn Anthropic's thinking on. */
export function wantsAnthropicThinking(reasoning: ReasoningConfig | undefined): boolean {
  return thinkingBudget(reasoning) !== undefined;
}

function thinkingBudget(reasoning: ReasoningConfig | undefined): number | undefined {
  if (reasoning?.budgetTokens !== undefined) {
    if (!(reasoning.budgetTokens > 0) || reasoning.effort === "none") return undefined;
    return Math.max(MIN_THINKING_BUDGET, Math.round(reasoning.budgetTokens));
  }
  const effort = reasoning?.effort;
  if (effort === undefined || effort === "none") return undefined;
  return THINKING_BUDGETS[effort];
}
