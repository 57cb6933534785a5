import { addWarnings } from "../../ir/add-warning.ts";
import type { ChatRequest } from "../../ir/request.ts";
import { raiseSse, redactedDescriptions, wholeAnswer, type SseRaise } from "../../sse/raise-sse.ts";
import { createOutputLimits, type OutputLimitLookup } from "../output-limits.ts";
import { clampGeminiPassthrough } from "./clamp-passthrough.ts";
import type { Provider, ProviderCall, ProviderSettings } from "../types.ts";
import { countGeminiTokens } from "./count-tokens.ts";
import { embedGemini } from "./embed.ts";
import { isImagenModel, predictImagen } from "./imagen.ts";
import { lowerGeminiRequest } from "./lower.ts";
import { redactSecrets } from "./parse-error.ts";
import { geminiModelName, postGemini } from "./gemini-post.ts";
import { readGeminiUsageTail } from "./read-usage-tail.ts";
import { geminiStreamMachine } from "./raise-stream.ts";

export const DEFAULT_GEMINI_BASE_URL = "https://generativelanguage.googleapis.com";

/**
 * The Gemini API (AI Studio keys). Every call streams:
 * `POST {baseUrl}/v1beta/models/{model}:streamGenerateContent?alt=sse`
 * with the account's key in `x-goog-api-key` (never in the URL, so it can
 * not leak through logged or echoed URLs).
 */
export function createGeminiProvider(settings: ProviderSettings): Provider {
  const baseUrl = (settings.baseUrl ?? DEFAULT_GEMINI_BASE_URL).replace(/\/+$/, "");
  const outputLimits = createOutputLimits(settings.maxOutputTokens);
  return {
    type: "gemini",
    stream: (request, call) => chatGemini(baseUrl, settings, outputLimits, request, call, raiseSse),
    complete: (request, call) => chatGemini(baseUrl, settings, outputLimits, request, call, wholeAnswer(call.answering)),
    countTokens: (request, call) => countGeminiTokens(baseUrl, settings, request, call, outputLimits(geminiModelName(call))),
    embed: (request, call) => embedGemini(baseUrl, settings, request, call),
    generatesImages: true,
    imageOnlyModel: isImagenModel,
    predictImages: (request, call) => predictImagen(baseUrl, settings, request, call),
    nativeProtocol: "gemini",
    passthrough: (request, call) => postGemini(baseUrl, settings, call, request.operation, request.body),
    preparePassthrough: (fields, model, warnings) => {
      const name = model.replace(/^models\//, "");
      return clampGeminiPassthrough(fields, outputLimits(name), name, warnings);
    },
    passthroughUsage: readGeminiUsageTail,
  };
}

/** How a broken or malformed upstream stream is described: with the upstream's secrets removed. Built once. */
const RAISE_OPTIONS = redactedDescriptions(redactSecrets);

/**
 * Sends a chat upstream, always streamed (a JSON client's answer is read to
 * its end): the head arrives at once, so the header timeout and the retry
 * deadline measure how long the upstream takes to start, not to finish.
 */
async function chatGemini<Result>(
  baseUrl: string,
  settings: ProviderSettings,
  outputLimits: OutputLimitLookup,
  request: ChatRequest,
  call: ProviderCall,
  raise: SseRaise<Result>,
): Promise<Result> {
  const model = geminiModelName(call);
  const { body, warnings } = lowerGeminiRequest(request, model, { outputLimit: outputLimits(model) });
  if (call.warnings) addWarnings(call.warnings, warnings);
  const response = await postGemini(baseUrl, settings, call, "streamGenerateContent?alt=sse", body);
  return raise(response.body, geminiStreamMachine, RAISE_OPTIONS);
}
