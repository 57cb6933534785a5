import type { Usage } from "../../ir/usage.ts";
import type { GeminiUsageMetadata } from "./types.ts";

/**
 * Maps Gemini's `usageMetadata`. The prompt count already includes cached
 * tokens; tool-use prompt tokens (grounding results) are counted separately
 * by Gemini and added here. Thoughts are billed as output, so output includes
 * them, as the IR expects.
 */
export function mapGeminiUsage(metadata: GeminiUsageMetadata | undefined): Usage {
  const prompt = count(metadata?.promptTokenCount) + count(metadata?.toolUsePromptTokenCount);
  const thoughts = count(metadata?.thoughtsTokenCount);
  const usage: Usage = {
    input: { total: prompt },
    output: { total: count(metadata?.candidatesTokenCount) + thoughts },
  };
  if (metadata?.cachedContentTokenCount !== undefined) usage.input.cacheRead = count(metadata.cachedContentTokenCount);
  if (metadata?.thoughtsTokenCount !== undefined) usage.output.reasoning = thoughts;
  return usage;
}

function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}
