import { SSE_HEADERS, SSE_KEEPALIVE } from "../../sse/encode.ts";
import { GEMINI_JSON_ARRAY_HEADERS, GEMINI_JSON_ARRAY_KEEPALIVE } from "./gemini-framer.ts";
import type { ClientProtocol } from "../types.ts";
import type { GeminiNativeOptions } from "./decode-request.ts";
import { lazyModule } from "../shared/lazy-compile.ts";
import { encodeGeminiError } from "./encode-error.ts";
import { encodeGeminiResponse } from "./encode-response.ts";
import { geminiStreamMachine } from "./encode-stream.ts";

// The decoder and its zod schemas load (and compile) at this protocol's first request, not at start-up.
const decoder = lazyModule(() => require("./decode-request.ts") as typeof import("./decode-request.ts"));
export const decodeGeminiAugmentedRequest: typeof import("./decode-request.ts").decodeGeminiAugmentedRequest = (...args) => decoder().decodeGeminiAugmentedRequest(...args);
export const decodeGeminiCountTokensRequest: typeof import("./decode-request.ts").decodeGeminiCountTokensRequest = (...args) => decoder().decodeGeminiCountTokensRequest(...args);
export const decodeGeminiRequest: typeof import("./decode-request.ts").decodeGeminiRequest = (...args) => decoder().decodeGeminiRequest(...args);

/**
 * Gemini's native API (`POST /v1beta/models/{model}:generateContent` and
 * `:streamGenerateContent`) as a client protocol.
 *
 * Gemini carries the model in the URL, not the body, so `decodeRequest`
 * expects the body the server augmented as `{...body, model, stream, alt}`:
 * `model` from the path (`models/` prefix optional), `stream` true for
 * `:streamGenerateContent`, `alt` the URL's `alt` query parameter ("sse"
 * for SSE; absent or "json" for Google's default JSON-array stream). A
 * server that has them at hand may call `decodeGeminiRequest(body, model,
 * stream, alt)` instead. The stream framing chosen by `alt` is in
 * `options.framing`: with "json-array" the response is not SSE, and
 * `streamHeaders` / `streamKeepAlive` answer with that framing's own.
 */
export const geminiNative: ClientProtocol<GeminiNativeOptions> = {
  name: "gemini",
  // Gemini responses carry the id as `responseId`, with no prefix.
  idPrefix: "",
  decodeRequest: decodeGeminiAugmentedRequest,
  encodeResponse: encodeGeminiResponse,
  encodeStream: geminiStreamMachine,
  encodeError: encodeGeminiError,
  keepAliveFrame: SSE_KEEPALIVE,
  streamHeaders: (options) => (options.framing === "json-array" ? GEMINI_JSON_ARRAY_HEADERS : SSE_HEADERS),
  streamKeepAlive: (options) => (options.framing === "json-array" ? GEMINI_JSON_ARRAY_KEEPALIVE : SSE_KEEPALIVE),
  // A relayed JSON array: whitespace may go after an element (or any value), the error joins the array and closes it.
  relayFraming: (options) =>
    options.framing === "json-array"
      ? {
          eventEnds: (text) => text.endsWith("}") || text.endsWith("]"),
          errorFrame: (error) => `\n,\r\n${JSON.stringify(encodeGeminiError(error).body, null, 2)}\n]`,
        }
      : undefined,
};

export type { GeminiNativeOptions } from "./decode-request.ts";
export { encodeGeminiResponse } from "./encode-response.ts";
export { geminiStreamMachine } from "./encode-stream.ts";
export { encodeGeminiError } from "./encode-error.ts";
export { encodeGeminiCountTokens, encodeGeminiModel, encodeGeminiModelList, knownGeminiModel } from "./encode-models.ts";
export type { GeminiModelInfo } from "./encode-models.ts";
export { GEMINI_JSON_ARRAY_HEADERS, GEMINI_JSON_ARRAY_KEEPALIVE } from "./gemini-framer.ts";
export { mapFinishReasonToGemini } from "./map-finish-reason.ts";
export { mapUsageToGemini } from "./map-usage.ts";
export type * from "./types.ts";
export { decodeGeminiEmbedRequest, encodeGeminiEmbedResponse, retargetGeminiEmbedBody, type GeminiEmbedAction } from "./embed.ts";
