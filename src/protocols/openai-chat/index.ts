import { SSE_KEEPALIVE } from "../../sse/encode.ts";
import type { ClientProtocol } from "../types.ts";
import type { OpenAIChatOptions } from "./decode-request.ts";
import { lazyModule } from "../shared/lazy-compile.ts";
import { encodeOpenAIError } from "../shared/encode-openai-error.ts";
import { encodeOpenAIChatResponse } from "./encode-response.ts";
import { openaiChatStreamMachine } from "./encode-stream.ts";

// The decoder and its zod schemas load (and compile) at this protocol's first request, not at start-up.
const decoder = lazyModule(() => require("./decode-request.ts") as typeof import("./decode-request.ts"));
export const decodeOpenAIChatRequest: typeof import("./decode-request.ts").decodeOpenAIChatRequest = (...args) => decoder().decodeOpenAIChatRequest(...args);

/** OpenAI Chat Completions (`POST /v1/chat/completions`) as a client protocol. */
export const openaiChat: ClientProtocol<OpenAIChatOptions> = {
  name: "openai-chat",
  idPrefix: "chatcmpl-",
  decodeRequest: decodeOpenAIChatRequest,
  encodeResponse: encodeOpenAIChatResponse,
  encodeStream: openaiChatStreamMachine,
  encodeError: encodeOpenAIError,
  keepAliveFrame: SSE_KEEPALIVE,
};

export type { OpenAIChatOptions } from "./decode-request.ts";
export { encodeOpenAIChatResponse } from "./encode-response.ts";
export { openaiChatStreamMachine } from "./encode-stream.ts";
export { mapFinishReasonToOpenAI } from "./map-finish-reason.ts";
export { mapUsageToOpenAI } from "./map-usage.ts";
