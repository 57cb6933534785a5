import { GatewayError } from "../../ir/errors.ts";
import { headTimeoutMs, postUpstream } from "../http/post-upstream.ts";
import type { ProviderCall, ProviderSettings } from "../types.ts";
import { parseGeminiError, redactSecrets } from "./parse-error.ts";

/** The upstream model name without Gemini's optional `models/` prefix. */
export function geminiModelName(call: ProviderCall): string {
  return call.model.replace(/^models\//, "");
}

/**
 * POSTs to `{baseUrl}/v1beta/models/{model}:{method}` (method may carry a
 * query, as in `streamGenerateContent?alt=sse`) with the account's key
 * in `x-goog-api-key` (never in the URL, so it cannot leak through logged or
 * echoed URLs), errors classified by parseGeminiError.
 */
export function postGemini(
  baseUrl: string,
  settings: ProviderSettings,
  call: ProviderCall,
  method: string,
  body: unknown,
): ReturnType<typeof postUpstream> {
  const { apiKey, accessToken } = call.account;
  if (!apiKey && !accessToken) {
    return Promise.reject(
      new GatewayError("upstream", `account ${call.account.id} has no API key`, { code: "upstream_unauthorized", retryable: true }),
    );
  }
  // An API key goes in x-goog-api-key; an OAuth account's access token as a Bearer token.
  const auth: Record<string, string> = accessToken ? { authorization: `Bearer ${accessToken}` } : { "x-goog-api-key": apiKey! };
  return postUpstream({
    url: `${baseUrl}/v1beta/models/${encodeURIComponent(geminiModelName(call))}:${method}`,
    headers: { ...settings.headers, "content-type": "application/json", ...auth },
    // A string is a client's own Gemini body, passed through byte for byte.
    body: typeof body === "string" ? body : JSON.stringify(body),
    timeoutMs: headTimeoutMs(settings, call),
    signal: call.signal,
    abort: call.abort,
    parseError: parseGeminiError,
    redact: redactSecrets,
  });
}
