import type { ErrorKind, GatewayError } from "../../ir/errors.ts";

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/**
 * Error `type` per kind, as OpenAI's own responses name them: OpenAI answers
 * nearly every client fault, bad API keys included, with
 * `invalid_request_error` (a bad key carries `code: "invalid_api_key"`), and
 * its 5xx bodies with `server_error`. The official SDKs pick their exception
 * class from the HTTP status, not from `type`.
 */
const errorTypes: Record<ErrorKind, string> = {
  invalid_request: "invalid_request_error",
  not_found: "invalid_request_error",
  method_not_allowed: "invalid_request_error",
  request_too_large: "invalid_request_error",
  authentication: "invalid_request_error",
  permission: "permission_error",
  rate_limit: "rate_limit_error",
  upstream: "server_error",
  unavailable: "server_error",
  overloaded: "server_error",
  timeout: "server_error",
  internal: "server_error",
};

const defaultCodes: Partial<Record<ErrorKind, string>> = {
  authentication: "invalid_api_key",
  rate_limit: "rate_limit_exceeded",
};

/** The error as OpenAI clients expect it: `{error: {message, type, param, code}}` with the error's status. */
export function encodeOpenAIError(error: GatewayError): { status: number; body: OpenAIErrorBody } {
  let type = errorTypes[error.kind];
  let code = error.code ?? defaultCodes[error.kind] ?? null;
  // OpenAI reports a used-up quota (not a short rate window) as its own type and code; clients stop retrying on it.
  if (error.kind === "rate_limit" && error.quotaExhausted) {
    type = "insufficient_quota";
    code = error.code ?? "insufficient_quota";
  }
  return {
    // 529 is Anthropic's overload status; OpenAI clients know overload as 503.
    status: error.kind === "overloaded" && error.status === 529 ? 503 : error.status,
    body: { error: { message: error.message, type, param: error.param ?? null, code } },
  };
}
