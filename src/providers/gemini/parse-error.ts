import { GatewayError } from "../../ir/errors.ts";
import { parseGoogleDuration } from "./parse-duration.ts";
import { parseRetryAfter } from "../http/parse-retry-after.ts";
import type { GeminiErrorBody } from "./types.ts";

const typePrefix = "type.googleapis.com/google.rpc.";

/**
 * Turns a non-2xx Gemini answer into a GatewayError the retry loop can act
 * on. Gemini's body is `{"error": {code, message, status, details}}` (some
 * front ends wrap it in an array); the details may carry a RetryInfo delay,
 * a QuotaFailure naming the exhausted quota and an ErrorInfo.
 */
export function parseGeminiError(status: number, headers: Headers, bodyText: string): GatewayError {
  return mapGeminiError(status, readErrorBody(bodyText), {
    headers,
    fallbackMessage: bodyText.trim().slice(0, 300),
  });
}

export interface MapGeminiErrorOptions {
  headers?: Headers;
  /** Shown when the body has no message (it was not JSON, say). */
  fallbackMessage?: string;
}

/** Maps an already parsed Gemini error (from a body or an in-stream `error` chunk). */
export function mapGeminiError(
  status: number,
  body: GeminiErrorBody | undefined,
  options: MapGeminiErrorOptions = {},
): GatewayError {
  const details = Array.isArray(body?.details) ? body.details.filter(isObject) : [];
  const rawMessage = typeof body?.message === "string" && body.message.trim() !== "" ? body.message.trim() : undefined;
  const upstreamMessage = redactSecrets(rawMessage ?? (options.fallbackMessage || `HTTP ${status}`));
  const reason = errorInfo(details)?.reason;
  const base = { upstreamStatus: status };

  if (reason === "API_KEY_INVALID" || status === 401) {
    // Gemini answers a bad key with 400 INVALID_ARGUMENT: it is the account's fault, not the client's.
    return new GatewayError("upstream", `the upstream refused the account's credentials: ${upstreamMessage}`, {
      ...base,
      code: "upstream_unauthorized",
      retryable: true,
    });
  }
  if (status === 403) {
    return new GatewayError("upstream", `the upstream denied access for this account: ${upstreamMessage}`, {
      ...base,
      code: "upstream_forbidden",
      retryable: true,
    });
  }
  if (body?.status === "FAILED_PRECONDITION") {
    // "User location is not supported", "free tier not available in your country": another account may work.
    return new GatewayError("upstream", `the upstream cannot serve this account: ${upstreamMessage}`, {
      ...base,
      code: "upstream_precondition",
      retryable: true,
    });
  }
  if (status === 400 || status === 422) return new GatewayError("invalid_request", upstreamMessage, base);
  if (status === 404) {
    return new GatewayError("not_found", upstreamMessage, { ...base, code: "model_not_found" });
  }
  if (status === 413) return new GatewayError("request_too_large", upstreamMessage, base);
  if (status === 429) {
    return new GatewayError("rate_limit", upstreamMessage, {
      ...base,
      retryable: true,
      retryAfterMs: retryDelay(details, options.headers),
      quotaExhausted: quotaIds(details).some((id) => id.includes("PerDay")),
    });
  }
  if (status === 503 || status === 529) {
    // UNAVAILABLE: "The model is overloaded." Another account (or a moment later) may serve.
    return new GatewayError("overloaded", `the upstream is overloaded: ${upstreamMessage}`, {
      ...base,
      code: "upstream_overloaded",
      retryable: true,
      retryAfterMs: retryDelay(details, options.headers),
    });
  }
  return new GatewayError("upstream", `the upstream answered HTTP ${status}: ${upstreamMessage}`, {
    ...base,
    code: "upstream_error",
    retryable: status >= 500,
    retryAfterMs: retryDelay(details, options.headers),
  });
}

function readErrorBody(text: string): GeminiErrorBody | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const first: unknown = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!isObject(first)) return undefined;
  return isObject(first.error) ? (first.error as GeminiErrorBody) : undefined;
}

/** The longest delay the upstream stated anywhere: RetryInfo, ErrorInfo's quota reset, Retry-After. */
function retryDelay(details: Record<string, unknown>[], headers: Headers | undefined): number | undefined {
  const delays: number[] = [];
  for (const detail of details) {
    if (detail["@type"] === `${typePrefix}RetryInfo` && typeof detail.retryDelay === "string") {
      const delay = parseGoogleDuration(detail.retryDelay);
      if (delay !== undefined) delays.push(delay);
    }
  }
  const resetDelay = errorInfo(details)?.metadata?.quotaResetDelay;
  if (typeof resetDelay === "string") {
    const delay = parseGoogleDuration(resetDelay);
    if (delay !== undefined) delays.push(delay);
  }
  const header = parseRetryAfter(headers?.get("retry-after"));
  if (header !== undefined) delays.push(header);
  return delays.length > 0 ? Math.max(...delays) : undefined;
}

function errorInfo(details: Record<string, unknown>[]): { reason?: unknown; metadata?: Record<string, unknown> } | undefined {
  const info = details.find((detail) => detail["@type"] === `${typePrefix}ErrorInfo`);
  if (!info) return undefined;
  return { reason: info.reason, metadata: isObject(info.metadata) ? info.metadata : undefined };
}

function quotaIds(details: Record<string, unknown>[]): string[] {
  const ids: string[] = [];
  for (const detail of details) {
    if (detail["@type"] !== `${typePrefix}QuotaFailure` || !Array.isArray(detail.violations)) continue;
    for (const violation of detail.violations) {
      if (isObject(violation) && typeof violation.quotaId === "string") ids.push(violation.quotaId);
    }
  }
  return ids;
}

/** Upstreams sometimes echo the request URL; a `key=` query value or a Google API key must never reach a client. */
export function redactSecrets(text: string): string {
  return text.replace(/([?&]key=)[^&\s"'#]+/gi, "$1[redacted]").replace(/AIza[0-9A-Za-z_-]{35}/g, "[redacted]");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
