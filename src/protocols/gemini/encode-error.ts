import type { ErrorKind, GatewayError } from "../../ir/errors.ts";
import type { GeminiErrorBody, GeminiErrorStatus } from "./types.ts";

/** Google's canonical status names per kind, as Gemini's API uses them. */
const statuses: Record<ErrorKind, GeminiErrorStatus> = {
  invalid_request: "INVALID_ARGUMENT",
  // Google answers an unknown method and a too large payload with INVALID_ARGUMENT too.
  method_not_allowed: "INVALID_ARGUMENT",
  request_too_large: "INVALID_ARGUMENT",
  authentication: "UNAUTHENTICATED",
  permission: "PERMISSION_DENIED",
  not_found: "NOT_FOUND",
  rate_limit: "RESOURCE_EXHAUSTED",
  upstream: "INTERNAL",
  internal: "INTERNAL",
  unavailable: "UNAVAILABLE",
  overloaded: "UNAVAILABLE",
  timeout: "DEADLINE_EXCEEDED",
};

/**
 * The error as Gemini clients expect it: `{error: {code, message, status}}`
 * with `code` the HTTP status. An overload is Gemini's 503 ("The model is
 * overloaded"); a stated retry delay travels as Google's `RetryInfo`
 * detail, which Gemini clients read to time their retry.
 */
export function encodeGeminiError(error: GatewayError): { status: number; body: GeminiErrorBody } {
  const status = error.kind === "overloaded" ? 503 : error.status;
  const body: GeminiErrorBody = { error: { code: status, message: error.message, status: statuses[error.kind] } };
  if (error.retryAfterMs !== undefined && error.retryAfterMs > 0) {
    body.error.details = [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: formatDelay(error.retryAfterMs) }];
  }
  return { status, body };
}

/** A `google.protobuf.Duration` in JSON: seconds with up to nine decimals and an `s`. */
function formatDelay(milliseconds: number): string {
  const seconds = Math.round(milliseconds) / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(3).replace(/0+$/, "")}s`;
}
