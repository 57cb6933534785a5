export { createGeminiProvider, DEFAULT_GEMINI_BASE_URL } from "./provider.ts";
