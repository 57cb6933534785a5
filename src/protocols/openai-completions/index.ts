import { SSE_KEEPALIVE } from "../../sse/encode.ts";
import type { ClientProtocol } from "../types.ts";
import { encodeOpenAIError } from "../shared/encode-openai-error.ts";
import type { CompletionsOptions } from "./decode-request.ts";
import { lazyModule } from "../shared/lazy-compile.ts";
import { encodeOpenAICompletionsResponse } from "./encode-response.ts";
import { openaiCompletionsStreamMachine } from "./encode-stream.ts";

// The decoder and its zod schemas load (and compile) at this protocol's first request, not at start-up.
const decoder = lazyModule(() => require("./decode-request.ts") as typeof import("./decode-request.ts"));
export const decodeOpenAICompletionsRequest: typeof import("./decode-request.ts").decodeOpenAICompletionsRequest = (...args) => decoder().decodeOpenAICompletionsRequest(...args);

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
export { encodeOpenAICompletionsResponse } from "./encode-response.ts";
export { openaiCompletionsStreamMachine } from "./encode-stream.ts";
export { mapFinishReasonToCompletions } from "./map-finish-reason.ts";
export { mapUsageToCompletions } from "./map-usage.ts";
