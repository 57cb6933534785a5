/**
 * Removes credentials from upstream text that may reach a client or a log:
 * OpenAI-style keys (`sk-…`, `sk-proj-…`, OpenRouter's `sk-or-v1-…`), Groq
 * keys (`gsk_…`), Bearer tokens (some servers echo the Authorization header)
 * and `key=` query values. OpenAI itself masks most of a wrong key ("sk-abc***xyz"),
 * but compatible servers do not all do so.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/\bBearer\s+[^\s"',;]+/gi, "Bearer [redacted]")
    .replace(/\b(?:sk|gsk|xai|pplx)[-_][A-Za-z0-9_*-]{8,}/g, "[redacted]")
    .replace(/([?&](?:key|api_key|api-key)=)[^&\s"'#]+/gi, "$1[redacted]");
}
