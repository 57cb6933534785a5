import type { Usage } from "../../ir/usage.ts";
import type { GeminiUsageMetadata } from "./types.ts";

/**
 * IR usage as Gemini's `usageMetadata`: the prompt count includes cached
 * tokens (as the IR's), candidates exclude thoughts, which Gemini counts
 * apart; the optional counts appear only when the upstream reported them.
 */
export function mapUsageToGemini(usage: Usage): GeminiUsageMetadata {
  const thoughts = usage.output.reasoning ?? 0;
  const metadata: GeminiUsageMetadata = {
    promptTokenCount: usage.input.total,
    candidatesTokenCount: Math.max(0, usage.output.total - thoughts),
    totalTokenCount: usage.input.total + usage.output.total,
  };
  if (usage.output.reasoning !== undefined) metadata.thoughtsTokenCount = usage.output.reasoning;
  if (usage.input.cacheRead !== undefined) metadata.cachedContentTokenCount = usage.input.cacheRead;
  return metadata;
}
