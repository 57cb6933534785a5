import { GatewayError } from "../../ir/errors.ts";
import type { ChatRequest } from "../../ir/request.ts";
import { geminiModelName, postGemini } from "./gemini-post.ts";
import type { ProviderCall, ProviderSettings } from "../types.ts";
import { lowerGeminiRequest } from "./lower.ts";
import { redactSecrets } from "./parse-error.ts";
import type { GeminiRequest } from "./types.ts";

/** The body of `models.countTokens`. */
export interface GeminiCountTokensRequest {
  generateContentRequest: GeminiRequest & { model: string };
}

/**
 * Gemini's own count of a request's input tokens:
 * `POST {baseUrl}/v1beta/models/{model}:countTokens`, key in `x-goog-api-key`.
 * The request goes in whole as `generateContentRequest` (which then needs
 * its `model`): only there are the system instruction and the tool
 * declarations accepted and counted — top-level `contents` would count the
 * messages alone. The answer is `{"totalTokens": N, "promptTokensDetails": […]}`.
 */
export async function countGeminiTokens(
  baseUrl: string,
  settings: ProviderSettings,
  request: ChatRequest,
  call: ProviderCall,
  outputLimit?: number,
): Promise<number> {
  const model = geminiModelName(call);
  // Lowered as for generation (the output budget clamped too), so the count is of the request that would be sent.
  const body: GeminiCountTokensRequest = {
    generateContentRequest: { model: `models/${model}`, ...lowerGeminiRequest(request, model, { outputLimit }).body },
  };
  const response = await postGemini(baseUrl, settings, call, "countTokens", body);
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new GatewayError("upstream", "the upstream's token count could not be read", { retryable: true, cause: error });
  }
  return readTotalTokens(text);
}

/** `totalTokens` from the answer; proto3 JSON leaves out a zero, so an object without it counts 0. */
function readTotalTokens(text: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
    const total = (parsed as { totalTokens?: unknown }).totalTokens;
    if (total === undefined) return 0;
    if (typeof total === "number" && Number.isInteger(total) && total >= 0) return total;
    // Tolerated: proto3 JSON writes 64-bit integers as strings.
    if (typeof total === "string" && /^\d+$/.test(total)) return Number(total);
  }
  throw new GatewayError("upstream", `the upstream answered countTokens without a token count: ${redactSecrets(text.slice(0, 200))}`, {
    retryable: true,
  });
}
