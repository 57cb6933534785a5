import { GatewayError } from "../../ir/errors.ts";
import { parseAnthropicRetryDelay } from "./parse-retry-delay.ts";
import type { AnthropicErrorData } from "./types.ts";

/** The status each error type comes with, for in-stream `error` events, which carry no status. */
const typeStatus: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

export interface MapAnthropicErrorOptions {
  headers?: Headers;
  /** Shown when the body has no message (it was not JSON, say). */
  fallbackMessage?: string;
  /** The current time, for rate-limit reset headers (tests inject it). */
  now?: number;
}

/**
 * Turns a non-2xx answer of the Messages API into a GatewayError the retry
 * loop can act on. The body is `{"type": "error", "error": {type, message}}`;
 * Anthropic-compatible upstreams sometimes answer another shape or plain
 * text, so the status decides first and the type refines it.
 */
export function parseAnthropicError(status: number, headers: Headers, bodyText: string, now: number = Date.now()): GatewayError {
  return mapAnthropicError(status, readErrorData(bodyText), { headers, fallbackMessage: bodyText.trim().slice(0, 300), now });
}

/** The error of an in-stream `error` event (`{type: "error", error: {type, message}}`), its status read from its type. */
export function mapAnthropicStreamError(data: AnthropicErrorData | undefined): GatewayError {
  const status = (data?.type !== undefined ? typeStatus[data.type] : undefined) ?? 500;
  return mapAnthropicError(status, data);
}

/** Maps an already parsed error (from a body or an in-stream `error` event). */
export function mapAnthropicError(status: number, data: AnthropicErrorData | undefined, options: MapAnthropicErrorOptions = {}): GatewayError {
  const type = typeof data?.type === "string" ? data.type : undefined;
  const rawMessage = typeof data?.message === "string" && data.message.trim() !== "" ? data.message.trim() : undefined;
  const message = redactSecrets(rawMessage ?? (options.fallbackMessage || `HTTP ${status}`));
  const base = { upstreamStatus: status };
  const retryAfterMs = () => parseAnthropicRetryDelay(options.headers, options.now);

  if (status === 529 || type === "overloaded_error") {
    return new GatewayError("overloaded", `the upstream is overloaded: ${message}`, {
      ...base,
      code: "upstream_overloaded",
      retryable: true,
      retryAfterMs: retryAfterMs(),
    });
  }
  if (status === 401 || type === "authentication_error") {
    return new GatewayError("upstream", `the upstream refused the account's credentials: ${message}`, {
      ...base,
      code: "upstream_unauthorized",
      retryable: true,
    });
  }
  if (status === 402 || type === "billing_error" || (status === 400 && /credit balance/i.test(message))) {
    // "Your credit balance is too low": the account needs a top-up, another one may serve.
    return new GatewayError("upstream", `the upstream refused this account for billing: ${message}`, {
      ...base,
      code: "upstream_forbidden",
      retryable: true,
    });
  }
  if (status === 400 && /reached your specified API usage limits/i.test(message)) {
    // A workspace past its spend limit: a quota, not a bad request ("You will regain access on
    // 2026-01-01 at 00:00 UTC"). The account rests; another one may serve.
    const until = /regain access on (\d{4}-\d{2}-\d{2})(?: at (\d{2}:\d{2}))?/i.exec(message);
    const resetAt = until ? Date.parse(`${until[1]}T${until[2] ?? "00:00"}:00Z`) : Number.NaN;
    const now = options.now ?? Date.now();
    return new GatewayError("rate_limit", `the account's spend limit is used up: ${message}`, {
      ...base,
      code: "quota_exhausted",
      retryable: true,
      quotaExhausted: true,
      ...(Number.isFinite(resetAt) && resetAt > now ? { retryAfterMs: resetAt - now } : {}),
    });
  }
  if (status === 403 || type === "permission_error") {
    return new GatewayError("upstream", `the upstream denied access for this account: ${message}`, {
      ...base,
      code: "upstream_forbidden",
      retryable: true,
    });
  }
  if (status === 429 || type === "rate_limit_error") {
    return new GatewayError("rate_limit", message, { ...base, retryable: true, retryAfterMs: retryAfterMs() });
  }
  if (status === 413 || type === "request_too_large") return new GatewayError("request_too_large", message, base);
  if (status === 404 || type === "not_found_error") return new GatewayError("not_found", message, { ...base, code: "model_not_found" });
  if (status === 400 || status === 422 || type === "invalid_request_error") return new GatewayError("invalid_request", message, base);
  if (status === 504 || type === "timeout_error") {
    return new GatewayError("timeout", `the upstream timed out: ${message}`, { ...base, retryable: true, retryAfterMs: retryAfterMs() });
  }
  return new GatewayError("upstream", `the upstream answered HTTP ${status}: ${message}`, {
    ...base,
    code: "upstream_error",
    retryable: status >= 500,
    retryAfterMs: retryAfterMs(),
  });
}

function readErrorData(text: string): AnthropicErrorData | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(parsed)) return undefined;
  // Anthropic's shape; some compatible upstreams answer OpenAI's `{"error": {message, type, code}}`, which reads the same.
  const error = parsed.error;
  if (isObject(error)) return error as AnthropicErrorData;
  if (typeof error === "string") return { message: error };
  if (typeof parsed.message === "string") return { message: parsed.message };
  return undefined;
}

/**
 * Upstreams sometimes echo a key in an error ("invalid x-api-key: sk-ant-…");
 * keys must never reach a client. Anthropic keys (`sk-ant-…`), other
 * `sk-` keys (Kimi, MiniMax, OpenAI-style) and Bearer tokens are removed,
 * plus any exact secrets given (the account's own key and token).
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let result = text;
  for (const secret of secrets) if (secret && secret.length >= 8) result = result.split(secret).join("[redacted]");
  return result
    .replace(/sk-ant-[A-Za-z0-9_-]+/g, "[redacted]")
    .replace(/\bsk-[A-Za-z0-9_-]{16,}/g, "[redacted]")
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, "$1[redacted]");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
