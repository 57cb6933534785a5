import { addWarning } from "../../ir/add-warning.ts";
import type { ReasoningConfig, ReasoningEffort } from "../../ir/request.ts";
import type { Warning } from "../../ir/warning.ts";
import type { GeminiThinkingConfig, GeminiThinkingLevel } from "./types.ts";

/** Token budgets for Gemini 2.5, which takes a number rather than a level. */
const budgets: Record<ReasoningEffort, number> = {
  none: 0,
  minimal: 512,
  low: 1024,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
};

/**
 * Gemini 3 takes a `thinkingLevel`. Only "low" and "high" are accepted by
 * every Gemini 3 model ("minimal" is refused by the Pro models with a 400,
 * "medium" only exists on Flash), and thinking cannot be switched off, so
 * none/minimal/low map to "low" and the rest to "high".
 */
const levels: Record<ReasoningEffort, GeminiThinkingLevel> = {
  none: "low",
  minimal: "low",
  low: "low",
  medium: "high",
  high: "high",
  xhigh: "high",
};

export function isGemini3(model: string): boolean {
  return /gemini-3(?!\d)/.test(model);
}

/**
 * The `thinkingConfig` for a request's reasoning settings, or undefined when
 * the client asked for nothing (Gemini then uses the model's default).
 * Gemini 3 gets a level, older models a budget; never both (that is a 400).
 * Thinking that cannot be switched off (Gemini 3) and a budget moved into
 * the model's range are reported in `warnings`.
 */
export function lowerGeminiThinking(
  reasoning: ReasoningConfig | undefined,
  model: string,
  warnings: Warning[] = [],
): GeminiThinkingConfig | undefined {
  const effort = reasoning?.effort;
  const budgetTokens = reasoning?.budgetTokens;
  if (effort === undefined && budgetTokens === undefined) return undefined;

  const wantsThoughts = effort !== undefined ? effort !== "none" : (budgetTokens ?? 0) > 0;
  const include = wantsThoughts ? { includeThoughts: true } : {};

  if (isGemini3(model)) {
    if (!wantsThoughts) {
      addWarning(warnings, {
        code: "reasoning_off_unsupported",
        message: `${model} cannot switch thinking off; it thinks at the lowest level instead`,
      });
    }
    // A bare budget (Anthropic-style clients send only that) picks the level the same efforts would.
    const level = effort !== undefined ? levels[effort] : (budgetTokens ?? 0) < budgets.medium ? "low" : "high";
    return { thinkingLevel: level, ...include };
  }

  const budget = budgetTokens ?? budgets[effort ?? "medium"];
  const clamped = clampBudget(budget, model);
  if (clamped !== Math.max(0, Math.round(budget))) {
    addWarning(warnings, {
      code: "thinking_budget_clamped",
      message: `a thinking budget of ${budget} tokens is outside ${model}'s range; ${clamped} was sent`,
    });
  }
  return { thinkingBudget: clamped, ...include };
}

/**
 * Gemini 2.5 refuses budgets outside the model's range with a 400: Pro thinks
 * at least 128 tokens and at most 32768; Flash and Flash-Lite at most 24576.
 */
function clampBudget(budget: number, model: string): number {
  const rounded = Math.max(0, Math.round(budget));
  if (model.includes("pro")) return Math.min(Math.max(rounded, 128), 32768);
  return Math.min(rounded, 24576);
}
