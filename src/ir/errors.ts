/**
 * One error type for everything that can fail between a client and an
 * upstream. It carries what the retry loop needs (status, retryability, the
 * upstream's stated delay) and what each protocol's encoder needs (a kind it
 * maps to its own error type, a message, the offending parameter).
 */
export type ErrorKind =
  | "invalid_request" // 400: the client's request is at fault
  | "authentication" // 401
  | "permission" // 403
  | "not_found" // 404 (route or model)
  | "method_not_allowed" // 405
  | "request_too_large" // 413
  | "rate_limit" // 429
  | "upstream" // 502: the upstream failed or answered something unusable
  | "unavailable" // 503: no account can serve now
  | "overloaded" // 529-style: the upstream is overloaded
  | "timeout" // 504
  | "internal"; // 500: a bug in the gateway

const defaultStatus: Record<ErrorKind, number> = {
  invalid_request: 400,
  authentication: 401,
  permission: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_too_large: 413,
  rate_limit: 429,
  upstream: 502,
  unavailable: 503,
  overloaded: 529,
  timeout: 504,
  internal: 500,
};

export interface GatewayErrorOptions {
  status?: number;
  /** The parameter at fault, as a path (`messages[0].content`). */
  param?: string;
  /** A machine-readable code (`model_not_found`, `invalid_api_key`…). */
  code?: string;
  /** Whether another account or a later attempt may succeed. */
  retryable?: boolean;
  /** How long the upstream asked us to wait, in milliseconds. */
  retryAfterMs?: number;
  /** The HTTP status the upstream answered, when the error came from one. */
  upstreamStatus?: number;
  /** Set when the whole daily quota (not a short rate window) is used up. */
  quotaExhausted?: boolean;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly kind: ErrorKind;
  readonly status: number;
  readonly param?: string;
  readonly code?: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly upstreamStatus?: number;
  readonly quotaExhausted: boolean;

  constructor(kind: ErrorKind, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "GatewayError";
    this.kind = kind;
    this.status = options.status ?? defaultStatus[kind];
    this.param = options.param;
    this.code = options.code;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.upstreamStatus = options.upstreamStatus;
    this.quotaExhausted = options.quotaExhausted ?? false;
  }
}

export function isGatewayError(value: unknown): value is GatewayError {
  return value instanceof GatewayError;
}

/** Wraps anything thrown into a GatewayError without leaking internals. */
export function toGatewayError(value: unknown): GatewayError {
  if (value instanceof GatewayError) return value;
  return new GatewayError("internal", "internal error in the gateway", { cause: value });
}
