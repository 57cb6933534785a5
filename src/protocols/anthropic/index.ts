import { formatSse } from "../../sse/encode.ts";
import type { ClientProtocol } from "../types.ts";
import type { AnthropicOptions } from "./decode-request.ts";
import { lazyModule } from "../shared/lazy-compile.ts";
import { encodeAnthropicError } from "./encode-error.ts";
import { encodeAnthropicResponse } from "./encode-response.ts";
import { anthropicStreamMachine } from "./encode-stream.ts";

// The decoder and its zod schemas load (and compile) at this protocol's first request, not at start-up.
const decoder = lazyModule(() => require("./decode-request.ts") as typeof import("./decode-request.ts"));
export const decodeAnthropicRequest: typeof import("./decode-request.ts").decodeAnthropicRequest = (...args) => decoder().decodeAnthropicRequest(...args);
export const decodeAnthropicCountTokensRequest: typeof import("./decode-request.ts").decodeAnthropicCountTokensRequest = (...args) => decoder().decodeAnthropicCountTokensRequest(...args);

/** Anthropic Messages (`POST /v1/messages`) as a client protocol. */
export const anthropicMessages: ClientProtocol<AnthropicOptions> = {
  name: "anthropic",
  idPrefix: "msg_",
  decodeRequest: decodeAnthropicRequest,
  encodeResponse: encodeAnthropicResponse,
  encodeStream: anthropicStreamMachine,
  encodeError: encodeAnthropicError,
  // Anthropic's own keep-alive event, with the spacing its API uses.
  keepAliveFrame: formatSse('{"type": "ping"}', "ping"),
  // Claude Code calls /v1/messages?beta=true; Anthropic reads it.
  forwardedQuery: ["beta"],
};

export type { AnthropicOptions } from "./decode-request.ts";
export { encodeAnthropicResponse } from "./encode-response.ts";
export { anthropicStreamMachine } from "./encode-stream.ts";
export { encodeAnthropicError } from "./encode-error.ts";
export { mapStopReason } from "./map-stop-reason.ts";
export { mapUsage } from "./map-usage.ts";
