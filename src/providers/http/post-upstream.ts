import { GatewayError } from "../../ir/errors.ts";
import type { ProviderCall, ProviderSettings } from "../types.ts";
import { describeNetworkError } from "./describe-network-error.ts";

/** How long an upstream stream may stay silent before the connection is given up. */
export const STREAM_IDLE_TIMEOUT_MS = 10 * 60_000;

/** How long an answer that comes whole may take when the provider's config does not say: the official SDKs' own wait. */
const ANSWER_TIMEOUT_MS = 10 * 60_000;

/**
 * How long a call waits for its answer's headers. A streamed answer's come
 * at once, so `timeoutMs` tells a hung account from a slow one and the next
 * account is tried. A whole answer's come only once the upstream has
 * generated all of it (a long or thinking answer takes minutes): cut at
 * `timeoutMs`, it would fail on every account in turn, each paid for.
 */
export function headTimeoutMs(settings: ProviderSettings, call: ProviderCall): number {
  return call.unstreamed === true ? (settings.answerTimeoutMs ?? ANSWER_TIMEOUT_MS) : settings.timeoutMs;
}

export interface UpstreamPost {
  url: string;
  headers: Record<string, string>;
  /** JSON text, or a form (sent as multipart/form-data; no content-type header then: fetch writes it with the boundary). */
  body: string | FormData;
  /** How long to wait for the response head (and an error body); the stream itself is not cut. */
  timeoutMs: number;
  /** The client's signal: aborting it aborts the upstream request. */
  signal: AbortSignal;
  /** Aborts `signal` (the caller's own controller, for this call only): the header timeout uses it instead of a controller of its own. */
  abort?: (reason: unknown) => void;
  /** Turns a non-2xx answer into the provider's classified error. */
  parseError(status: number, headers: Headers, bodyText: string): GatewayError;
  /** Removes credentials from text that may end up in an error message. */
  redact(text: string): string;
}

/**
 * POSTs to an upstream and resolves with its 2xx response, or rejects with a
 * GatewayError: the provider's own classification of an error answer, a
 * retryable timeout, or a retryable "could not reach". Shared by every HTTP
 * provider so that timeouts and cancellation behave the same everywhere.
 */
export async function postUpstream(post: UpstreamPost): Promise<Response & { body: ReadableStream<Uint8Array> }> {
  // The header timeout aborts the caller's signal when the caller lets it (an
  // attempt's own controller), else one controller of ours linked to it:
  // cheaper than AbortSignal.any. The timer is cleared once the head arrives,
  // so long answers are never cut.
  let signal = post.signal;
  let abort = post.abort;
  if (abort === undefined) {
    const controller = new AbortController();
    if (post.signal.aborted) controller.abort(post.signal.reason);
    else post.signal.addEventListener("abort", () => controller.abort(post.signal.reason), { once: true });
    signal = controller.signal;
    abort = (reason) => controller.abort(reason);
  }
  let timedOut = false;
  const timer =
    post.timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          abort(new GatewayError("timeout", "upstream timeout"));
        }, post.timeoutMs)
      : undefined;
  try {
    let response: Response;
    try {
      response = await fetch(post.url, {
        method: "POST",
        headers: post.headers,
        body: post.body,
        signal,
        // Bun's socket idle timer (5 min by default) would cut a model that thinks
        // silently for longer; allow 10 min of silence inside a stream.
        timeout: STREAM_IDLE_TIMEOUT_MS,
      } as RequestInit);
    } catch (error) {
      throw fetchFailure(error, timedOut, post, post.timeoutMs);
    }
    if (!response.ok) {
      let text = "";
      try {
        text = await response.text();
      } catch {
        // The status alone still says what happened.
      }
      throw post.parseError(response.status, response.headers, text);
    }
    if (!response.body) {
      throw new GatewayError("upstream", "the upstream answered without a body", {
        retryable: true,
        upstreamStatus: response.status,
      });
    }
    return response as Response & { body: ReadableStream<Uint8Array> };
  } finally {
    clearTimeout(timer);
  }
}

function fetchFailure(error: unknown, timedOut: boolean, post: UpstreamPost, timeoutMs: number): GatewayError {
  if (timedOut) {
    return new GatewayError("timeout", `the upstream did not answer within ${timeoutMs} ms`, { retryable: true, cause: error });
  }
  if (post.signal.aborted) {
    return new GatewayError("upstream", "the request was cancelled before the upstream answered", { cause: error });
  }
  return new GatewayError("upstream", `could not reach the upstream: ${post.redact(describeNetworkError(error))}`, { retryable: true, cause: error });
}
