import type { ErrorKind, GatewayError } from "../../ir/errors.ts";

export interface AnthropicErrorBody {
  type: "error";
  error: { type: string; message: string };
}

/** Error `type` per kind, as Anthropic's API names them; the SDKs pick their exception class from the status. */
const errorTypes: Record<ErrorKind, string> = {
  invalid_request: "invalid_request_error",
  method_not_allowed: "invalid_request_error",
  request_too_large: "request_too_large",
  authentication: "authentication_error",
  permission: "permission_error",
  not_found: "not_found_error",
  rate_limit: "rate_limit_error",
  overloaded: "overloaded_error",
  upstream: "api_error",
  unavailable: "api_error",
  // The SDKs name it GatewayTimeoutError.
  timeout: "timeout_error",
  internal: "api_error",
};

/** The error as Anthropic clients expect it: `{type: "error", error: {type, message}}` with the error's status. */
export function encodeAnthropicError(error: GatewayError): { status: number; body: AnthropicErrorBody } {
  return { status: error.status, body: { type: "error", error: { type: errorTypes[error.kind], message: error.message } } };
}
