import { describe, expect, test } from "bun:test";
import { type ErrorKind, GatewayError } from "../../ir/errors.ts";
import { encodeGeminiError } from "./encode-error.ts";
import { fixture } from "./test-fixtures.ts";

describe("encodeGeminiError", () => {
  test.each([
    ["invalid_request", 400, "INVALID_ARGUMENT"],
    ["method_not_allowed", 405, "INVALID_ARGUMENT"],
    ["request_too_large", 413, "INVALID_ARGUMENT"],
    ["authentication", 401, "UNAUTHENTICATED"],
    ["permission", 403, "PERMISSION_DENIED"],
    ["not_found", 404, "NOT_FOUND"],
    ["rate_limit", 429, "RESOURCE_EXHAUSTED"],
    ["upstream", 502, "INTERNAL"],
    ["internal", 500, "INTERNAL"],
    ["unavailable", 503, "UNAVAILABLE"],
    ["overloaded", 503, "UNAVAILABLE"],
    ["timeout", 504, "DEADLINE_EXCEEDED"],
  ] as Array<[ErrorKind, number, string]>)("%s → %d %s", (kind, status, name) => {
    expect<unknown>(encodeGeminiError(new GatewayError(kind, "something went wrong"))).toStrictEqual({
      status,
      body: { error: { code: status, message: "something went wrong", status: name } },
    });
  });

  test("Google's documented bodies, reproduced from the matching errors", async () => {
    const documented = (await fixture("errors.json")) as Record<string, { error: { code: number; message: string } }>;
    const cases: Array<[string, GatewayError]> = [
      ["invalid_argument", new GatewayError("invalid_request", documented.invalid_argument!.error.message)],
      ["permission_denied", new GatewayError("permission", documented.permission_denied!.error.message)],
      ["not_found", new GatewayError("not_found", documented.not_found!.error.message)],
      ["resource_exhausted", new GatewayError("rate_limit", documented.resource_exhausted!.error.message, { retryAfterMs: 26000 })],
      ["internal", new GatewayError("internal", documented.internal!.error.message)],
      // An Anthropic-style 529 overload is Gemini's 503.
      ["unavailable", new GatewayError("overloaded", documented.unavailable!.error.message, { status: 529 })],
      ["deadline_exceeded", new GatewayError("timeout", documented.deadline_exceeded!.error.message)],
    ];
    for (const [name, error] of cases) {
      const encoded = encodeGeminiError(error);
      expect(encoded.body).toStrictEqual(documented[name] as never);
      expect(encoded.status).toBe(documented[name]!.error.code);
    }
  });

  test("the error's own status is the code", () => {
    expect(encodeGeminiError(new GatewayError("upstream", "bad gateway", { status: 500 })).body.error.code).toBe(500);
  });

  test("a retry delay with a fraction", () => {
    expect(encodeGeminiError(new GatewayError("rate_limit", "slow", { retryAfterMs: 1500 })).body.error.details).toStrictEqual([
      { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "1.5s" },
    ]);
  });
});
