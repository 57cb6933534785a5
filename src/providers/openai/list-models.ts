import { GatewayError } from "../../ir/errors.ts";
import type { ProviderCall, ProviderSettings } from "../types.ts";
import { parseOpenAIError } from "./parse-error.ts";
import { redactSecrets } from "./redact-secrets.ts";

/** `GET {baseUrl}/models`: the ids of the models the upstream serves (`{data: [{id}]}`). */
export async function listOpenAIModels(baseUrl: string, settings: ProviderSettings, call: ProviderCall): Promise<string[]> {
  const token = call.account.accessToken ?? call.account.apiKey;
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/models`, {
      headers: { ...settings.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      signal: AbortSignal.any([call.signal, AbortSignal.timeout(settings.timeoutMs)]),
    });
  } catch (error) {
    throw new GatewayError("upstream", `could not reach the upstream: ${redactSecrets(String((error as Error)?.message ?? error))}`, {
      retryable: true,
    });
  }
  const text = await response.text();
  if (!response.ok) throw parseOpenAIError(response.status, response.headers, text);
  try {
    const data = (JSON.parse(text) as { data?: Array<{ id?: unknown }> }).data ?? [];
    return data.flatMap((model) => (typeof model.id === "string" ? [model.id] : [])).sort();
  } catch {
    throw new GatewayError("upstream", "the upstream's model list is not JSON", { retryable: true });
  }
}
