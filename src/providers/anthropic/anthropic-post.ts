import { GatewayError } from "../../ir/errors.ts";
import { headTimeoutMs, postUpstream } from "../http/post-upstream.ts";
import type { AccountCredentials, ProviderCall, ProviderSettings } from "../types.ts";
import { parseAnthropicError, redactSecrets } from "./parse-error.ts";

export const ANTHROPIC_VERSION = "2023-06-01";

/** Client headers forwarded on pass-through: only the ones that choose the API's behaviour. */
const FORWARDED_CLIENT_HEADERS = ["anthropic-version", "anthropic-beta"] as const;

/**
 * The headers of an upstream request, all names lower-cased so that a
 * setting and a default never both go out:
 * - the provider's settings headers;
 * - `content-type: application/json`;
 * - `anthropic-version`: the settings' value, else the client's (pass-through),
 *   else 2023-06-01;
 * - `anthropic-beta`: the settings' and the client's flags together, each
 *   once (an operator can add, say, `oauth-2025-04-20`, which Anthropic wants
 *   with OAuth access tokens, without losing the betas Claude Code asks for);
 * - the credentials: an OAuth account's access token as `Authorization:
 *   Bearer`; an API key in `x-api-key` — or as `Authorization: Bearer` when
 *   the settings headers name `authorization` (whatever its value), which is
 *   how an operator says that an Anthropic-compatible service (z.ai and
 *   others) wants Bearer keys; the settings' own value is then replaced, so
 *   a placeholder there never reaches the upstream.
 */
export function anthropicHeaders(
  settings: ProviderSettings,
  account: AccountCredentials,
  clientHeaders: Record<string, string> = {},
): Record<string, string> {
  const configured = lowerCaseKeys(settings.headers);
  const client = lowerCaseKeys(clientHeaders);
  const bearerKeys = "authorization" in configured;
  const headers: Record<string, string> = { ...configured, "content-type": "application/json" };
  delete headers.authorization;
  delete headers["x-api-key"];

  headers["anthropic-version"] = configured["anthropic-version"] ?? client["anthropic-version"] ?? ANTHROPIC_VERSION;
  const betas = mergeFlags(configured["anthropic-beta"], client["anthropic-beta"]);
  if (betas) headers["anthropic-beta"] = betas;
  else delete headers["anthropic-beta"];

  if (account.accessToken) headers.authorization = `Bearer ${account.accessToken}`;
  else if (bearerKeys) headers.authorization = `Bearer ${account.apiKey}`;
  else headers["x-api-key"] = account.apiKey ?? "";
  return headers;
}

/** The pass-through client headers this provider forwards, picked case-insensitively from any record. */
export function pickClientHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const picked: Record<string, string> = {};
  if (!headers) return picked;
  const lower = lowerCaseKeys(headers);
  for (const name of FORWARDED_CLIENT_HEADERS) if (lower[name] !== undefined) picked[name] = lower[name];
  return picked;
}

/**
 * POSTs to `{baseUrl}/v1/{path}` (`messages`, `messages/count_tokens`,
 * optionally with a query) with the headers above, errors classified by
 * parseAnthropicError with the account's own secrets removed from messages.
 */
export function postAnthropic(
  baseUrl: string,
  settings: ProviderSettings,
  call: ProviderCall,
  path: string,
  body: unknown,
  clientHeaders?: Record<string, string>,
): ReturnType<typeof postUpstream> {
  const { apiKey, accessToken } = call.account;
  if (!apiKey && !accessToken) {
    return Promise.reject(
      new GatewayError("upstream", `account ${call.account.id} has no API key`, { code: "upstream_unauthorized", retryable: true }),
    );
  }
  const secrets = [apiKey, accessToken];
  return postUpstream({
    url: `${baseUrl}/v1/${path}`,
    headers: anthropicHeaders(settings, call.account, clientHeaders),
    // A string is a client's own Messages body, passed through byte for byte.
    body: typeof body === "string" ? body : JSON.stringify(body),
    timeoutMs: headTimeoutMs(settings, call),
    signal: call.signal,
    abort: call.abort,
    parseError: (status, headers, text) => parseAnthropicError(status, headers, redactSecrets(text, secrets)),
    redact: (text) => redactSecrets(text, secrets),
  });
}

/**
 * The path of a pass-through operation. The client's operation names the
 * Messages API route after `/v1/` (`messages`, `messages/count_tokens`), with
 * its query (`messages?beta=true`, as Claude Code sends); an empty operation
 * or a bare query means `messages`. Anything else is refused: a client must
 * not reach other upstream routes through the gateway's credentials.
 */
export function passthroughPath(operation: string): string {
  const trimmed = operation.trim().replace(/^\/?(v1\/)?/, "");
  const path = trimmed === "" || trimmed.startsWith("?") ? `messages${trimmed}` : trimmed;
  if (!/^messages(\/count_tokens)?(\?[^#\s]*)?$/.test(path)) {
    throw new GatewayError("not_found", `the Anthropic provider does not pass through "${operation}"`, { code: "unknown_operation" });
  }
  return path;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const lowered: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) lowered[name.toLowerCase()] = value;
  return lowered;
}

function mergeFlags(...lists: Array<string | undefined>): string {
  const flags = new Set<string>();
  for (const list of lists) for (const flag of (list ?? "").split(",")) if (flag.trim() !== "") flags.add(flag.trim());
  return [...flags].join(",");
}
