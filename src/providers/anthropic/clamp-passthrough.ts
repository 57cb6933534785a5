import { addWarning } from "../../ir/add-warning.ts";
import type { Warning } from "../../ir/warning.ts";
import { clampOutputTokens } from "../output-limits.ts";
import { MIN_THINKING_BUDGET } from "./lower-thinking.ts";

/**
 * A client's own Messages body on its way through: `max_tokens` above the
 * model's output limit (which Anthropic refuses with a 400) becomes the
 * limit, and a thinking budget that no longer fits under it shrinks to
 * leave the answer its room (Anthropic wants budget_tokens < max_tokens).
 * Everything else is left as the client sent it; the fields are copied,
 * never changed in place.
 */
export function clampAnthropicPassthrough(
  fields: Record<string, unknown>,
  limit: number | undefined,
  model: string,
  warnings: Warning[],
): Record<string, unknown> {
  const requested = fields.max_tokens;
  if (limit === undefined || typeof requested !== "number" || requested <= limit) return fields;
  const clamped: Record<string, unknown> = { ...fields, max_tokens: clampOutputTokens(requested, limit, model, warnings) };
  const thinking = fields.thinking as { budget_tokens?: unknown } | null | undefined;
  const budget = thinking?.budget_tokens;
  if (typeof budget === "number" && budget >= limit) {
    const answerRoom = Math.max(1, Math.min(requested - budget, Math.floor(limit / 2)));
    const fitted = Math.max(MIN_THINKING_BUDGET, limit - answerRoom);
    clamped.thinking = { ...thinking, budget_tokens: fitted };
    addWarning(warnings, {
      code: "thinking_budget_clamped",
      message: `a thinking budget of ${budget} tokens does not fit the model's output limit of ${limit} beside the answer; ${fitted} was sent`,
    });
  }
  return clamped;
}
