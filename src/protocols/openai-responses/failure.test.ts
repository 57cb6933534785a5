import { expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import { responsesFailure } from "./failure.ts";

test.each([
  [new GatewayError("rate_limit", "Slow down."), { code: "rate_limit_exceeded", message: "Slow down.", param: null }],
  [
    new GatewayError("rate_limit", "Slow down.", { retryAfterMs: 20000 }),
    { code: "rate_limit_exceeded", message: "Slow down. Please try again in 20s.", param: null },
  ],
  [
    new GatewayError("rate_limit", "Rate limited. Please try again in 3s.", { retryAfterMs: 3000 }),
    { code: "rate_limit_exceeded", message: "Rate limited. Please try again in 3s.", param: null },
  ],
  [new GatewayError("rate_limit", "Quota used up", { quotaExhausted: true }), { code: "insufficient_quota", message: "Quota used up", param: null }],
  [new GatewayError("overloaded", "Overloaded"), { code: "server_is_overloaded", message: "Overloaded", param: null }],
  [new GatewayError("unavailable", "No account"), { code: "server_is_overloaded", message: "No account", param: null }],
  [
    new GatewayError("invalid_request", "Too long", { code: "context_length_exceeded", param: "input" }),
    { code: "context_length_exceeded", message: "Too long", param: "input" },
  ],
  [new GatewayError("invalid_request", "Refused"), { code: "invalid_prompt", message: "Refused", param: null }],
  [new GatewayError("upstream", "Broke off"), { code: "server_error", message: "Broke off", param: null }],
])("%s → %j", (error, expected) => {
  expect(responsesFailure(error)).toEqual(expected);
});
