import type { ProviderFactory } from "./types.ts";
import { createGeminiProvider } from "./gemini/index.ts";
import { createMockProvider } from "./mock/index.ts";
import { createOpenAIProvider } from "./openai/index.ts";
import { createAnthropicProvider } from "./anthropic/index.ts";

/**
 * Every upstream type this build can talk to: adding one is a folder and a
 * line here. Types the config accepts but this table lacks are refused at
 * start-up with a clear message.
 */
export const providerFactories: Readonly<Record<string, ProviderFactory>> = {
  gemini: createGeminiProvider,
  mock: createMockProvider,
  openai: (settings) => createOpenAIProvider(settings),
  anthropic: createAnthropicProvider,
};

export type { Provider, ProviderCall, ProviderSettings, AccountCredentials } from "./types.ts";
