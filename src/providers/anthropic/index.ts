export { createAnthropicProvider, DEFAULT_ANTHROPIC_BASE_URL } from "./provider.ts";
