import { GatewayError } from "../../ir/errors.ts";
import type { OAuthGrant, StoredToken } from "../../store/index.ts";

/** The part of `fetch` we use; tests and callers may pass their own. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface RefreshOptions {
  fetch?: FetchFunction;
  /** The whole exchange (connect, answer, body); default 10 s. */
  timeoutMs?: number;
  /** The clock, in ms since the epoch; default `Date.now`. */
  now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** RFC 6749 §5.1 makes `expires_in` optional; an hour is what most servers issue. */
const DEFAULT_LIFETIME_MS = 60 * 60_000;
/** Error codes that mean the grant itself (or the client presenting it) is refused: retrying the same grant cannot help. */
const REFUSED_GRANT_ERRORS = new Set(["invalid_grant", "unauthorized_client", "invalid_client"]);
const MAX_DESCRIPTION_CHARS = 300;

/**
 * Exchanges a refresh token for an access token (RFC 6749 §6): one POST of
 * an `application/x-www-form-urlencoded` body, client credentials in the body
 * (`client_secret_post`). Resolves with the token and when it expires, plus
 * the new refresh token when the server rotated it. Rejects with a
 * GatewayError whose code is `oauth_invalid_grant` (the grant or client is
 * refused), `oauth_rejected` (another 4xx) or `oauth_unavailable` (network,
 * timeout, 429, 5xx, an unusable answer); all are retryable, so the request
 * moves on to another account. No message ever contains the refresh token,
 * the client secret or an access token.
 */
export async function refreshAccessToken(grant: OAuthGrant, options: RefreshOptions = {}): Promise<StoredToken> {
  const fetchFunction = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const secrets = [grant.refreshToken, grant.clientSecret ?? ""];
  const signal = AbortSignal.timeout(timeoutMs);

  let status: number;
  let headers: Headers;
  let text: string;
  try {
    const response = await fetchFunction(grant.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: tokenRequestBody(grant),
      signal,
    });
    status = response.status;
    headers = response.headers;
    text = await response.text();
  } catch (error) {
    const reason = signal.aborted ? `timed out after ${timeoutMs} ms` : `failed: ${redact(errorText(error), secrets)}`;
    throw unavailable(`the OAuth token request to ${origin(grant.tokenUrl)} ${reason}`, undefined, error);
  }

  const body = parseJson(text);
  if (status >= 200 && status < 300) {
    const token = readToken(body, now());
    if (token === undefined) {
      throw unavailable(`the OAuth token endpoint ${origin(grant.tokenUrl)} answered ${status} without an access token`);
    }
    return token;
  }
  throw refusal(status, headers, body, grant, secrets);
}

/** The form body: extraParams first, so they cannot override the grant's own fields. */
export function tokenRequestBody(grant: OAuthGrant): URLSearchParams {
  const form = new URLSearchParams(grant.extraParams);
  form.set("grant_type", "refresh_token");
  form.set("refresh_token", grant.refreshToken);
  form.set("client_id", grant.clientId);
  if (grant.clientSecret !== undefined) form.set("client_secret", grant.clientSecret);
  return form;
}

/** Reads a successful token answer; undefined when it has no access token. */
function readToken(body: unknown, now: number): StoredToken | undefined {
  if (!isRecord(body)) return undefined;
  const accessToken = body.access_token;
  if (typeof accessToken !== "string" || accessToken === "") return undefined;
  // Some servers send expires_in as a string ("3599").
  const expiresIn = Number(body.expires_in);
  const lifetimeMs = body.expires_in != null && Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : DEFAULT_LIFETIME_MS;
  const token: StoredToken = { accessToken, expiresAt: now + lifetimeMs };
  if (typeof body.refresh_token === "string" && body.refresh_token !== "") token.refreshToken = body.refresh_token;
  return token;
}

/** Turns a non-2xx answer into the error the retry loop and the manager act on. */
function refusal(status: number, headers: Headers, body: unknown, grant: OAuthGrant, secrets: string[]): GatewayError {
  const error = isRecord(body) && typeof body.error === "string" ? body.error : undefined;
  const rawDescription = isRecord(body) && typeof body.error_description === "string" ? body.error_description : "";
  const description = redact(rawDescription, secrets).slice(0, MAX_DESCRIPTION_CHARS);
  const detail = description === "" ? "" : `: ${description}`;
  if (error !== undefined && REFUSED_GRANT_ERRORS.has(error)) {
    // This message is also the account's disabled reason.
    return new GatewayError("upstream", `OAuth refresh token was refused (${error})${detail}`, {
      code: "oauth_invalid_grant",
      retryable: true,
    });
  }
  if (status === 429 || status >= 500) {
    return unavailable(`the OAuth token endpoint ${origin(grant.tokenUrl)} answered ${status}${detail}`, retryAfterMs(headers));
  }
  return new GatewayError("upstream", `the OAuth token endpoint ${origin(grant.tokenUrl)} answered ${status} (${error ?? "no error code"})${detail}`, {
    code: "oauth_rejected",
    retryable: true,
  });
}

function unavailable(message: string, retryAfter?: number, cause?: unknown): GatewayError {
  return new GatewayError("upstream", message, { code: "oauth_unavailable", retryable: true, retryAfterMs: retryAfter, cause });
}

/** Replaces every secret in a text the server or the network stack wrote. */
export function redact(text: string, secrets: string[]): string {
  let result = text;
  for (const secret of secrets) if (secret !== "") result = result.split(secret).join("[redacted]");
  return result;
}

function retryAfterMs(headers: Headers): number | undefined {
  const seconds = Number(headers.get("retry-after") ?? "");
  return headers.has("retry-after") && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/** Only the origin goes into messages: a token URL's query could carry anything. */
function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(invalid URL)";
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
