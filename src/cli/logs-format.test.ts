import { expect, test } from "bun:test";
import { formatLogJson, formatLogLine } from "./logs.ts";
import { formatStatsJson, formatStatsTable } from "./stats.ts";

const row = {
  cursor: 7,
  id: "req_1",
  startedAt: Date.UTC(2026, 11, 3, 10, 0, 0, 123),
  route: "/v1/chat/completions",
  protocol: "openai-chat",
  requestedModel: "fast",
  mappedModel: "gemini-2.5-flash",
  provider: "g",
  accountId: "g2",
  stream: true,
  status: 200,
  latencyMs: 840,
  ttfbMs: 120,
  inputTokens: 12,
  outputTokens: 34,
  attempts: 2,
  warnings: [{ code: "seed_unsupported", message: "…" }],
};

test("a log line: time, status, route, model→mapped, provider/account, latency, tokens, then what is unusual", () => {
  expect(formatLogLine(row)).toBe(
    "2026-12-03T10:00:00.123Z 200 /v1/chat/completions fast→gemini-2.5-flash g/g2 840ms in=12 out=34 stream attempts=2 warnings=seed_unsupported",
  );
  expect(formatLogLine({ id: "x", startedAt: 0, route: "/v1/messages", stream: false, status: 401, attempts: 0, errorClass: "unauthorized" })).toBe(
    "1970-01-01T00:00:00.000Z 401 /v1/messages - - - in=- out=- error=unauthorized",
  );
});

test("a --json log line is the row's fields in camelCase, without the cursor", () => {
  const { cursor: _cursor, ...fields } = row;
  expect(JSON.parse(formatLogJson(row))).toEqual(fields);
});

test("stats: a table with the error rate, and one JSON object per group named after the grouping", () => {
  const groups = [
    { group: "fast", requests: 4, errors: 1, p50Ms: 120, p95Ms: 900, inputTokens: 100, outputTokens: 2000, costUsd: 0.0123 },
    { group: null, requests: 1, errors: 1, p50Ms: null, p95Ms: null, inputTokens: 0, outputTokens: 0, costUsd: 0.004 },
  ];
  expect(formatStatsTable("model", groups)).toBe(
    [
      "MODEL  REQUESTS  ERRORS  ERROR%    P50    P95  INPUT  OUTPUT     COST",
      "fast          4       1   25.0%  120ms  900ms    100    2000    $0.01",
      "-             1       1  100.0%      -      -      0       0  $0.0040",
    ].join("\n"),
  );
  expect(formatStatsTable("account", [])).toBe("no requests in this window");
  expect(formatStatsJson("model", groups[0]!)).toBe(
    '{"model":"fast","requests":4,"errors":1,"p50Ms":120,"p95Ms":900,"inputTokens":100,"outputTokens":2000,"costUsd":0.0123}',
  );
});
