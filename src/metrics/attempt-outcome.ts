/** What an upstream attempt came to, as `agw_upstream_attempts_total{outcome}` counts it. */
export type AttemptOutcome =
  | "ok"
  | "rate_limited"
  | "quota"
  | "overloaded"
  | "server_error"
  | "network"
  | "auth"
  | "client_error"
  | "timeout";

/**
 * Maps an attempt's record (the upstream's status, or the gateway's when no
 * answer came, and its error class: the error's code, else its kind) onto a
 * fixed set, so the label stays bounded whatever codes the providers add.
 */
export function attemptOutcome(status: number, errorClass: string | undefined): AttemptOutcome {
  if (errorClass === undefined && status < 400) return "ok";
  const error = errorClass ?? "";
  if (error.includes("quota")) return "quota";
  if (status === 429 || error === "rate_limit" || error === "rate_limit_exceeded") return "rate_limited";
  if (status === 504 || status === 408 || error === "timeout" || error.includes("deadline") || error.includes("timeout")) return "timeout";
  if (status === 401 || status === 403 || error.includes("unauthorized") || error.includes("forbidden") || error.includes("access_token") || error.startsWith("oauth_") || error === "authentication" || error === "permission") {
    return "auth";
  }
  if (status === 529 || status === 503 || error.includes("overloaded")) return "overloaded";
  // A bare "upstream" (no code, no upstream status) is what a connection that got no HTTP answer raises.
  if (status === 0 || error === "upstream" || error.includes("network")) return "network";
  if (status >= 400 && status < 500) return "client_error";
  return "server_error";
}
