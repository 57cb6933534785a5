import type { Usage } from "../../ir/usage.ts";

const field = (tail: string, name: string): number | undefined => {
  // The last occurrence: usageMetadata is cumulative, the final chunk has the totals.
  const index = tail.lastIndexOf(`"${name}"`);
  if (index === -1) return undefined;
  const match = /^"[A-Za-z]+"\s*:\s*(\d+)/.exec(tail.slice(index, index + name.length + 32));
  return match ? Number(match[1]) : undefined;
};

/**
 * The usage of a relayed Gemini answer, read from its last bytes without
 * parsing the answer: the final chunk's `usageMetadata` holds the totals.
 */
export function readGeminiUsageTail(tail: string): Usage | undefined {
  const prompt = field(tail, "promptTokenCount");
  if (prompt === undefined) return undefined;
  const candidates = field(tail, "candidatesTokenCount") ?? 0;
  const thoughts = field(tail, "thoughtsTokenCount") ?? 0;
  const cached = field(tail, "cachedContentTokenCount");
  const usage: Usage = { input: { total: prompt }, output: { total: candidates + thoughts } };
  if (cached !== undefined) usage.input.cacheRead = cached;
  if (thoughts > 0) usage.output.reasoning = thoughts;
  return usage;
}
