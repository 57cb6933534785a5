import type { ChatRequest, ReasoningConfig, ReasoningEffort } from "../../ir/request.ts";
import { invalidField } from "../shared/invalid-field.ts";
import { geminiSchemaToJsonSchema } from "./gemini-schema-to-json-schema.ts";
import type { GeminiGenerationConfig } from "./schema.ts";

type Sampling = Pick<
  ChatRequest,
  | "temperature"
  | "topP"
  | "topK"
  | "maxOutputTokens"
  | "stopSequences"
  | "choices"
  | "seed"
  | "presencePenalty"
  | "frequencyPenalty"
  | "responseFormat"
  | "reasoning"
>;

const levels: Record<string, ReasoningEffort> = { minimal: "minimal", low: "low", medium: "medium", high: "high" };

/**
 * `generationConfig` as IR request fields. JSON output is asked for by
 * `responseMimeType: application/json` or by giving a schema
 * (`responseJsonSchema` as is, `responseSchema` converted from Gemini's
 * Schema). `thinkingConfig`: a budget of 0 turns thinking off, -1 (dynamic)
 * leaves the model's default, any other budget is kept as a budget; a level
 * becomes the same effort. `includeThoughts` only decides what the encoders
 * show, and is read by the caller.
 */
export function decodeGenerationConfig(config: GeminiGenerationConfig | null | undefined): Sampling {
  const decoded: Sampling = {};
  if (config == null) return decoded;
  if (config.temperature != null) decoded.temperature = config.temperature;
  if (config.topP != null) decoded.topP = config.topP;
  if (config.topK != null) decoded.topK = config.topK;
  if (config.maxOutputTokens != null) decoded.maxOutputTokens = config.maxOutputTokens;
  if (config.stopSequences != null && config.stopSequences.length > 0) decoded.stopSequences = config.stopSequences;
  if (config.candidateCount != null) decoded.choices = config.candidateCount;
  if (config.seed != null) decoded.seed = config.seed;
  if (config.presencePenalty != null) decoded.presencePenalty = config.presencePenalty;
  if (config.frequencyPenalty != null) decoded.frequencyPenalty = config.frequencyPenalty;

  const schema =
    config.responseJsonSchema ?? (config.responseSchema != null ? geminiSchemaToJsonSchema(config.responseSchema) : undefined);
  if (schema !== undefined) decoded.responseFormat = { type: "json", schema };
  else if (config.responseMimeType?.toLowerCase() === "application/json") decoded.responseFormat = { type: "json" };

  const reasoning = decodeThinking(config.thinkingConfig);
  if (reasoning) decoded.reasoning = reasoning;
  return decoded;
}

function decodeThinking(thinking: GeminiGenerationConfig["thinkingConfig"]): ReasoningConfig | undefined {
  if (thinking == null) return undefined;
  const reasoning: ReasoningConfig = {};
  const level = thinking.thinkingLevel?.toLowerCase();
  if (level != null && level !== "thinking_level_unspecified") {
    const effort = levels[level];
    if (effort === undefined) {
      throw invalidField(
        ["generationConfig", "thinkingConfig", "thinkingLevel"],
        `expected one of MINIMAL, LOW, MEDIUM, HIGH, got ${JSON.stringify(thinking.thinkingLevel)}`,
      );
    }
    reasoning.effort = effort;
  }
  const budget = thinking.thinkingBudget;
  if (budget === 0) reasoning.effort = "none";
  else if (budget != null && budget > 0) reasoning.budgetTokens = budget;
  return reasoning.effort === undefined && reasoning.budgetTokens === undefined ? undefined : reasoning;
}
