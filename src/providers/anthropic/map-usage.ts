import type { Usage } from "../../ir/usage.ts";
import type { AnthropicUsageData } from "./types.ts";

/**
 * Maps Anthropic's usage. Anthropic's `input_tokens` counts only the input
 * after the last cache breakpoint; cache reads and writes are reported
 * beside it. The IR's `input.total` includes both, so they are added back.
 * Output includes thinking (Anthropic bills it as output); its share, when
 * reported (`output_tokens_details.thinking_tokens`), becomes `reasoning`.
 */
export function mapAnthropicUsage(usage: AnthropicUsageData | undefined): Usage {
  const input = count(usage?.input_tokens);
  const cacheRead = usage?.cache_read_input_tokens;
  const cacheWrite = usage?.cache_creation_input_tokens;
  const mapped: Usage = {
    input: { total: input + count(cacheRead) + count(cacheWrite) },
    output: { total: count(usage?.output_tokens) },
  };
  if (isCount(cacheRead)) mapped.input.cacheRead = cacheRead;
  if (isCount(cacheWrite)) mapped.input.cacheWrite = cacheWrite;
  const thinking = usage?.output_tokens_details?.thinking_tokens;
  if (isCount(thinking)) mapped.output.reasoning = thinking;
  return mapped;
}

/**
 * Folds a later usage report into an earlier one: `message_delta` repeats
 * the counts cumulatively, and Anthropic-compatible upstreams often send 0
 * or nothing for the input in `message_start` and the real count at the end.
 * A field the later report leaves out or nulls keeps its earlier value.
 */
export function mergeAnthropicUsage(earlier: AnthropicUsageData | undefined, later: AnthropicUsageData): AnthropicUsageData {
  const merged: AnthropicUsageData = { ...earlier };
  for (const key of ["input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"] as const) {
    const value = later[key];
    if (isCount(value)) merged[key] = value;
  }
  const thinking = later.output_tokens_details?.thinking_tokens;
  if (isCount(thinking)) merged.output_tokens_details = { thinking_tokens: thinking };
  return merged;
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

function count(value: unknown): number {
  return isCount(value) ? value : 0;
}
