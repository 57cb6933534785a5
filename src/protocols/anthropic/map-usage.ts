import type { Usage } from "../../ir/usage.ts";

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/**
 * IR usage in Anthropic's split: `input_tokens` counts only the uncached
 * input, cache reads and writes are reported beside it (the IR's
 * `input.total` includes both); output includes reasoning, as in the IR.
 */
export function mapUsage(usage: Usage): AnthropicUsage {
  const cacheRead = usage.input.cacheRead ?? 0;
  const cacheWrite = usage.input.cacheWrite ?? 0;
  return {
    input_tokens: Math.max(0, usage.input.total - cacheRead - cacheWrite),
    output_tokens: usage.output.total,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
  };
}
