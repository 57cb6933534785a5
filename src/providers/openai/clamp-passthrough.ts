import type { Warning } from "../../ir/warning.ts";
import { clampOutputTokens } from "../output-limits.ts";

/**
 * A client's own Chat Completions body on its way through: an output limit
 * (`max_completion_tokens` or the older `max_tokens`) above the model's,
 * which OpenAI refuses with a 400, becomes the model's. Everything else is
 * left as the client sent it; the fields are copied, never changed in place.
 */
export function clampOpenAIPassthrough(
  fields: Record<string, unknown>,
  limit: number | undefined,
  model: string,
  warnings: Warning[],
): Record<string, unknown> {
  if (limit === undefined) return fields;
  let clamped = fields;
  for (const name of ["max_completion_tokens", "max_tokens"]) {
    const requested = fields[name];
    if (typeof requested !== "number" || requested <= limit) continue;
    clamped = { ...clamped, [name]: clampOutputTokens(requested, limit, model, warnings) };
  }
  return clamped;
}
