import { afterEach, expect, test } from "bun:test";
import { SqliteStore } from "./index.ts";
import { percentile, type RequestLogRow } from "./request-logs.ts";

const stores: SqliteStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

function storeWith(rows: Array<Partial<RequestLogRow> & { id: string; startedAt: number; status: number }>): SqliteStore {
  const store = SqliteStore.open(":memory:");
  stores.push(store);
  for (const row of rows) store.requestLogs.record({ route: "/v1/chat/completions", stream: false, attempts: 1, ...row });
  store.flush();
  return store;
}

const rows = [
  { id: "a", startedAt: 1_000, status: 200, requestedModel: "fast", mappedModel: "gemini-2.5-flash", provider: "g", accountId: "g1", protocol: "openai-chat", latencyMs: 100, inputTokens: 10, outputTokens: 5 },
  { id: "b", startedAt: 2_000, status: 503, requestedModel: "fast", mappedModel: "gemini-2.5-flash", provider: "g", accountId: "g2", protocol: "openai-chat", latencyMs: 300, errorClass: "upstream_unavailable" },
  { id: "c", startedAt: 3_000, status: 429, requestedModel: "smart", mappedModel: "claude-sonnet-4-5", provider: "a", accountId: "a1", protocol: "anthropic", latencyMs: 50 },
  { id: "d", startedAt: 4_000, status: 200, requestedModel: "smart", mappedModel: "claude-sonnet-4-5", provider: "a", accountId: "a1", protocol: "anthropic", latencyMs: 200, inputTokens: 7, outputTokens: 3 },
  { id: "e", startedAt: 5_000, status: 401 },
];

test("query filters by time, status (exact or class), model (requested or mapped) and account; oldest first", () => {
  const store = storeWith(rows);
  const ids = (query: Parameters<typeof store.requestLogs.query>[0]) => store.requestLogs.query(query).map((row) => row.id);
  expect(ids({})).toEqual(["a", "b", "c", "d", "e"]);
  expect(ids({ since: 3_000 })).toEqual(["c", "d", "e"]);
  expect(ids({ status: { class: 5 } })).toEqual(["b"]);
  expect(ids({ status: { class: 4 } })).toEqual(["c", "e"]);
  expect(ids({ status: { exact: 429 } })).toEqual(["c"]);
  expect(ids({ model: "fast" })).toEqual(["a", "b"]);
  expect(ids({ model: "claude-sonnet-4-5" })).toEqual(["c", "d"]);
  expect(ids({ account: "a1", status: { exact: 200 }, since: 1 })).toEqual(["d"]);
  expect(ids({ limit: 2 })).toEqual(["d", "e"]);
});

test("query after a cursor returns only rows written since", () => {
  const store = storeWith(rows.slice(0, 2));
  const cursor = store.requestLogs.query({}).at(-1)!.cursor;
  expect(store.requestLogs.query({ after: cursor })).toEqual([]);
  store.requestLogs.record({ id: "new", startedAt: 9_000, route: "/v1/messages", stream: true, status: 200, attempts: 1 });
  store.flush();
  expect(store.requestLogs.query({ after: cursor })).toEqual([
    {
      cursor: cursor + 1,
      id: "new",
      startedAt: 9_000,
      route: "/v1/messages",
      stream: true,
      status: 200,
      attempts: 1,
      protocol: undefined,
      requestedModel: undefined,
      mappedModel: undefined,
      provider: undefined,
      accountId: undefined,
      latencyMs: undefined,
      ttfbMs: undefined,
      inputTokens: undefined,
      outputTokens: undefined,
      errorClass: undefined,
      intercepted: undefined,
      attemptDetails: undefined,
      warnings: undefined,
    },
  ]);
});

test("stats per model, account, provider and protocol: requests, errors, p50/p95, tokens; busiest first", () => {
  const store = storeWith(rows);
  expect(store.requestLogs.stats("model")).toEqual([
    { group: "fast", requests: 2, errors: 1, p50Ms: 100, p95Ms: 300, inputTokens: 10, outputTokens: 5, costUsd: 0 },
    { group: "smart", requests: 2, errors: 1, p50Ms: 50, p95Ms: 200, inputTokens: 7, outputTokens: 3, costUsd: 0 },
    { group: null, requests: 1, errors: 1, p50Ms: null, p95Ms: null, inputTokens: 0, outputTokens: 0, costUsd: 0 },
  ]);
  expect(store.requestLogs.stats("account", { since: 2_000 })).toEqual([
    { group: "a1", requests: 2, errors: 1, p50Ms: 50, p95Ms: 200, inputTokens: 7, outputTokens: 3, costUsd: 0 },
    { group: null, requests: 1, errors: 1, p50Ms: null, p95Ms: null, inputTokens: 0, outputTokens: 0, costUsd: 0 },
    { group: "g2", requests: 1, errors: 1, p50Ms: 300, p95Ms: 300, inputTokens: 0, outputTokens: 0, costUsd: 0 },
  ]);
  expect(store.requestLogs.stats("provider").map((group) => [group.group, group.requests])).toEqual([
    ["a", 2],
    ["g", 2],
    [null, 1],
  ]);
  expect(store.requestLogs.stats("protocol").map((group) => [group.group, group.requests])).toEqual([
    ["anthropic", 2],
    ["openai-chat", 2],
    [null, 1],
  ]);
});

test("percentile is nearest-rank", () => {
  const hundred = Array.from({ length: 100 }, (_, index) => index + 1);
  expect([percentile(hundred, 0.5), percentile(hundred, 0.95), percentile([7], 0.95), percentile([], 0.5)]).toEqual([50, 95, 7, null]);
});

test("query filters by protocol and provider too", () => {
  const store = storeWith(rows);
  const ids = (query: Parameters<typeof store.requestLogs.query>[0]) => store.requestLogs.query(query).map((row) => row.id);
  expect(ids({ protocol: "anthropic" })).toEqual(["c", "d"]);
  expect(ids({ provider: "g" })).toEqual(["a", "b"]);
  expect(ids({ provider: "g", protocol: "anthropic" })).toEqual([]);
});

test("summarize: requests of a time range per model, account, outcome and latency bucket, tokens summed", () => {
  const store = storeWith(rows);
  const summary = store.requestLogs.summarize(1_000, 5_000);
  const sorted = summary.sort((x, y) => String(x.model).localeCompare(String(y.model)) || String(x.account).localeCompare(String(y.account)));
  // Bucket of latency L: floor(ln(L + 1) * 16).
  const bucket = (ms: number) => Math.floor(Math.log(ms + 1) * 16);
  expect(sorted).toEqual([
    { model: "fast", account: "g1", failed: false, bucket: bucket(100), requests: 1, inputTokens: 10, outputTokens: 5 },
    { model: "fast", account: "g2", failed: true, bucket: bucket(300), requests: 1, inputTokens: 0, outputTokens: 0 },
    { model: "smart", account: "a1", failed: false, bucket: bucket(200), requests: 1, inputTokens: 7, outputTokens: 3 },
    { model: "smart", account: "a1", failed: true, bucket: bucket(50), requests: 1, inputTokens: 0, outputTokens: 0 },
  ]);
  // [from, until): the row at 5 000 belongs to the next range.
  expect(store.requestLogs.summarize(5_000, 6_000)).toEqual([
    { model: null, account: null, failed: true, bucket: null, requests: 1, inputTokens: 0, outputTokens: 0 },
  ]);
});

test("lastFailures: each account's newest failed attempt, also when another account then served the request", () => {
  const store = storeWith([
    { id: "1", startedAt: 1_000, status: 200, provider: "g", accountId: "g2", attemptDetails: [{ accountId: "g1", status: 429, errorClass: "rate_limited", cooldownMs: 2000 }, { accountId: "g2", status: 200 }] },
    { id: "2", startedAt: 2_000, status: 502, provider: "g", accountId: "g1", attemptDetails: [{ accountId: "g1", status: 500, errorClass: "upstream" }] },
    { id: "3", startedAt: 3_000, status: 200, provider: "g", accountId: "g1", attemptDetails: [{ accountId: "g1", status: 200 }] },
    { id: "4", startedAt: 4_000, status: 504, provider: "a", accountId: "a1", attemptDetails: [{ accountId: "a1", status: 0, errorClass: "timeout" }] },
    { id: "old", startedAt: 10, status: 500, provider: "a", accountId: "a2", attemptDetails: [{ accountId: "a2", status: 500, errorClass: "upstream" }] },
  ]);
  const failures = store.requestLogs.lastFailures(100).sort((x, y) => x.accountId.localeCompare(y.accountId));
  expect(failures).toEqual([
    { provider: "a", accountId: "a1", at: 4_000, status: 0, errorClass: "timeout" },
    { provider: "g", accountId: "g1", at: 2_000, status: 500, errorClass: "upstream" },
  ]);
});
