import type { Usage } from "../../ir/usage.ts";

/** Completions `usage`: the three counts the legacy endpoint documents, nothing more. */
export interface CompletionsUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** IR usage in OpenAI's split: prompt tokens include cached ones, completion tokens include reasoning ones. */
export function mapUsageToCompletions(usage: Usage): CompletionsUsage {
  return {
    prompt_tokens: usage.input.total,
    completion_tokens: usage.output.total,
    total_tokens: usage.input.total + usage.output.total,
  };
}
