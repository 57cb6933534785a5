import { describe, expect, test } from "bun:test";
import { type ErrorKind, GatewayError } from "../../ir/errors.ts";
import { encodeAnthropicError } from "./encode-error.ts";
import { fixture } from "./test-fixtures.ts";

interface DocumentedError {
  status: number;
  body: { type: "error"; error: { type: string; message: string } };
}

const kindFor: Record<string, ErrorKind> = {
  invalid_request_error: "invalid_request",
  authentication_error: "authentication",
  permission_error: "permission",
  not_found_error: "not_found",
  request_too_large: "request_too_large",
  rate_limit_error: "rate_limit",
  api_error: "internal",
  overloaded_error: "overloaded",
};

describe("encodeAnthropicError", () => {
  test("reproduces every documented error body and status", async () => {
    const documented = (await fixture("errors")) as DocumentedError[];
    expect(documented).toHaveLength(8);
    for (const { status, body } of documented) {
      const kind = kindFor[body.error.type] as ErrorKind;
      expect(encodeAnthropicError(new GatewayError(kind, body.error.message))).toEqual({ status, body });
    }
  });

  test.each([
    ["method_not_allowed", "invalid_request_error", 405],
    ["upstream", "api_error", 502],
    ["unavailable", "api_error", 503],
    ["timeout", "timeout_error", 504],
    ["internal", "api_error", 500],
  ] as Array<[ErrorKind, string, number]>)("%s → %s (%d)", (kind, type, status) => {
    expect(encodeAnthropicError(new GatewayError(kind, "m"))).toEqual({ status, body: { type: "error", error: { type, message: "m" } } });
  });

  test("the status is the error's own", () => {
    const error = new GatewayError("unavailable", "All accounts are cooling down", { status: 529 });
    expect(encodeAnthropicError(error).status).toBe(529);
  });
});
