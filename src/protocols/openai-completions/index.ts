import { SSE_KEEPALIVE } from "../../sse/encode.ts";
import type { ClientProtocol } from "../types.ts";
import { encodeOpenAIError } from "../shared/encode-openai-error.ts";
import { type CompletionsOptions, decodeOpenAICompletionsRequest } from "./decode-request.ts";
import { encodeOpenAICompletionsResponse } from "./encode-response.ts";
import { openaiCompletionsStreamMachine } from "./encode-stream.ts";

/** OpenAI's legacy Completions (`POST /v1/completions`) as a client protocol: one text prompt in, text out. */
export const openaiCompletions: ClientProtocol<CompletionsOptions> = {
  name: "openai-completions",
  idPrefix: "cmpl-",
  decodeRequest: decodeOpenAICompletionsRequest,
  encodeResponse: encodeOpenAICompletionsResponse,
  encodeStream: openaiCompletionsStreamMachine,
  encodeError: encodeOpenAIError,
  keepAliveFrame: SSE_KEEPALIVE,
};

export type { CompletionsOptions } from "./decode-request.ts";
export { DEFAULT_MAX_TOKENS, decodeOpenAICompletionsRequest } from "./decode-request.ts";
export { encodeOpenAICompletionsResponse } from "./encode-response.ts";
export { openaiCompletionsStreamMachine } from "./encode-stream.ts";
export { mapFinishReasonToCompletions } from "./map-finish-reason.ts";
export { mapUsageToCompletions } from "./map-usage.ts";
