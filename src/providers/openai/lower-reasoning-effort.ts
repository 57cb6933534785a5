import type { ReasoningConfig } from "../../ir/request.ts";
import type { OpenAIReasoningEffort } from "./types.ts";

/**
 * The `reasoning_effort` for a request's reasoning settings, or undefined
 * when the client asked for nothing (the model's default then applies).
 * An effort passes through as is: OpenAI documents none, minimal, low,
 * medium, high and xhigh (each model takes a subset, and says so with a 400).
 * A bare token budget (Anthropic-style clients send only that) picks the
 * nearest of the efforts every reasoning model takes: low (about 1K tokens),
 * medium (about 8K) or high; a budget of 0 asks for no reasoning.
 */
export function lowerOpenAIReasoningEffort(reasoning: ReasoningConfig | undefined): OpenAIReasoningEffort | undefined {
  if (reasoning?.effort !== undefined) return reasoning.effort;
  const budget = reasoning?.budgetTokens;
  if (budget === undefined) return undefined;
  if (budget <= 0) return "none";
  if (budget < 4096) return "low";
  if (budget < 16384) return "medium";
  return "high";
}
