import type { Price } from "../config/schema.ts";

/**
 * Built-in prices (USD per million tokens; per image) of common models, from
 * the vendors' price pages as of 2026-11: Gemini API standard tier at up to
 * 200k prompt tokens (ai.google.dev/gemini-api/docs/pricing), Anthropic base
 * input, output and cache-hit prices (platform.claude.com/docs/en/about-claude/pricing),
 * OpenAI standard tier (platform.openai.com/docs/pricing), DeepSeek's list
 * price. Keys are upstream model names or `*` globs; the config's `pricing`
 * overrides any of them. A model in neither has no cost (the log leaves it
 * empty) rather than a guessed one.
 */
export const BUILT_IN_PRICES: Readonly<Record<string, Price>> = {
  "gemini-3-pro-preview": { input: 2, output: 12, cachedInput: 0.2 },
  "gemini-3-pro-image-preview": { input: 2, output: 12, image: 0.134 },
  "gemini-3-flash-preview": { input: 0.5, output: 3, cachedInput: 0.05 },
  "gemini-2.5-pro": { input: 1.25, output: 10, cachedInput: 0.125 },
  "gemini-2.5-flash-image*": { input: 0.3, output: 2.5, image: 0.039 },
  "gemini-2.5-flash-lite*": { input: 0.1, output: 0.4, cachedInput: 0.01 },
  "gemini-2.5-flash": { input: 0.3, output: 2.5, cachedInput: 0.03 },
  "gemini-2.5-flash-preview*": { input: 0.3, output: 2.5, cachedInput: 0.03 },
  "gemini-2.0-flash-lite*": { input: 0.075, output: 0.3 },
  "gemini-2.0-flash": { input: 0.1, output: 0.4, cachedInput: 0.025 },
  "gemini-embedding-001": { input: 0.15, output: 0 },
  "claude-opus-4-5*": { input: 5, output: 25, cachedInput: 0.5 },
  "claude-opus-4-6*": { input: 5, output: 25, cachedInput: 0.5 },
  "claude-opus-4-1*": { input: 15, output: 75, cachedInput: 1.5 },
  "claude-opus-4-2*": { input: 15, output: 75, cachedInput: 1.5 },
  "claude-sonnet-4*": { input: 3, output: 15, cachedInput: 0.3 },
  "claude-3-7-sonnet*": { input: 3, output: 15, cachedInput: 0.3 },
  "claude-haiku-4-5*": { input: 1, output: 5, cachedInput: 0.1 },
  "claude-3-5-haiku*": { input: 0.8, output: 4, cachedInput: 0.08 },
  "gpt-5": { input: 1.25, output: 10, cachedInput: 0.125 },
  "gpt-5-2025-*": { input: 1.25, output: 10, cachedInput: 0.125 },
  "gpt-5-mini*": { input: 0.25, output: 2, cachedInput: 0.025 },
  "gpt-5-nano*": { input: 0.05, output: 0.4, cachedInput: 0.005 },
  "gpt-4.1": { input: 2, output: 8, cachedInput: 0.5 },
  "gpt-4.1-mini*": { input: 0.4, output: 1.6, cachedInput: 0.1 },
  "gpt-4.1-nano*": { input: 0.1, output: 0.4, cachedInput: 0.025 },
  "gpt-4o": { input: 2.5, output: 10, cachedInput: 1.25 },
  "gpt-4o-mini*": { input: 0.15, output: 0.6, cachedInput: 0.075 },
  "o3": { input: 2, output: 8, cachedInput: 0.5 },
  "o4-mini": { input: 1.1, output: 4.4, cachedInput: 0.275 },
  "text-embedding-3-small": { input: 0.02, output: 0 },
  "text-embedding-3-large": { input: 0.13, output: 0 },
  "deepseek-chat": { input: 0.28, output: 0.42, cachedInput: 0.028 },
  "deepseek-reasoner": { input: 0.28, output: 0.42, cachedInput: 0.028 },
};
