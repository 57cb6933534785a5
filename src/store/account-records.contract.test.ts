/**
 * One suite for the pool's shared state on every backend (SQLite and a real
 * Postgres): cooldowns per account and model, and daily usage. "Replicas"
 * are two stores on one database, as two agw processes would have them.
 */
import { describe, expect, test } from "bun:test";
import { storeBackends } from "../../test/harness/store-backends.ts";

const backends = storeBackends();

for (const backend of backends) {
  describe(`account records on ${backend.name}`, () => {
    test("cooldowns: the latest state per account and model, seen by another replica once written; ended ones without failures are not active", async () => {
      await backend.withFresh(async (db) => {
        const a = db.replica().accountState;
        const b = db.replica().accountState;
        const now = Date.now();
        a.save({ provider: "gemini", accountId: "x", model: "gemini-2.5-pro", cooldownUntil: now + 60_000, reason: "rate limited (first)", failures: 1 });
        a.save({ provider: "gemini", accountId: "x", model: "gemini-2.5-pro", cooldownUntil: now + 120_000, reason: "rate limited", failures: 2 });
        a.save({ provider: "gemini", accountId: "y", model: "", cooldownUntil: now - 1, failures: 0 });
        a.save({ provider: "gemini", accountId: "z", model: "", cooldownUntil: now - 1, reason: "transient", failures: 3 });
        await a.flush();
        const seen = (await b.active(now)).sort((left, right) => left.accountId.localeCompare(right.accountId));
        expect(seen).toEqual([
          { provider: "gemini", accountId: "x", model: "gemini-2.5-pro", cooldownUntil: now + 120_000, reason: "rate limited", failures: 2 },
          { provider: "gemini", accountId: "z", model: "", cooldownUntil: now - 1, reason: "transient", failures: 3 },
        ]);
      });
    });

    test("daily usage adds up across two replicas flushing the same account and day at once; prune drops old days", async () => {
      await backend.withFresh(async (db) => {
        const a = db.replica().accountUsage;
        const b = db.replica().accountUsage;
        for (let i = 0; i < 40; i++) {
          a.record({ provider: "gemini", accountId: "x", model: "m", day: "2026-12-04", requests: 1, inputTokens: 100, outputTokens: 10 });
          b.record({ provider: "gemini", accountId: "x", model: "m", day: "2026-12-04", requests: 1, inputTokens: 1, outputTokens: 1 });
        }
        b.record({ provider: "gemini", accountId: "x", model: "m", day: "2026-12-01", requests: 5, inputTokens: 0, outputTokens: 0 });
        await Promise.all([a.flush(), b.flush()]);
        expect(await a.day("2026-12-04")).toEqual([
          { provider: "gemini", accountId: "x", model: "m", day: "2026-12-04", requests: 80, inputTokens: 4040, outputTokens: 440 },
        ]);
        expect(await b.prune("2026-12-02")).toBe(1);
        expect(await b.day("2026-12-01")).toEqual([]);
      });
    });
  });
}

describe("Postgres only", () => {
  const postgres = backends.find((backend) => backend.name === "postgres")!;
  test("a cooldown written by one replica is announced to the others (LISTEN/NOTIFY), after it is committed", async () => {
    await postgres.withFresh(async (db) => {
      const writer = db.replica().postgres!.accountState;
      const listener = db.replica().postgres!.accountState;
      const heard: Array<Awaited<ReturnType<typeof listener.active>>> = [];
      let resolve: () => void = () => {};
      const announced = new Promise<void>((done) => (resolve = done));
      const stop = await listener.onChange(() => {
        void listener.active().then((rows) => {
          heard.push(rows);
          resolve();
        });
      });
      writer.save({ provider: "gemini", accountId: "x", model: "", cooldownUntil: Date.now() + 30_000, reason: "rate limited", failures: 1 });
      await writer.flush();
      await Promise.race([announced, Bun.sleep(5_000)]);
      await stop();
      expect(heard.map((rows) => rows.map((row) => [row.accountId, row.reason]))).toEqual([[["x", "rate limited"]]]);
    });
  });
});
