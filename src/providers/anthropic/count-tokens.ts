import { GatewayError } from "../../ir/errors.ts";
import type { ChatRequest } from "../../ir/request.ts";
import type { ProviderCall, ProviderSettings } from "../types.ts";
import { postAnthropic } from "./anthropic-post.ts";
import { lowerAnthropicRequest } from "./lower.ts";
import { redactSecrets } from "./parse-error.ts";
import type { AnthropicRequest } from "./types.ts";

/** The fields `count_tokens` accepts; it refuses the others (`max_tokens`, `stream`, sampling) as extra inputs. */
export type AnthropicCountTokensRequest = Pick<
  AnthropicRequest,
  "model" | "messages" | "system" | "tools" | "tool_choice" | "thinking" | "output_config"
>;

/**
 * Anthropic's own count of a request's input tokens:
 * `POST {baseUrl}/v1/messages/count_tokens` with the lowered request, minus
 * what only generation takes. The answer is `{"input_tokens": N}`.
 */
export async function countAnthropicTokens(
  baseUrl: string,
  settings: ProviderSettings,
  request: ChatRequest,
  call: ProviderCall,
): Promise<number> {
  const response = await postAnthropic(baseUrl, settings, call, "messages/count_tokens", countTokensBody(request, call.model));
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new GatewayError("upstream", "the upstream's token count could not be read", { retryable: true, cause: error });
  }
  return readInputTokens(text);
}

export function countTokensBody(request: ChatRequest, model: string): AnthropicCountTokensRequest {
  const lowered = lowerAnthropicRequest(request, model).body;
  const body: AnthropicCountTokensRequest = { model: lowered.model, messages: lowered.messages };
  if (lowered.system) body.system = lowered.system;
  if (lowered.tools) body.tools = lowered.tools;
  if (lowered.tool_choice) body.tool_choice = lowered.tool_choice;
  if (lowered.thinking) body.thinking = lowered.thinking;
  if (lowered.output_config) body.output_config = lowered.output_config;
  return body;
}

function readInputTokens(text: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
    const tokens = (parsed as { input_tokens?: unknown }).input_tokens;
    if (typeof tokens === "number" && Number.isInteger(tokens) && tokens >= 0) return tokens;
  }
  throw new GatewayError("upstream", `the upstream answered count_tokens without a token count: ${redactSecrets(text.slice(0, 200))}`, {
    retryable: true,
  });
}
