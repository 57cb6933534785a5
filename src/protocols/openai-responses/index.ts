import { SSE_KEEPALIVE } from "../../sse/encode.ts";
import { encodeOpenAIError } from "../shared/encode-openai-error.ts";
import type { ClientProtocol } from "../types.ts";
import type { ResponsesOptions } from "./decode-request.ts";
import { lazyModule } from "../shared/lazy-compile.ts";
import { encodeResponsesResponse } from "./encode-response.ts";
import { openaiResponsesStreamMachine } from "./encode-stream.ts";

// The decoder and its zod schemas load (and compile) at this protocol's first request, not at start-up.
const decoder = lazyModule(() => require("./decode-request.ts") as typeof import("./decode-request.ts"));
export const decodeResponsesRequest: typeof import("./decode-request.ts").decodeResponsesRequest = (...args) => decoder().decodeResponsesRequest(...args);

/** OpenAI Responses (`POST /v1/responses`) as a client protocol: what Codex CLI speaks. */
export const openaiResponses: ClientProtocol<ResponsesOptions> = {
  name: "openai-responses",
  idPrefix: "resp_",
  decodeRequest: decodeResponsesRequest,
  encodeResponse: encodeResponsesResponse,
  encodeStream: openaiResponsesStreamMachine,
  encodeError: encodeOpenAIError,
  keepAliveFrame: SSE_KEEPALIVE,
};

export type { ResponsesEcho, ResponsesOptions } from "./decode-request.ts";
export type { ToolKind, ToolOrigin, ToolOrigins } from "./tool-origins.ts";
export type { OutputItem } from "./output-items.ts";
export type { ResponsesResponse } from "./response-object.ts";
export { encodeResponsesResponse } from "./encode-response.ts";
export { openaiResponsesStreamMachine } from "./encode-stream.ts";
export { encodeOutputItems } from "./encode-output-items.ts";
export { encodeStoredOutput, type ReferableItem, type StoredOutput } from "./encode-stored-output.ts";
export { expandItemReferences, type StoredItemLookup } from "./item-references.ts";
