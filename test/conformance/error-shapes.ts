import { expect } from "bun:test";

/**
 * The error a client must get, in its own protocol's shape, for each
 * upstream fault: the body its SDK parses (OpenAI's `{error: {message,
 * type, param, code}}`, Anthropic's `{type: "error", error: {type,
 * message}}`, Google's `{error: {code, message, status, details}}`), and
 * in streams the error frame each protocol defines.
 */

export type ErrorFault = "rate-limit" | "server-error" | "overload";

const openAIProtocols = new Set(["openai-chat", "openai-responses", "openai-completions"]);

/** The HTTP status a client sees for each fault. */
export function faultStatus(fault: ErrorFault, protocol: string): number {
  if (fault === "rate-limit") return 429;
  if (fault === "server-error") return 502;
  return protocol === "anthropic" ? 529 : 503;
}

const anthropicTypes: Record<ErrorFault, string> = { "rate-limit": "rate_limit_error", "server-error": "api_error", overload: "overloaded_error" };
const googleStatuses: Record<ErrorFault, string[]> = {
  "rate-limit": ["RESOURCE_EXHAUSTED"],
  "server-error": ["INTERNAL", "UNAVAILABLE"],
  overload: ["UNAVAILABLE"],
};

const message = expect.stringMatching(/\S/);

/** OpenAI's error object: exactly message, type, param and code, the code a string or null. */
function expectOpenAIError(error: any, type?: string): void {
  expect(Object.keys(error ?? {}).sort()).toEqual(["code", "message", "param", "type"]);
  expect(error.message).toMatch(/\S/);
  if (type) expect(error.type).toBe(type);
  else expect(error.type).toMatch(/\S/);
  expect(error.param === null || typeof error.param === "string").toBe(true);
  expect(error.code === null || typeof error.code === "string").toBe(true);
}

/** An error answer's body and headers, checked against the protocol's shape for the fault. */
export function expectErrorAnswer(protocol: string, fault: ErrorFault, body: unknown, retryAfter: string | null): void {
  const status = faultStatus(fault, protocol);
  if (openAIProtocols.has(protocol)) {
    expect(Object.keys(body as object)).toEqual(["error"]);
    const error = (body as any).error;
    expectOpenAIError(error, fault === "rate-limit" ? undefined : "server_error");
    // OpenAI clients tell a rate window from a used-up quota by the code.
    if (fault === "rate-limit") expect(error.code).toMatch(/^(rate_limit_exceeded|all_accounts_exhausted)$/);
  } else if (protocol === "anthropic") {
    const { request_id: _requestId, ...rest } = body as Record<string, unknown>;
    expect(rest).toEqual({ type: "error", error: { type: anthropicTypes[fault], message } });
  } else {
    const error = (body as any)?.error;
    expect(Object.keys(body as object)).toEqual(["error"]);
    expect(Object.keys(error ?? {}).sort()).toEqual(["code", "message", "status", ...(error?.details ? ["details"] : [])].sort());
    expect(error).toMatchObject({ code: status, message });
    expect(googleStatuses[fault]).toContain(error.status);
    // Gemini clients time their retry by RetryInfo, not by the header.
    if (fault === "rate-limit") {
      expect(error.details).toContainEqual({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: expect.stringMatching(/^[12](\.\d+)?s$/) });
    }
  }
  // Every upstream asked for 2 s; the client hears when to come back (what is left of those 2 s, rounded up).
  if (fault === "rate-limit") expect(retryAfter).toMatch(/^[12]$/);
}

/** The error frames that ended a stream (data of each), in the protocol's own framing. */
export function expectStreamError(protocol: string, frames: unknown[]): void {
  if (protocol === "openai-chat" || protocol === "openai-completions") {
    expect(frames).toHaveLength(1);
    expect(Object.keys(frames[0] as object)).toEqual(["error"]);
    expectOpenAIError((frames[0] as any).error);
  } else if (protocol === "openai-responses") {
    // `response.failed` carries the failed response, then an `error` event says the same.
    expect(frames).toHaveLength(2);
    expect(frames[0]).toMatchObject({ type: "response.failed", response: { status: "failed", error: { code: expect.stringMatching(/\S/), message } } });
    expect(frames[1]).toMatchObject({ type: "error", code: expect.stringMatching(/\S/), message });
  } else if (protocol === "anthropic") {
    expect(frames).toEqual([{ type: "error", error: { type: expect.stringMatching(/^(api_error|overloaded_error)$/), message } }]);
  } else {
    expect(frames).toEqual([{ error: { code: expect.any(Number), message, status: expect.stringMatching(/^[A-Z_]+$/) } }]);
  }
}
