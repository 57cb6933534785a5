/**
 * The request log on every backend (SQLite and a real Postgres): the same
 * rows written by two replicas give the same answers to every read the CLI,
 * the dashboard and the metrics use — filters, cursors, stats with
 * nearest-rank percentiles and cost, each account's last failure, the
 * overview's summary — and pruning.
 */
import { describe, expect, test } from "bun:test";
import { storeBackends } from "../../test/harness/store-backends.ts";
import type { RequestLogRow } from "./request-logs.ts";

const backends = storeBackends();

const base = { route: "/v1/chat/completions", stream: false, attempts: 1 };
const rows: RequestLogRow[] = [
  { ...base, id: "a", startedAt: 1_000, status: 200, requestedModel: "fast", mappedModel: "gemini-2.5-flash", provider: "g", accountId: "g1", protocol: "openai-chat", latencyMs: 100, inputTokens: 10, outputTokens: 5, keyId: "team", costUsd: 0.5 },
  {
    ...base,
    id: "b",
    startedAt: 2_000,
    status: 200,
    attempts: 2,
    requestedModel: "fast",
    mappedModel: "gemini-2.5-flash",
    provider: "g",
    accountId: "g2",
    protocol: "openai-chat",
    latencyMs: 300,
    attemptDetails: [
      { accountId: "g1", status: 429, errorClass: "rate_limit" },
      { accountId: "g2", status: 200 },
    ],
    keyId: "team",
    costUsd: 0.25,
  },
  { ...base, id: "c", startedAt: 3_000, status: 429, requestedModel: "smart", mappedModel: "claude-sonnet-4-5", provider: "a", accountId: "a1", protocol: "anthropic", latencyMs: 50, attemptDetails: [{ accountId: "a1", status: 429, errorClass: "rate_limit" }] },
  { ...base, id: "d", startedAt: 4_000, status: 200, stream: true, requestedModel: "smart", mappedModel: "claude-sonnet-4-5", provider: "a", accountId: "a1", protocol: "anthropic", latencyMs: 200, inputTokens: 7, outputTokens: 3, images: 2, warnings: [{ code: "seed_unsupported", message: "no seed" }] },
  { ...base, id: "e", startedAt: 5_000, status: 401 },
];

for (const backend of backends) {
  describe(`request log on ${backend.name}`, () => {
    test("two replicas' rows read back the same everywhere: rows, filters, cursors, stats, last failures, summary, pruning", async () => {
      await backend.withFresh(async (db) => {
        const a = db.replica().requestLogs;
        const b = db.replica().requestLogs;
        for (const row of rows.slice(0, 3)) a.record(row);
        await a.flush();
        for (const row of rows.slice(3)) b.record(row);
        await b.flush();

        expect((await a.get("d")) as unknown).toEqual({
          ...rows[3],
          protocol: "anthropic",
          ttfbMs: undefined,
          errorClass: undefined,
          intercepted: undefined,
          attemptDetails: undefined,
          keyId: undefined,
          costUsd: undefined,
        });
        const ids = async (query: Parameters<typeof a.query>[0]) => (await b.query(query)).map((row) => row.id);
        expect(await ids({})).toEqual(["a", "b", "c", "d", "e"]);
        expect(await ids({ since: 3_000 })).toEqual(["c", "d", "e"]);
        expect(await ids({ status: { class: 4 } })).toEqual(["c", "e"]);
        expect(await ids({ model: "claude-sonnet-4-5", account: "a1", status: { exact: 200 } })).toEqual(["d"]);
        expect(await ids({ protocol: "openai-chat", provider: "g" })).toEqual(["a", "b"]);
        expect(await ids({ limit: 2 })).toEqual(["d", "e"]);
        const cursor = (await a.query({ limit: 3 }))[0]!.cursor;
        expect((await a.query({ after: cursor })).map((row) => row.id)).toEqual(["d", "e"]);

        expect(await a.stats("model")).toEqual([
          { group: "fast", requests: 2, errors: 0, p50Ms: 100, p95Ms: 300, inputTokens: 10, outputTokens: 5, costUsd: 0.75 },
          { group: "smart", requests: 2, errors: 1, p50Ms: 50, p95Ms: 200, inputTokens: 7, outputTokens: 3, costUsd: 0 },
          { group: null, requests: 1, errors: 1, p50Ms: null, p95Ms: null, inputTokens: 0, outputTokens: 0, costUsd: 0 },
        ]);
        expect((await b.stats("key", { since: 1_500 })).map((group) => [group.group, group.requests, group.costUsd])).toEqual([
          [null, 3, 0],
          ["team", 1, 0.25],
        ]);

        const failures = (await a.lastFailures(0)).sort((left, right) => left.accountId.localeCompare(right.accountId));
        expect(failures).toEqual([
          { provider: "a", accountId: "a1", at: 3_000, status: 429, errorClass: "rate_limit" },
          { provider: "g", accountId: "g1", at: 2_000, status: 429, errorClass: "rate_limit" },
        ]);

        const summary = (await b.summarize(0, 10_000)).sort((left, right) => `${left.model}${left.account}${left.bucket}`.localeCompare(`${right.model}${right.account}${right.bucket}`));
        expect(summary).toEqual([
          { model: "fast", account: "g1", failed: false, bucket: 73, requests: 1, inputTokens: 10, outputTokens: 5 },
          { model: "fast", account: "g2", failed: false, bucket: 91, requests: 1, inputTokens: 0, outputTokens: 0 },
          { model: null, account: null, failed: true, bucket: null, requests: 1, inputTokens: 0, outputTokens: 0 },
          { model: "smart", account: "a1", failed: true, bucket: 62, requests: 1, inputTokens: 0, outputTokens: 0 },
          { model: "smart", account: "a1", failed: false, bucket: 84, requests: 1, inputTokens: 7, outputTokens: 3 },
        ].sort((left, right) => `${left.model}${left.account}${left.bucket}`.localeCompare(`${right.model}${right.account}${right.bucket}`)));

        expect(await a.prune(3_000)).toBe(2);
        expect(await ids({})).toEqual(["c", "d", "e"]);
      });
    });
  });
}
