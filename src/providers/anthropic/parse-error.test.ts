import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import { parseAnthropicError, redactSecrets } from "./parse-error.ts";
import { parseAnthropicRetryDelay } from "./parse-retry-delay.ts";

const documented = (await Bun.file(new URL("./fixtures/errors.json", import.meta.url)).json()) as Array<{ status: number; body: unknown }>;
const bodyOf = (status: number) => JSON.stringify(documented.find((entry) => entry.status === status)!.body);

/** The fields the retry loop and the encoders read, as a plain object. */
function fields(error: GatewayError) {
  return {
    kind: error.kind,
    status: error.status,
    code: error.code,
    message: error.message,
    retryable: error.retryable,
    retryAfterMs: error.retryAfterMs,
    upstreamStatus: error.upstreamStatus,
  };
}

const NOW = Date.parse("2025-06-01T12:00:00Z");

describe("parseAnthropicError on the documented errors", () => {
  test.each([
    [400, "invalid_request", undefined, false, "There was an issue with the format or content of your request."],
    [401, "upstream", "upstream_unauthorized", true, "the upstream refused the account's credentials: There's an issue with your API key."],
    [403, "upstream", "upstream_forbidden", true, "the upstream denied access for this account: Your API key does not have permission to use the specified resource."],
    [404, "not_found", "model_not_found", false, "The requested resource was not found."],
    [413, "request_too_large", undefined, false, "Request exceeds the maximum allowed number of bytes."],
    [429, "rate_limit", undefined, true, "Your account has hit a rate limit."],
    [500, "upstream", "upstream_error", true, "the upstream answered HTTP 500: An unexpected error has occurred internal to Anthropic's systems."],
    [529, "overloaded", "upstream_overloaded", true, "the upstream is overloaded: Anthropic's API is temporarily overloaded."],
  ] as const)("HTTP %d → %s", (status, kind, code, retryable, message) => {
    const error = parseAnthropicError(status, new Headers(), bodyOf(status), NOW);
    expect(error).toBeInstanceOf(GatewayError);
    expect(fields(error)).toMatchObject({ kind, code, retryable, message, upstreamStatus: status });
  });

  test("429 with retry-after: its seconds", () => {
    const headers = new Headers({ "retry-after": "17", "anthropic-ratelimit-requests-reset": "2025-06-01T12:00:45Z" });
    expect(fields(parseAnthropicError(429, headers, bodyOf(429), NOW))).toEqual({
      kind: "rate_limit",
      status: 429,
      code: undefined,
      message: "Your account has hit a rate limit.",
      retryable: true,
      retryAfterMs: 17_000,
      upstreamStatus: 429,
    });
  });

  test("429 without retry-after: the exhausted limit's reset time", () => {
    const headers = new Headers({
      "anthropic-ratelimit-requests-remaining": "12",
      "anthropic-ratelimit-requests-reset": "2025-06-01T12:00:05Z",
      "anthropic-ratelimit-input-tokens-remaining": "0",
      "anthropic-ratelimit-input-tokens-reset": "2025-06-01T12:00:30Z",
    });
    expect(parseAnthropicError(429, headers, bodyOf(429), NOW).retryAfterMs).toBe(30_000);
  });

  test("529 carries a stated delay; an overloaded_error under another status is still overloaded", () => {
    expect(parseAnthropicError(529, new Headers({ "retry-after": "3" }), bodyOf(529), NOW).retryAfterMs).toBe(3000);
    const body = JSON.stringify({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
    expect(parseAnthropicError(503, new Headers(), body, NOW)).toMatchObject({ kind: "overloaded", retryable: true, upstreamStatus: 503 });
  });

  test("a signature refusal stays an invalid request with its words (the retry loop strips signatures on it)", () => {
    const body = JSON.stringify({
      type: "error",
      error: { type: "invalid_request_error", message: "messages.1.content.0: Invalid `signature` in `thinking` block" },
    });
    expect(fields(parseAnthropicError(400, new Headers(), body, NOW))).toMatchObject({
      kind: "invalid_request",
      retryable: false,
      message: "messages.1.content.0: Invalid `signature` in `thinking` block",
    });
  });

  test("a credit balance too low is the account's problem, not the client's", () => {
    const body = JSON.stringify({
      type: "error",
      error: { type: "invalid_request_error", message: "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits." },
    });
    expect(parseAnthropicError(400, new Headers(), body, NOW)).toMatchObject({ kind: "upstream", code: "upstream_forbidden", retryable: true });
    const billing = JSON.stringify({ type: "error", error: { type: "billing_error", message: "Payment required" } });
    expect(parseAnthropicError(402, new Headers(), billing, NOW)).toMatchObject({ kind: "upstream", code: "upstream_forbidden", retryable: true });
  });

  test("other shapes: OpenAI-style errors, plain text, an empty body; other statuses", () => {
    const openai = JSON.stringify({ error: { message: "Invalid model", type: "invalid_request_error", code: "1211" } });
    expect(parseAnthropicError(400, new Headers(), openai, NOW)).toMatchObject({ kind: "invalid_request", message: "Invalid model" });
    expect(parseAnthropicError(502, new Headers(), "<html>Bad Gateway</html>", NOW)).toMatchObject({
      kind: "upstream",
      retryable: true,
      message: "the upstream answered HTTP 502: <html>Bad Gateway</html>",
    });
    expect(parseAnthropicError(503, new Headers(), "", NOW).message).toBe("the upstream answered HTTP 503: HTTP 503");
    expect(parseAnthropicError(504, new Headers(), "", NOW)).toMatchObject({ kind: "timeout", status: 504, retryable: true });
    expect(parseAnthropicError(409, new Headers(), "", NOW)).toMatchObject({ kind: "upstream", retryable: false });
  });

  test("keys echoed in a message never reach the client", () => {
    const body = JSON.stringify({
      type: "error",
      error: { type: "authentication_error", message: "invalid x-api-key: sk-ant-api03-AbCdEf_123-xyz" },
    });
    const error = parseAnthropicError(401, new Headers(), body, NOW);
    expect(error.message).toBe("the upstream refused the account's credentials: invalid x-api-key: [redacted]");
  });
});

describe("redactSecrets", () => {
  test("Anthropic keys, other sk- keys, Bearer tokens and the given secrets", () => {
    expect(redactSecrets("key sk-ant-oat01-abc_DEF-123 used")).toBe("key [redacted] used");
    expect(redactSecrets("bad key sk-0123456789abcdefghij")).toBe("bad key [redacted]");
    expect(redactSecrets("Authorization: Bearer abc.def.ghi-123")).toBe("Authorization: Bearer [redacted]");
    expect(redactSecrets("token 1f2e3d4c5b6a.zai-secret was refused", ["1f2e3d4c5b6a.zai-secret"])).toBe("token [redacted] was refused");
    expect(redactSecrets("short sk-1 stays", ["abc"])).toBe("short sk-1 stays");
  });
});

describe("parseAnthropicRetryDelay", () => {
  test("retry-after in seconds, as an HTTP date, or retry-after-ms", () => {
    expect(parseAnthropicRetryDelay(new Headers({ "retry-after": "2" }), NOW)).toBe(2000);
    expect(parseAnthropicRetryDelay(new Headers({ "retry-after": "1.5" }), NOW)).toBe(1500);
    expect(parseAnthropicRetryDelay(new Headers({ "retry-after": "Sun, 01 Jun 2025 12:00:09 GMT" }), NOW)).toBe(9000);
    expect(parseAnthropicRetryDelay(new Headers({ "retry-after-ms": "250", "retry-after": "1" }), NOW)).toBe(250);
  });

  test("reset headers: the latest exhausted limit, else the earliest reset; past resets are 0", () => {
    const resets = {
      "anthropic-ratelimit-requests-reset": "2025-06-01T12:00:10Z",
      "anthropic-ratelimit-tokens-reset": "2025-06-01T12:00:20Z",
      "anthropic-ratelimit-output-tokens-reset": "2025-06-01T12:01:00Z",
    };
    expect(parseAnthropicRetryDelay(new Headers(resets), NOW)).toBe(10_000);
    expect(
      parseAnthropicRetryDelay(
        new Headers({ ...resets, "anthropic-ratelimit-requests-remaining": "0", "anthropic-ratelimit-tokens-remaining": "0" }),
        NOW,
      ),
    ).toBe(20_000);
    expect(parseAnthropicRetryDelay(new Headers({ "anthropic-ratelimit-requests-reset": "2025-06-01T11:59:00Z" }), NOW)).toBe(0);
  });

  test("nothing usable: undefined", () => {
    expect(parseAnthropicRetryDelay(undefined, NOW)).toBeUndefined();
    expect(parseAnthropicRetryDelay(new Headers(), NOW)).toBeUndefined();
    expect(parseAnthropicRetryDelay(new Headers({ "retry-after": "soon", "anthropic-ratelimit-requests-reset": "60" }), NOW)).toBeUndefined();
  });
});

test("a workspace past its spend limit is a quota: retryable on another account, resting until access returns", () => {
  const now = Date.parse("2026-12-03T10:00:00Z");
  const body = JSON.stringify({
    type: "error",
    error: { type: "invalid_request_error", message: "You have reached your specified API usage limits. You will regain access on 2027-01-01 at 00:00 UTC." },
  });
  const error = parseAnthropicError(400, new Headers(), body, now);
  expect([error.kind, error.code, error.retryable, error.quotaExhausted, error.retryAfterMs, error.upstreamStatus]).toEqual([
    "rate_limit",
    "quota_exhausted",
    true,
    true,
    Date.parse("2027-01-01T00:00:00Z") - now,
    400,
  ]);
  expect(error.message).toBe(
    "the account's spend limit is used up: You have reached your specified API usage limits. You will regain access on 2027-01-01 at 00:00 UTC.",
  );
});
