import type { StreamEvent } from "../../ir/event.ts";
import { addWarnings } from "../../ir/add-warning.ts";
import type { ChatRequest } from "../../ir/request.ts";
import { raiseSse, redactedDescriptions, wholeAnswer, type SseRaise } from "../../sse/raise-sse.ts";
import { createOutputLimits, type OutputLimitLookup } from "../output-limits.ts";
import { clampAnthropicPassthrough } from "./clamp-passthrough.ts";
import type { PassthroughRequest, Provider, ProviderCall, ProviderSettings } from "../types.ts";
import { passthroughPath, pickClientHeaders, postAnthropic } from "./anthropic-post.ts";
import { countAnthropicTokens } from "./count-tokens.ts";
import { lowerAnthropicRequest } from "./lower.ts";
import { redactSecrets } from "./parse-error.ts";
import { anthropicStreamMachine } from "./raise-stream.ts";
import { readAnthropicUsageTail } from "./read-usage-tail.ts";

export const DEFAULT_ANTHROPIC_BASE_URL = "https://api.anthropic.com";

/**
 * A pass-through request as the server hands it over. `headers` (the
 * client's request headers) is not in PassthroughRequest yet: it is read
 * defensively until it is.
 */
type PassthroughWithHeaders = PassthroughRequest & { headers?: Record<string, string> };

/**
 * Anthropic's Messages API and the services that speak it (z.ai, Kimi,
 * MiniMax…, configured with their own baseUrl). Every call streams:
 * `POST {baseUrl}/v1/messages`.
 *
 * Credentials: an API key goes in `x-api-key`; an OAuth account's access
 * token as `Authorization: Bearer`. Some compatible services want the API
 * key as a Bearer token instead: an `authorization` entry in the provider's
 * `headers` (any value, e.g. "Bearer") says so, and its value is replaced
 * by the account's key — keys belong to accounts, never to the config.
 * `anthropic-version: 2023-06-01` unless `headers` sets another.
 */
export function createAnthropicProvider(settings: ProviderSettings): Provider {
  const baseUrl = (settings.baseUrl ?? DEFAULT_ANTHROPIC_BASE_URL).replace(/\/+$/, "");
  const outputLimits = createOutputLimits(settings.maxOutputTokens);
  return {
    type: "anthropic",
    stream: (request, call) => chatAnthropic(baseUrl, settings, outputLimits, request, call, raiseSse),
    complete: (request, call) => chatAnthropic(baseUrl, settings, outputLimits, request, call, wholeAnswer(call.answering)),
    countTokens: (request, call) => countAnthropicTokens(baseUrl, settings, request, call),
    nativeProtocol: "anthropic",
    passthrough: (request, call) => passthroughAnthropic(baseUrl, settings, request, call),
    preparePassthrough: (fields, model, warnings) => clampAnthropicPassthrough(fields, outputLimits(model), model, warnings),
    passthroughUsage: readAnthropicUsageTail,
  };
}

async function chatAnthropic<Result>(
  baseUrl: string,
  settings: ProviderSettings,
  outputLimits: OutputLimitLookup,
  request: ChatRequest,
  call: ProviderCall,
  raise: SseRaise<Result>,
): Promise<Result> {
  const { body, warnings } = lowerAnthropicRequest(request, call.model, { outputLimit: outputLimits(call.model) });
  if (call.warnings) addWarnings(call.warnings, warnings);
  const response = await postAnthropic(baseUrl, settings, call, "messages", body);
  const secrets = [call.account.apiKey, call.account.accessToken];
  return raise(response.body, anthropicStreamMachine, redactedDescriptions((text) => redactSecrets(text, secrets)));
}

/**
 * Sends a client's own Messages body (already carrying the upstream model)
 * untouched, with this provider's credentials and headers plus the client's
 * `anthropic-version` and `anthropic-beta`; the 2xx answer is relayed as is.
 */
async function passthroughAnthropic(
  baseUrl: string,
  settings: ProviderSettings,
  request: PassthroughWithHeaders,
  call: ProviderCall,
): Promise<Response> {
  const path = passthroughPath(request.operation);
  return postAnthropic(baseUrl, settings, call, path, request.body, pickClientHeaders(request.headers));
}
