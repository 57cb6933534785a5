import type { Usage } from "../../ir/usage.ts";

/** Chat Completions `usage`, with the detail objects OpenAI's own responses carry. */
export interface OpenAIChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; cache_write_tokens?: number };
  completion_tokens_details: { reasoning_tokens: number };
}

/**
 * IR usage in OpenAI's split: prompt tokens include cached ones, completion
 * tokens include reasoning ones (the IR already counts that way). Tokens
 * written to a cache are reported only when the upstream counted some.
 */
export function mapUsageToOpenAI(usage: Usage): OpenAIChatUsage {
  const promptDetails: OpenAIChatUsage["prompt_tokens_details"] = { cached_tokens: usage.input.cacheRead ?? 0 };
  if (usage.input.cacheWrite) promptDetails.cache_write_tokens = usage.input.cacheWrite;
  return {
    prompt_tokens: usage.input.total,
    completion_tokens: usage.output.total,
    total_tokens: usage.input.total + usage.output.total,
    prompt_tokens_details: promptDetails,
    completion_tokens_details: { reasoning_tokens: usage.output.reasoning ?? 0 },
  };
}
