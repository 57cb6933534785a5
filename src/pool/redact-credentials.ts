import { GatewayError } from "../ir/errors.ts";

/** Secrets shorter than this are not searched for: replacing "ab" everywhere would garble messages and hide nothing. */
const MIN_SECRET_LENGTH = 8;

/**
 * Well-known key shapes, a second layer for secrets agw did not send itself
 * (an upstream quoting another key, a key in a URL): Google API keys,
 * OpenAI-style `sk-…` keys, Bearer tokens, `key=` query parameters.
 */
const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/AIza[0-9A-Za-z_-]{35}/g, "[redacted]"],
  [/\bsk-[A-Za-z0-9_-]{16,}/g, "sk-[redacted]"],
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]{16,}/gi, "$1[redacted]"],
  [/([?&]key=)[^&\s"'#]+/gi, "$1[redacted]"],
];

/**
 * Removes every credential of a call from a text: the exact values first
 * (API key, OAuth access and refresh tokens, client secret: whatever their
 * shape), then the well-known patterns. Upstream errors often quote the key
 * ("Consumer 'api_key:…'", "Incorrect API key provided: …"); nothing that
 * reaches a client, a log or the store may carry one.
 */
export function redactCredentials(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= MIN_SECRET_LENGTH && out.includes(secret)) out = out.replaceAll(secret, "[redacted]");
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** The same error with its message redacted; the error itself when there was nothing to remove. */
export function redactError(error: GatewayError, secrets: ReadonlyArray<string | undefined>): GatewayError {
  const message = redactCredentials(error.message, secrets);
  if (message === error.message) return error;
  return new GatewayError(error.kind, message, {
    status: error.status,
    ...(error.param !== undefined ? { param: error.param } : {}),
    ...(error.code !== undefined ? { code: error.code } : {}),
    retryable: error.retryable,
    ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
    ...(error.upstreamStatus !== undefined ? { upstreamStatus: error.upstreamStatus } : {}),
    quotaExhausted: error.quotaExhausted,
  });
}
