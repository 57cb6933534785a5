import { GatewayError } from "../../ir/errors.ts";
import { parseResetDuration } from "./parse-reset-duration.ts";
import { parseRetryAfter } from "../http/parse-retry-after.ts";
import { redactSecrets } from "./redact-secrets.ts";
import type { OpenAIErrorBody } from "./types.ts";

/** Error types and codes that mean "busy, come back later" (OpenAI, and Anthropic's through compatible routers). */
const overloaded = new Set(["overloaded_error", "server_is_overloaded", "engine_overloaded", "overloaded"]);

/**
 * Turns a non-2xx Chat Completions answer into a GatewayError the retry loop
 * can act on. OpenAI's body is `{"error": {message, type, param, code}}`;
 * compatible servers vary it (vLLM puts the fields at the top level,
 * FastAPI servers send `{"detail": "…"}`, some send plain text), so the
 * body is read loosely and the status decides.
 */
export function parseOpenAIError(status: number, headers: Headers, bodyText: string): GatewayError {
  return mapOpenAIError(status, readErrorBody(bodyText), { headers, fallbackMessage: bodyText.trim().slice(0, 300) });
}

export interface MapOpenAIErrorOptions {
  headers?: Headers;
  /** Shown when the body has no message (it was not JSON, say). */
  fallbackMessage?: string;
}

/** Maps an already parsed error object (from a body or an in-stream `error` chunk). */
export function mapOpenAIError(status: number, body: OpenAIErrorBody | undefined, options: MapOpenAIErrorOptions = {}): GatewayError {
  const rawMessage = text(body?.message);
  const message = redactSecrets(rawMessage ?? (options.fallbackMessage || `HTTP ${status}`));
  const type = text(body?.type);
  const code = text(body?.code);
  const param = text(body?.param);
  const base = { upstreamStatus: status };

  if (status === 401 || code === "invalid_api_key") {
    return new GatewayError("upstream", `the upstream refused the account's credentials: ${message}`, {
      ...base,
      code: "upstream_unauthorized",
      retryable: true,
    });
  }
  if (status === 403) {
    // "unsupported_country_region_territory", a project without access to the model: another account may work.
    return new GatewayError("upstream", `the upstream denied access for this account: ${message}`, {
      ...base,
      code: "upstream_forbidden",
      retryable: true,
    });
  }
  if (status === 402) {
    // OpenRouter and others: the account's prepaid credits are used up. Another account may have some.
    return new GatewayError("rate_limit", `the upstream account has no credits left: ${message}`, {
      ...base,
      code: code ?? "insufficient_credits",
      retryable: true,
      quotaExhausted: true,
      retryAfterMs: retryDelay(options.headers),
    });
  }
  if (status === 400 || status === 422) {
    return new GatewayError("invalid_request", message, { ...base, ...(code ? { code } : {}), ...(param ? { param } : {}) });
  }
  if (status === 404) return new GatewayError("not_found", message, { ...base, code: "model_not_found" });
  if (status === 413) return new GatewayError("request_too_large", message, base);
  if (status === 429) {
    // insufficient_quota: the billing quota is used up, not a short rate window.
    const quotaExhausted = code === "insufficient_quota" || type === "insufficient_quota";
    return new GatewayError("rate_limit", message, {
      ...base,
      ...(quotaExhausted ? { code: "insufficient_quota" } : {}),
      retryable: true,
      retryAfterMs: retryDelay(options.headers),
      quotaExhausted,
    });
  }
  if (status === 503 || status === 529 || (type !== undefined && overloaded.has(type)) || (code !== undefined && overloaded.has(code))) {
    return new GatewayError("overloaded", `the upstream is overloaded: ${message}`, {
      ...base,
      code: "upstream_overloaded",
      retryable: true,
      retryAfterMs: retryDelay(options.headers),
    });
  }
  return new GatewayError("upstream", `the upstream answered HTTP ${status}: ${message}`, {
    ...base,
    code: "upstream_error",
    // 408 (request timeout) and 409 (OpenAI's "conflict, please retry") are worth another try too.
    retryable: status >= 500 || status === 408 || status === 409,
    retryAfterMs: retryDelay(options.headers),
  });
}

function readErrorBody(bodyText: string): OpenAIErrorBody | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    return undefined;
  }
  // Gemini's OpenAI-compatible endpoint wraps its error in an array.
  const first: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!isObject(first)) return undefined;
  if (isObject(first.error)) return first.error;
  if (typeof first.error === "string") return { message: first.error };
  // vLLM: {"object": "error", "message", "type", "param", "code"}.
  if (typeof first.message === "string") return first;
  // FastAPI-based servers: {"detail": "…"}.
  if (typeof first.detail === "string") return { message: first.detail };
  return undefined;
}

/**
 * The longest delay the upstream stated: `retry-after-ms` (OpenAI, Azure),
 * `retry-after` (seconds or a date) and the reset of each exhausted rate
 * window (`x-ratelimit-reset-requests` when `x-ratelimit-remaining-requests`
 * is 0, likewise for tokens; both when neither says which ran out).
 */
export function retryDelay(headers: Headers | undefined): number | undefined {
  if (!headers) return undefined;
  const delays: number[] = [];
  const milliseconds = Number(headers.get("retry-after-ms") ?? Number.NaN);
  if (Number.isFinite(milliseconds) && milliseconds >= 0) delays.push(Math.ceil(milliseconds));
  const retryAfter = parseRetryAfter(headers.get("retry-after"));
  if (retryAfter !== undefined) delays.push(retryAfter);

  const windows = ["requests", "tokens"].map((window) => ({
    exhausted: headers.get(`x-ratelimit-remaining-${window}`)?.trim() === "0",
    reset: parseResetDuration(headers.get(`x-ratelimit-reset-${window}`)),
  }));
  const exhausted = windows.filter((window) => window.exhausted);
  for (const window of exhausted.length > 0 ? exhausted : windows) {
    if (window.reset !== undefined) delays.push(window.reset);
  }
  return delays.length > 0 ? Math.max(...delays) : undefined;
}

function text(value: unknown): string | undefined {
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
