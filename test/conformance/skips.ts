/**
 * The cases that cannot apply to a protocol or a provider, each with the
 * reason. Everything not listed here must pass.
 */
import type { Case, Feature } from "./cases.ts";

const protocolLacks: Record<string, Partial<Record<Feature, string>>> = {
  "openai-completions": {
    turns: "a completion prompt has no conversation turns",
    tools: "legacy completions have no tools",
    "tool-images": "legacy completions have no tools",
    json: "legacy completions have no structured output",
    images: "legacy completions take text only",
    reasoning: "legacy completions carry no reasoning",
  },
  gemini: {
    "tool-images": "Gemini's functionResponse carries a JSON object, not images",
  },
};

const providerLacks: Record<string, Partial<Record<Feature, string>>> = {
  mock: {
    tools: "the mock calls tools only on /tool commands",
    "tool-images": "the mock calls tools only on /tool commands",
    json: "the mock echoes; it has no JSON mode",
    images: "the mock echoes text only",
    reasoning: "the mock does not reason",
  },
};

export function skipReason(protocol: string, provider: string, testCase: Case): string | undefined {
  for (const feature of testCase.needs) {
    const reason = protocolLacks[protocol]?.[feature] ?? providerLacks[provider]?.[feature];
    if (reason) return reason;
  }
  return undefined;
}
