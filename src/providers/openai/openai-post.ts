import { headTimeoutMs, postUpstream } from "../http/post-upstream.ts";
import type { ProviderCall, ProviderSettings } from "../types.ts";
import { parseOpenAIError } from "./parse-error.ts";
import { redactSecrets } from "./redact-secrets.ts";

/**
 * POSTs a body to `{baseUrl}/chat/completions` (or another `path`: `/embeddings`) with the account's key or
 * access token as a Bearer token and the provider's extra headers
 * (OpenRouter's `HTTP-Referer` and `X-Title`, say), errors classified by
 * parseOpenAIError. A string body is sent byte for byte (pass-through).
 * An account without any credential sends no Authorization at all: local
 * servers (Ollama, LM Studio, vLLM) need none, and a real upstream answers
 * 401, which takes the account out like any refused key.
 */
export function postOpenAI(
  baseUrl: string,
  settings: ProviderSettings,
  call: ProviderCall,
  body: unknown,
  path = "/chat/completions",
): ReturnType<typeof postUpstream> {
  const token = call.account.accessToken ?? call.account.apiKey;
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return postUpstream({
    url: `${baseUrl}${path}`,
    // A form goes as multipart (fetch writes its content-type with the boundary); anything else as JSON.
    headers: body instanceof FormData ? { ...settings.headers, ...auth } : { ...settings.headers, "content-type": "application/json", ...auth },
    body: typeof body === "string" || body instanceof FormData ? body : JSON.stringify(body),
    timeoutMs: headTimeoutMs(settings, call),
    signal: call.signal,
    abort: call.abort,
    parseError: parseOpenAIError,
    redact: redactSecrets,
  });
}
