import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import { mapGeminiError, parseGeminiError } from "./parse-error.ts";

const fixture = (name: string) => Bun.file(new URL(`./fixtures/${name}`, import.meta.url)).text();

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
    quotaExhausted: error.quotaExhausted,
  };
}

describe("parseGeminiError", () => {
  test("429 with RetryInfo: a short rate limit with its delay", async () => {
    const error = parseGeminiError(429, new Headers(), await fixture("error-429-retry-info.json"));
    expect(error).toBeInstanceOf(GatewayError);
    expect(fields(error)).toEqual({
      kind: "rate_limit",
      status: 429,
      code: undefined,
      message:
        "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
      retryable: true,
      retryAfterMs: 26_000,
      upstreamStatus: 429,
      quotaExhausted: false,
    });
  });

  test("429 on a per-day quota: exhausted, waiting for the longest stated delay", async () => {
    const error = parseGeminiError(429, new Headers(), await fixture("error-429-daily-quota.json"));
    expect(error.kind).toBe("rate_limit");
    expect(error.quotaExhausted).toBe(true);
    expect(error.retryAfterMs).toBe(7_261_500);
  });

  test("429 with only a Retry-After header", () => {
    const body = JSON.stringify({ error: { code: 429, message: "Resource has been exhausted (e.g. check quota).", status: "RESOURCE_EXHAUSTED" } });
    const error = parseGeminiError(429, new Headers({ "retry-after": "12" }), body);
    expect(fields(error)).toMatchObject({ kind: "rate_limit", retryable: true, retryAfterMs: 12_000, quotaExhausted: false });
  });

  test("400 INVALID_ARGUMENT is the client's fault and keeps the upstream message", async () => {
    const error = parseGeminiError(400, new Headers(), await fixture("error-400-invalid-argument.json"));
    expect(fields(error)).toEqual({
      kind: "invalid_request",
      status: 400,
      code: undefined,
      message: "* GenerateContentRequest.tools[0].function_declarations[0].parameters.properties: should be non-empty for OBJECT type",
      retryable: false,
      retryAfterMs: undefined,
      upstreamStatus: 400,
      quotaExhausted: false,
    });
  });

  test("400 API_KEY_INVALID is the account's fault: another account may work", async () => {
    const error = parseGeminiError(400, new Headers(), await fixture("error-400-api-key-invalid.json"));
    expect(fields(error)).toMatchObject({
      kind: "upstream",
      status: 502,
      code: "upstream_unauthorized",
      retryable: true,
      upstreamStatus: 400,
    });
  });

  test("400 FAILED_PRECONDITION (region) is the account's fault too", async () => {
    const error = parseGeminiError(400, new Headers(), await fixture("error-400-location.json"));
    expect(fields(error)).toMatchObject({ kind: "upstream", status: 502, code: "upstream_precondition", retryable: true });
  });

  test("401 and 403 become retryable upstream errors", async () => {
    const unauthorized = parseGeminiError(401, new Headers(), '{"error":{"code":401,"message":"Request had invalid authentication credentials.","status":"UNAUTHENTICATED"}}');
    expect(fields(unauthorized)).toMatchObject({ kind: "upstream", status: 502, code: "upstream_unauthorized", retryable: true, upstreamStatus: 401 });
    const forbidden = parseGeminiError(403, new Headers(), await fixture("error-403-permission-denied.json"));
    expect(fields(forbidden)).toMatchObject({ kind: "upstream", status: 502, code: "upstream_forbidden", retryable: true, upstreamStatus: 403 });
  });

  test("404 is a model that does not exist", async () => {
    const error = parseGeminiError(404, new Headers(), await fixture("error-404-model-not-found.json"));
    expect(fields(error)).toMatchObject({ kind: "not_found", status: 404, code: "model_not_found", retryable: false, upstreamStatus: 404 });
    expect(error.message).toStartWith("models/gemini-9-ultra is not found");
  });

  test("413 is a request too large", () => {
    expect(parseGeminiError(413, new Headers(), "Request Entity Too Large").kind).toBe("request_too_large");
  });

  test("500 is a retryable upstream failure", async () => {
    const error = parseGeminiError(500, new Headers(), await fixture("error-500-internal.json"));
    expect(fields(error)).toMatchObject({ kind: "upstream", status: 502, retryable: true, upstreamStatus: 500 });
    expect(error.message).toStartWith("the upstream answered HTTP 500: ");
  });

  test("503 (the model is overloaded) is a retryable overload", async () => {
    const error = parseGeminiError(503, new Headers(), await fixture("error-503-overloaded.json"));
    expect(fields(error)).toMatchObject({ kind: "overloaded", code: "upstream_overloaded", retryable: true, upstreamStatus: 503 });
    expect(error.message).toStartWith("the upstream is overloaded: ");
  });

  test("502 and 504 with an HTML body", () => {
    for (const status of [502, 504]) {
      const error = parseGeminiError(status, new Headers(), "<html><body>Bad Gateway</body></html>");
      expect(fields(error)).toMatchObject({ kind: "upstream", status: 502, retryable: true, upstreamStatus: status });
      expect(error.message).toBe(`the upstream answered HTTP ${status}: <html><body>Bad Gateway</body></html>`);
    }
  });

  test("other 4xx are upstream errors that another attempt will not fix", () => {
    const error = parseGeminiError(409, new Headers(), "");
    expect(fields(error)).toMatchObject({ kind: "upstream", status: 502, retryable: false, upstreamStatus: 409, message: "the upstream answered HTTP 409: HTTP 409" });
  });

  test("an error wrapped in an array is read too", () => {
    const error = parseGeminiError(503, new Headers(), '[{"error":{"code":503,"message":"The service is currently unavailable.","status":"UNAVAILABLE"}}]');
    expect(error.message).toBe("the upstream is overloaded: The service is currently unavailable.");
  });

  test("never leaks an API key echoed in a URL", () => {
    const body = JSON.stringify({
      error: {
        code: 400,
        message:
          "Bad request to https://generativelanguage.googleapis.com/v1beta/models/x:streamGenerateContent?alt=sse&key=AIzaSyA-1234567890abcdefghijklmnopqrstu for AIzaSyB-1234567890abcdefghijklmnopqrstu",
        status: "INVALID_ARGUMENT",
      },
    });
    const error = parseGeminiError(400, new Headers(), body);
    expect(error.message).not.toContain("AIza");
    expect(error.message).toContain("alt=sse&key=[redacted]");
    expect(parseGeminiError(500, new Headers(), "failed GET /x?key=secret-value&a=1").message).not.toContain("secret-value");
  });
});

describe("mapGeminiError", () => {
  test("maps an in-stream error body by its code", () => {
    const error = mapGeminiError(503, { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" });
    expect(fields(error)).toMatchObject({ kind: "overloaded", retryable: true, upstreamStatus: 503 });
  });
});
