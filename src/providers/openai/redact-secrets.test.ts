import { expect, test } from "bun:test";
import { redactSecrets } from "./redact-secrets.ts";

test.each([
  [
    "Incorrect API key provided: sk-proj-abcdefghijklmnop1234. You can find your API key at https://platform.openai.com/account/api-keys.",
    "Incorrect API key provided: [redacted]. You can find your API key at https://platform.openai.com/account/api-keys.",
  ],
  ["Incorrect API key provided: sk-abc12***************************************xyz9.", "Incorrect API key provided: [redacted]."],
  ["bad key sk-or-v1-0123456789abcdef0123", "bad key [redacted]"],
  ["Invalid API Key gsk_ABCDEFGHIJKLMNOPQRSTUV", "Invalid API Key [redacted]"],
  ['header was "Authorization: Bearer abc.def.ghi"', 'header was "Authorization: Bearer [redacted]"'],
  ["GET /v1/models?key=secret123&x=1", "GET /v1/models?key=[redacted]&x=1"],
  ["the task is done", "the task is done"],
  ["a desk-lamp and a risk-free plan", "a desk-lamp and a risk-free plan"],
])("%p", (input, output) => {
  expect(redactSecrets(input)).toBe(output);
});
