import type { Warning } from "../../ir/warning.ts";
import { clampOutputTokens } from "../output-limits.ts";

/**
 * A client's own generateContent body on its way through: a
 * `generationConfig.maxOutputTokens` above the model's limit (Gemini's 400:
 * "supported range is from 1 (inclusive) to 65537 (exclusive)") becomes the
 * limit. Gemini takes the proto's snake_case names too, so both spellings
 * are read. Everything else is left as the client sent it; the fields are
 * copied, never changed in place.
 */
export function clampGeminiPassthrough(
  fields: Record<string, unknown>,
  limit: number | undefined,
  model: string,
  warnings: Warning[],
): Record<string, unknown> {
  if (limit === undefined) return fields;
  const configName = fields.generationConfig !== undefined ? "generationConfig" : "generation_config";
  const config = fields[configName];
  if (typeof config !== "object" || config === null) return fields;
  const values = config as Record<string, unknown>;
  const fieldName = values.maxOutputTokens !== undefined ? "maxOutputTokens" : "max_output_tokens";
  const requested = values[fieldName];
  if (typeof requested !== "number" || requested <= limit) return fields;
  return { ...fields, [configName]: { ...values, [fieldName]: clampOutputTokens(requested, limit, model, warnings) } };
}
