import type { Usage } from "../../ir/usage.ts";

/** Responses `usage`: input tokens include cached ones, output tokens include reasoning ones (the IR counts so too). */
export interface ResponsesUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export function mapUsageToResponses(usage: Usage): ResponsesUsage {
  return {
    input_tokens: usage.input.total,
    input_tokens_details: { cached_tokens: usage.input.cacheRead ?? 0 },
    output_tokens: usage.output.total,
    output_tokens_details: { reasoning_tokens: usage.output.reasoning ?? 0 },
    total_tokens: usage.input.total + usage.output.total,
  };
}
