import { expect, test } from "bun:test";
import { GatewayError } from "../ir/errors.ts";
import { redactCredentials, redactError } from "./redact-credentials.ts";

test("the call's exact secrets go, whatever their shape, and the well-known shapes too", () => {
  const secrets = ["weird key with spaces #1", "tok.en/with+slash=", undefined, "short"];
  expect(redactCredentials("Consumer 'api_key:weird key with spaces #1' has been suspended.", secrets)).toBe(
    "Consumer 'api_key:[redacted]' has been suspended.",
  );
  expect(redactCredentials("token tok.en/with+slash= expired", secrets)).toBe("token [redacted] expired");
  // Too short to search for safely: left alone.
  expect(redactCredentials("a short answer", secrets)).toBe("a short answer");
  expect(redactCredentials("Incorrect API key provided: sk-proj-abcdefghijklmnop1234.", [])).toBe("Incorrect API key provided: sk-[redacted].");
  expect(redactCredentials("GET /v1beta/models?key=AIzaSyA1234567890abcdefghijklmnopqrstuv&alt=sse", [])).toBe("GET /v1beta/models?key=[redacted]&alt=sse");
  expect(redactCredentials("Authorization: Bearer ya29.a0AfH6SMBabcdefghijk", [])).toBe("Authorization: Bearer [redacted]");
});

test("an error keeps everything but the secret", () => {
  const error = new GatewayError("authentication", "API key k-123456789 not valid", { status: 502, code: "upstream_unauthorized", upstreamStatus: 401 });
  const redacted = redactError(error, ["k-123456789"]);
  expect(redacted.message).toBe("API key [redacted] not valid");
  expect([redacted.kind, redacted.status, redacted.code, redacted.upstreamStatus]).toEqual(["authentication", 502, "upstream_unauthorized", 401]);
  const clean = new GatewayError("upstream", "nothing secret here");
  expect(redactError(clean, ["k-123456789"])).toBe(clean);
});
