import { expect, test } from "bun:test";
import { attemptOutcome, type AttemptOutcome } from "./attempt-outcome.ts";

test("each attempt record maps onto the bounded outcome set", () => {
  const cases: Array<[number, string | undefined, AttemptOutcome]> = [
    [200, undefined, "ok"],
    [429, undefined, "rate_limited"],
    [429, "rate_limit", "rate_limited"],
    [429, "insufficient_quota", "quota"],
    [529, "upstream_overloaded", "overloaded"],
    [503, "upstream_overloaded", "overloaded"],
    [500, "upstream_error", "server_error"],
    [502, "upstream", "network"],
    [401, "upstream_unauthorized", "auth"],
    [401, "stale_access_token", "auth"],
    [403, "upstream_forbidden", "auth"],
    [400, "oauth_invalid_grant", "auth"],
    [504, "deadline_exceeded", "timeout"],
    [400, "context_length_exceeded", "client_error"],
    [404, "model_not_found", "client_error"],
    [502, "upstream_stream_broken", "server_error"],
  ];
  expect(cases.map(([status, errorClass]) => attemptOutcome(status, errorClass))).toEqual(cases.map(([, , outcome]) => outcome));
});
