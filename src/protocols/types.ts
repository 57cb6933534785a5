import type { ChatRequest } from "../ir/request.ts";
import type { ChatResponse } from "../ir/response.ts";
import type { StreamEvent } from "../ir/event.ts";
import type { GatewayError } from "../ir/errors.ts";
import type { StreamMachine } from "../sse/pipe.ts";
import type { Warning } from "../ir/warning.ts";

/** A decoded client request: the IR plus what only this protocol's encoders need. */
export interface Decoded<Options> {
  request: ChatRequest;
  options: Options;
  /**
   * Fields the protocol accepts but the IR cannot carry (`logprobs`,
   * Responses' `background`…): honoured by no translated upstream, so the
   * server reports them (`x-agw-warnings`) when it translates the request.
   */
  warnings?: Warning[];
}

/** What encoders know about the exchange besides the events themselves. */
export interface EncodeContext<Options> {
  /** The id the gateway assigned to this response (`chatcmpl-…`, `msg_…`). */
  id: string;
  /** The model name to report to the client: the one it asked for. */
  model: string;
  /** Unix time in seconds when the request arrived. */
  created: number;
  options: Options;
  /**
   * A local estimate of the request's input tokens, for encoders that must
   * state the input size before the upstream said it (Anthropic's
   * `message_start`). Called at most once, only when needed.
   */
  estimateInputTokens?: () => number;
}

/**
 * A client-facing protocol: decodes its requests into IR, encodes IR
 * responses, event streams and errors into its own JSON and SSE.
 */
export interface ClientProtocol<Options = unknown> {
  readonly name: string;
  /** Prefix of the response ids this protocol hands out (`chatcmpl-`). */
  readonly idPrefix: string;
  /** Validates and converts a parsed JSON body; throws a GatewayError("invalid_request") naming the field. */
  decodeRequest(body: unknown): Decoded<Options>;
  encodeResponse(response: ChatResponse, context: EncodeContext<Options>): unknown;
  /** A machine turning IR events into SSE text frames, ending with the protocol's terminator. */
  encodeStream(context: EncodeContext<Options>): StreamMachine<unknown, StreamEvent, string>;
  /** The error as this protocol's clients expect it: HTTP status and JSON body. */
  encodeError(error: GatewayError): { status: number; body: unknown };
  /**
   * A frame sent while the upstream is silent mid-stream, so clients and
   * proxies do not give up (Anthropic's `ping` event; an SSE comment elsewhere).
   */
  readonly keepAliveFrame: string;
  /** Headers of a streamed answer when they are not SSE's (Gemini streams a JSON array without `alt=sse`). */
  streamHeaders?(options: Options): Record<string, string>;
  /** The keep-alive frame when it depends on the request's framing; `keepAliveFrame` otherwise. */
  streamKeepAlive?(options: Options): string;
  /**
   * For a relayed (pass-through) stream whose framing is not SSE: where an
   * event ends, so agw adds keep-alives only between events, and the frame
   * that ends the stream with an error after what the upstream already sent.
   * Without it the stream is SSE: events end at a blank line, and the error
   * is the protocol's own error event.
   */
  relayFraming?(options: Options): RelayedStreamFraming | undefined;
  /**
   * Query parameters a same-protocol upstream must see (Anthropic's `beta`).
   * No other client query parameter leaves the gateway: `?key=` carries the
   * gateway's own key.
   */
  readonly forwardedQuery?: readonly string[];
}

export interface RelayedStreamFraming {
  eventEnds(text: string): boolean;
  errorFrame(error: GatewayError): string;
}
