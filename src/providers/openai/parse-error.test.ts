import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import { mapOpenAIError, parseOpenAIError, retryDelay } from "./parse-error.ts";

const fixture = (name: string) => Bun.file(new URL(`./fixtures/${name}`, import.meta.url)).text();

/** The fields the retry loop and the encoders read, as a plain object. */
function fields(error: GatewayError) {
  return {
    kind: error.kind,
    status: error.status,
    code: error.code,
    param: error.param,
    message: error.message,
    retryable: error.retryable,
    retryAfterMs: error.retryAfterMs,
    upstreamStatus: error.upstreamStatus,
    quotaExhausted: error.quotaExhausted,
  };
}

/** The headers OpenAI sends with a 429 on the requests-per-minute window. */
const rateLimitHeaders = () =>
  new Headers({
    "x-ratelimit-limit-requests": "3",
    "x-ratelimit-limit-tokens": "40000",
    "x-ratelimit-remaining-requests": "0",
    "x-ratelimit-remaining-tokens": "39980",
    "x-ratelimit-reset-requests": "20s",
    "x-ratelimit-reset-tokens": "30ms",
  });

describe("parseOpenAIError", () => {
  test("401 invalid_api_key: the account's fault, retried on another", async () => {
    const error = parseOpenAIError(401, new Headers(), await fixture("error-401-invalid-api-key.json"));
    expect(error).toBeInstanceOf(GatewayError);
    expect(fields(error)).toEqual({
      kind: "upstream",
      status: 502,
      code: "upstream_unauthorized",
      param: undefined,
      message:
        "the upstream refused the account's credentials: Incorrect API key provided: [redacted]. You can find your API key at https://platform.openai.com/account/api-keys.",
      retryable: true,
      retryAfterMs: undefined,
      upstreamStatus: 401,
      quotaExhausted: false,
    });
  });

  test("429 on a rate window: waits for the exhausted window's reset", async () => {
    const error = parseOpenAIError(429, rateLimitHeaders(), await fixture("error-429-rate-limit.json"));
    expect(fields(error)).toEqual({
      kind: "rate_limit",
      status: 429,
      code: undefined,
      param: undefined,
      message:
        "Rate limit reached for gpt-4o-mini in organization org-Z9xyPq in requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more.",
      retryable: true,
      retryAfterMs: 20_000,
      upstreamStatus: 429,
      quotaExhausted: false,
    });
  });

  test("429 insufficient_quota: the billing quota is exhausted", async () => {
    const error = parseOpenAIError(429, new Headers(), await fixture("error-429-insufficient-quota.json"));
    expect(fields(error)).toMatchObject({
      kind: "rate_limit",
      code: "insufficient_quota",
      retryable: true,
      retryAfterMs: undefined,
      quotaExhausted: true,
    });
  });

  test("404 model_not_found", async () => {
    const error = parseOpenAIError(404, new Headers(), await fixture("error-404-model-not-found.json"));
    expect(fields(error)).toMatchObject({
      kind: "not_found",
      status: 404,
      code: "model_not_found",
      message: "The model `gpt-5-turbo` does not exist or you do not have access to it.",
      retryable: false,
    });
  });

  test("400 keeps the upstream's code and parameter; vLLM's flat body is read too", async () => {
    const openai = parseOpenAIError(400, new Headers(), await fixture("error-400-context-length.json"));
    expect(fields(openai)).toMatchObject({
      kind: "invalid_request",
      status: 400,
      code: "context_length_exceeded",
      param: "messages",
      retryable: false,
      upstreamStatus: 400,
    });
    expect(openai.message).toStartWith("This model's maximum context length is 128000 tokens.");

    const vllm = parseOpenAIError(400, new Headers(), await fixture("error-400-vllm.json"));
    expect(fields(vllm)).toMatchObject({ kind: "invalid_request", code: undefined, param: undefined, retryable: false });
    expect(vllm.message).toStartWith("This model's maximum context length is 4096 tokens.");
    expect(parseOpenAIError(422, new Headers(), '{"detail":"field required: messages"}')).toMatchObject({
      kind: "invalid_request",
      message: "field required: messages",
    });
  });

  test("403: access denied for this account", async () => {
    const error = parseOpenAIError(403, new Headers(), await fixture("error-403-region.json"));
    expect(fields(error)).toMatchObject({ kind: "upstream", code: "upstream_forbidden", retryable: true, upstreamStatus: 403 });
    expect(error.message).toBe("the upstream denied access for this account: Country, region, or territory not supported");
  });

  test("402 (OpenRouter credits): another account may have some", async () => {
    const error = parseOpenAIError(402, new Headers(), await fixture("error-402-openrouter-credits.json"));
    expect(fields(error)).toMatchObject({ kind: "rate_limit", code: "insufficient_credits", retryable: true, quotaExhausted: true });
    expect(error.message).toStartWith("the upstream account has no credits left: This request requires more credits");
  });

  test("503 is overloaded, 500 a retryable upstream error, 413 too large", async () => {
    const busy = parseOpenAIError(503, new Headers({ "retry-after": "3" }), await fixture("error-503-overloaded.json"));
    expect(fields(busy)).toMatchObject({ kind: "overloaded", status: 529, code: "upstream_overloaded", retryable: true, retryAfterMs: 3000 });
    expect(busy.message).toBe("the upstream is overloaded: The engine is currently overloaded, please try again later");

    const broken = parseOpenAIError(500, new Headers(), await fixture("error-500-server-error.json"));
    expect(fields(broken)).toMatchObject({ kind: "upstream", status: 502, code: "upstream_error", retryable: true, upstreamStatus: 500 });
    expect(broken.message).toBe(
      "the upstream answered HTTP 500: The server had an error while processing your request. Sorry about that!",
    );

    expect(parseOpenAIError(413, new Headers(), "")).toMatchObject({ kind: "request_too_large", message: "HTTP 413" });
    expect(parseOpenAIError(418, new Headers(), "")).toMatchObject({ kind: "upstream", retryable: false });
    expect(parseOpenAIError(409, new Headers(), "")).toMatchObject({ kind: "upstream", retryable: true });
  });

  test("an overloaded error type counts whatever the status", () => {
    const body = JSON.stringify({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
    expect(parseOpenAIError(500, new Headers(), body)).toMatchObject({ kind: "overloaded", retryable: true });
  });

  test("plain-text and HTML bodies become the message, with secrets removed", () => {
    const error = parseOpenAIError(502, new Headers(), "  Bad gateway for Bearer sk-live-1234567890abcdef  ");
    expect(error.message).toBe("the upstream answered HTTP 502: Bad gateway for Bearer [redacted]");
    expect(parseOpenAIError(500, new Headers(), "")).toMatchObject({ message: "the upstream answered HTTP 500: HTTP 500" });
    expect(parseOpenAIError(400, new Headers(), '[{"error":{"code":400,"message":"Invalid argument","status":"INVALID_ARGUMENT"}}]')).toMatchObject({
      kind: "invalid_request",
      message: "Invalid argument",
    });
    expect(parseOpenAIError(400, new Headers(), '{"error":"model is required"}').message).toBe("model is required");
  });
});

describe("mapOpenAIError", () => {
  test("an in-stream error object", () => {
    const error = mapOpenAIError(500, { message: "Provider disconnected", code: "server_error" });
    expect(fields(error)).toMatchObject({ kind: "upstream", retryable: true, upstreamStatus: 500 });
    expect(error.message).toBe("the upstream answered HTTP 500: Provider disconnected");
  });
});

describe("retryDelay", () => {
  test("retry-after-ms wins over a shorter retry-after; the longest stated delay counts", () => {
    expect(retryDelay(new Headers({ "retry-after-ms": "2500", "retry-after": "2" }))).toBe(2500);
    expect(retryDelay(new Headers({ "retry-after-ms": "20", "retry-after": "2" }))).toBe(2000);
  });

  test("only the exhausted window's reset counts, or both when none is exhausted", () => {
    const headers = rateLimitHeaders();
    expect(retryDelay(headers)).toBe(20_000);
    headers.set("x-ratelimit-remaining-requests", "2");
    headers.set("x-ratelimit-remaining-tokens", "0");
    expect(retryDelay(headers)).toBe(30);
    headers.set("x-ratelimit-remaining-tokens", "12");
    expect(retryDelay(headers)).toBe(20_000);
    expect(retryDelay(new Headers({ "x-ratelimit-reset-tokens": "6m0s" }))).toBe(360_000);
  });

  test("nothing stated → undefined", () => {
    expect(retryDelay(new Headers())).toBeUndefined();
    expect(retryDelay(new Headers({ "retry-after": "later", "x-ratelimit-reset-requests": "soon" }))).toBeUndefined();
    expect(retryDelay(undefined)).toBeUndefined();
  });
});
