import type { Usage } from "../../ir/usage.ts";
import type { OpenAIUsage } from "./types.ts";

/**
 * Maps Chat Completions usage. `prompt_tokens` already includes the cached
 * tokens and `completion_tokens` the reasoning tokens, as the IR counts them.
 * Cache hits come as `prompt_tokens_details.cached_tokens` (OpenAI,
 * OpenRouter, Groq…) or DeepSeek's `prompt_cache_hit_tokens`.
 */
export function mapOpenAIUsage(usage: OpenAIUsage | undefined): Usage {
  const result: Usage = {
    input: { total: count(usage?.prompt_tokens) },
    output: { total: count(usage?.completion_tokens) },
  };
  const cached = usage?.prompt_tokens_details?.cached_tokens ?? usage?.prompt_cache_hit_tokens;
  if (isCount(cached)) result.input.cacheRead = cached;
  const reasoning = usage?.completion_tokens_details?.reasoning_tokens;
  if (isCount(reasoning)) result.output.reasoning = reasoning;
  return result;
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

function count(value: unknown): number {
  return isCount(value) ? value : 0;
}
