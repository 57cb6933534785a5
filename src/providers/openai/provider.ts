import type { StreamEvent } from "../../ir/event.ts";
import { addWarnings } from "../../ir/add-warning.ts";
import type { ChatRequest } from "../../ir/request.ts";
import { raiseSse, redactedDescriptions, wholeAnswer, type SseRaise } from "../../sse/raise-sse.ts";
import { createOutputLimits, type OutputLimitLookup } from "../output-limits.ts";
import { clampOpenAIPassthrough } from "./clamp-passthrough.ts";
import { listOpenAIModels } from "./list-models.ts";
import type { Provider, ProviderCall, ProviderSettings } from "../types.ts";
import { lowerOpenAIRequest, type LowerOpenAIOptions } from "./lower.ts";
import { postOpenAI } from "./openai-post.ts";
import { openAIStreamMachine } from "./raise-stream.ts";
import { embedOpenAI } from "./embed.ts";
import { readOpenAIUsageTail } from "./read-usage-tail.ts";
import { redactSecrets } from "./redact-secrets.ts";

export const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";

/**
 * Any Chat Completions upstream: OpenAI, OpenRouter, DeepSeek, Groq, vLLM,
 * Ollama, LM Studio… The base URL includes the version path, as these
 * services document it (`https://openrouter.ai/api/v1`,
 * `http://localhost:11434/v1`); every call streams
 * `POST {baseUrl}/chat/completions` with `Authorization: Bearer <key>`.
 * `lowerOptions` picks request-shape variants (`max_tokens` for servers
 * that lack `max_completion_tokens`); the config does not set it yet.
 */
export function createOpenAIProvider(
  settings: ProviderSettings,
  lowerOptions: LowerOpenAIOptions = settings.maxTokensField ? { maxTokensField: settings.maxTokensField } : {},
): Provider {
  const baseUrl = (settings.baseUrl ?? DEFAULT_OPENAI_BASE_URL).replace(/\/+$/, "");
  const outputLimits = createOutputLimits(settings.maxOutputTokens);
  return {
    type: "openai",
    stream: (request, call) => chatOpenAI(baseUrl, settings, lowerOptions, outputLimits, request, call, raiseSse),
    complete: (request, call) => chatOpenAI(baseUrl, settings, lowerOptions, outputLimits, request, call, wholeAnswer(call.answering)),
    embed: (request, call) => embedOpenAI(baseUrl, settings, request, call),
    nativeProtocol: "openai-chat",
    // The client's own Chat Completions body, already naming the upstream model, goes as is.
    // The operation names another endpoint for the same body format (`/images/generations`); chats have none.
    passthrough: (request, call) => postOpenAI(baseUrl, settings, call, request.body, request.operation.startsWith("/") ? request.operation : undefined),
    preparePassthrough: (fields, model, warnings) => clampOpenAIPassthrough(fields, outputLimits(model), model, warnings),
    passthroughUsage: readOpenAIUsageTail,
    listModels: (call) => listOpenAIModels(baseUrl, settings, call),
  };
}

/** How a broken or malformed upstream stream is described: with the upstream's secrets removed. Built once. */
const RAISE_OPTIONS = redactedDescriptions(redactSecrets);

async function chatOpenAI<Result>(
  baseUrl: string,
  settings: ProviderSettings,
  lowerOptions: LowerOpenAIOptions,
  outputLimits: OutputLimitLookup,
  request: ChatRequest,
  call: ProviderCall,
  raise: SseRaise<Result>,
): Promise<Result> {
  const { body, warnings } = lowerOpenAIRequest(request, call.model, { ...lowerOptions, outputLimit: outputLimits(call.model) });
  if (call.warnings) addWarnings(call.warnings, warnings);
  const response = await postOpenAI(baseUrl, settings, call, body);
  return raise(response.body, openAIStreamMachine, RAISE_OPTIONS);
}
