import { describe, expect, test } from "bun:test";
import { type ErrorKind, GatewayError } from "../../ir/errors.ts";
import { encodeOpenAIError } from "./encode-openai-error.ts";

describe("encodeOpenAIError", () => {
  test.each([
    ["invalid_request", 400, "invalid_request_error", null],
    ["authentication", 401, "invalid_request_error", "invalid_api_key"],
    ["permission", 403, "permission_error", null],
    ["not_found", 404, "invalid_request_error", null],
    ["method_not_allowed", 405, "invalid_request_error", null],
    ["request_too_large", 413, "invalid_request_error", null],
    ["rate_limit", 429, "rate_limit_error", "rate_limit_exceeded"],
    ["upstream", 502, "server_error", null],
    ["unavailable", 503, "server_error", null],
    ["overloaded", 503, "server_error", null],
    ["timeout", 504, "server_error", null],
    ["internal", 500, "server_error", null],
  ] as Array<[ErrorKind, number, string, string | null]>)("%s → %d %s", (kind, status, type, code) => {
    expect(encodeOpenAIError(new GatewayError(kind, "something went wrong"))).toStrictEqual({
      status,
      body: { error: { message: "something went wrong", type, param: null, code } },
    });
  });

  test("param and code are passed through", () => {
    const error = new GatewayError("invalid_request", "messages[0].role: expected one of system, user", {
      param: "messages[0].role",
      code: "invalid_value",
    });
    expect(encodeOpenAIError(error)).toStrictEqual({
      status: 400,
      body: {
        error: {
          message: "messages[0].role: expected one of system, user",
          type: "invalid_request_error",
          param: "messages[0].role",
          code: "invalid_value",
        },
      },
    });
  });

  test("a model that does not exist keeps OpenAI's code", () => {
    const error = new GatewayError("not_found", "The model `gpt-9` does not exist or you do not have access to it.", {
      code: "model_not_found",
    });
    expect(encodeOpenAIError(error).body.error).toStrictEqual({
      message: "The model `gpt-9` does not exist or you do not have access to it.",
      type: "invalid_request_error",
      param: null,
      code: "model_not_found",
    });
  });

  test("the error's own status wins over the kind's default", () => {
    expect(encodeOpenAIError(new GatewayError("upstream", "bad gateway", { status: 500 })).status).toBe(500);
  });

  test("an exhausted quota reads as insufficient_quota", () => {
    const error = new GatewayError("rate_limit", "You exceeded your current quota.", { quotaExhausted: true });
    expect(encodeOpenAIError(error)).toStrictEqual({
      status: 429,
      body: {
        error: { message: "You exceeded your current quota.", type: "insufficient_quota", param: null, code: "insufficient_quota" },
      },
    });
  });

  test("the body round-trips through the official SDK's error parsing", async () => {
    const { APIError } = await import("openai");
    const { status, body } = encodeOpenAIError(new GatewayError("rate_limit", "slow down", { retryAfterMs: 1000 }));
    const sdkError = APIError.generate(status, body, undefined, new Headers());
    expect(sdkError.constructor.name).toBe("RateLimitError");
    expect(sdkError.message).toBe("429 slow down");
    expect(sdkError.code).toBe("rate_limit_exceeded");
    expect(sdkError.type).toBe("rate_limit_error");
  });
});
