export { createOpenAIProvider, DEFAULT_OPENAI_BASE_URL } from "./provider.ts";
export { lowerOpenAIRequest, type LowerOpenAIOptions } from "./lower.ts";
