import { afterEach, expect, test } from "bun:test";
import { SqliteStore } from "./index.ts";

const stores: SqliteStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

test("a request log row keeps its warnings (codes and messages); a row without any reads back without", () => {
  const store = SqliteStore.open(":memory:");
  stores.push(store);
  const warnings = [
    { code: "max_tokens_clamped", message: "max_tokens 128000 is above gemini-2.5-flash's output limit of 65536; 65536 was sent" },
    { code: "seed_unsupported", message: "Anthropic has no seed; it was left out" },
  ];
  store.requestLogs.record({ id: "warned", startedAt: 2, route: "/v1/messages", stream: false, status: 200, attempts: 1, warnings });
  store.requestLogs.record({ id: "plain", startedAt: 1, route: "/v1/messages", stream: false, status: 200, attempts: 1, warnings: [] });
  store.flush();
  expect(store.requestLogs.get("warned")?.warnings).toEqual(warnings);
  expect(store.requestLogs.get("plain")?.warnings).toBeUndefined();
  expect(store.requestLogs.recent().map((row) => [row.id, row.warnings?.map((warning) => warning.code)])).toEqual([
    ["warned", ["max_tokens_clamped", "seed_unsupported"]],
    ["plain", undefined],
  ]);
});

test("rows queued among other writes reach the log whole and in order when the queue drains on its own, 64 to an INSERT", async () => {
  const store = SqliteStore.open(":memory:");
  stores.push(store);
  const rows = Array.from({ length: 150 }, (_, index) => ({
    id: `row-${String(index).padStart(3, "0")}`,
    startedAt: 1_000 + index,
    route: "/v1/chat/completions",
    protocol: "openai-chat",
    requestedModel: "gpt-4o",
    mappedModel: "gemini-2.5-flash",
    provider: "gemini",
    accountId: index % 2 === 0 ? "a" : "b",
    stream: index % 3 === 0,
    status: index % 10 === 0 ? 429 : 200,
    latencyMs: index,
    attempts: 1,
    attemptDetails: [{ accountId: index % 2 === 0 ? "a" : "b", status: index % 10 === 0 ? 429 : 200 }],
    inputTokens: 12,
    outputTokens: index,
  }));
  for (const [index, row] of rows.entries()) {
    store.requestLogs.record(row);
    // Another record's writes in the same queue, between the log's.
    if (index % 7 === 0) store.usage.record({ provider: "gemini", accountId: "a", model: "m", day: "2026-12-04", requests: 1, inputTokens: 1, outputTokens: 1 });
  }
  // One write per log row, and one for the day's usage (later records add to it in memory).
  expect(store.queuedWrites).toBe(151);
  // The queue writes after its delay, 64 writes per transaction with the event loop free between them.
  for (let waited = 0; store.queuedWrites > 0 && waited < 5_000; waited += 10) await Bun.sleep(10);
  expect(store.queuedWrites).toBe(0);
  const logged = store.requestLogs.query({ limit: 1_000 }).map(({ cursor: _cursor, ...row }) => row);
  expect(logged).toEqual(rows);
  expect((await store.usage.day("2026-12-04")).map((usage) => usage.requests)).toEqual([22]);
});

test("a row recorded after the store closed is dropped, not kept waiting", () => {
  const store = SqliteStore.open(":memory:");
  store.close();
  store.requestLogs.record({ id: "late", startedAt: 1, route: "/v1/messages", stream: false, status: 200, attempts: 1 });
  expect(store.queuedWrites).toBe(0);
});

test("thousands of rows queued at once are all written, in order, once each", () => {
  const store = SqliteStore.open(":memory:");
  stores.push(store);
  const ids = Array.from({ length: 5_000 }, (_, index) => `row-${String(index).padStart(4, "0")}`);
  for (const [index, id] of ids.entries()) store.requestLogs.record({ id, startedAt: index, route: "/v1/messages", stream: false, status: 200, attempts: 1 });
  store.flush();
  expect(store.queuedWrites).toBe(0);
  expect(store.requestLogs.query({ limit: 10_000 }).map((row) => row.id)).toEqual(ids);
});
