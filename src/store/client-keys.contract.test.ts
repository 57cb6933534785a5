/**
 * One suite for client-key records on every backend: SQLite (the default
 * store) and Postgres (a real server from Debian's package, migrated by
 * migratePostgres). Each test gets a fresh database; "replicas" are two
 * stores on the same database.
 */
import { describe, expect, test } from "bun:test";
import { storeBackends } from "../../test/harness/store-backends.ts";

const backends = storeBackends();

const key = (id: string, extra: Record<string, unknown> = {}) => ({ id, hash: Bun.hash(id).toString(16).padStart(64, "0"), ...extra });

for (const backend of backends) {
  describe(`client keys on ${backend.name}`, () => {
    test("create, read, list: a taken id or secret is refused; limits and metadata come back as stored", async () => {
      await backend.withFresh(async (db) => {
        const store = db.replica().clientKeys;
        expect(await store.create(key("team-a", { name: "Team A", models: ["gemini-*"], rpm: 60, tpm: 1_000_000_000_000, monthlyBudgetUsd: 12.5, expiresAt: 1_900_000_000_000, metadata: { owner: "ana" } }))).toBe(true);
        expect(await store.create(key("team-a"))).toBe(false);
        expect(await store.create({ ...key("other"), hash: key("team-a").hash })).toBe(false);
        expect(await store.create(key("ci", { enabled: false }))).toBe(true);
        const teamA = await store.get("team-a");
        expect(teamA).toEqual({
          id: "team-a",
          hash: key("team-a").hash,
          name: "Team A",
          models: ["gemini-*"],
          rpm: 60,
          tpm: 1_000_000_000_000,
          monthlyBudgetUsd: 12.5,
          expiresAt: 1_900_000_000_000,
          metadata: { owner: "ana" },
          enabled: true,
          source: "cli",
          createdAt: expect.any(Number),
          updatedAt: expect.any(Number),
        });
        // In creation order; two made in the same millisecond by id.
        expect((await store.list()).map((stored) => [stored.id, stored.enabled]).sort()).toEqual([
          ["ci", false],
          ["team-a", true],
        ]);
        expect(await store.get("nope")).toBeUndefined();
      });
    });

    test("update sets and clears limits; enable, disable; revoke once", async () => {
      await backend.withFresh(async (db) => {
        const store = db.replica().clientKeys;
        await store.create(key("k", { rpm: 10, tpm: 100 }));
        expect(await store.update("k", { rpm: null, dailyRequests: 500, models: ["a", "b*"] })).toBe(true);
        expect(await store.update("missing", { rpm: 1 })).toBe(false);
        const changed = await store.get("k");
        expect([changed?.rpm, changed?.tpm, changed?.dailyRequests, changed?.models]).toEqual([undefined, 100, 500, ["a", "b*"]]);
        expect(await store.setEnabled("k", false)).toBe(true);
        expect((await store.get("k"))?.enabled).toBe(false);
        expect(await store.revoke("k")).toBe(true);
        expect(await store.revoke("k")).toBe(false);
        expect((await store.get("k"))?.revokedAt).toEqual(expect.any(Number));
      });
    });

    test("syncFromConfig makes the config keys exactly the config's, leaves CLI keys alone, refuses a CLI key's id", async () => {
      await backend.withFresh(async (db) => {
        const store = db.replica().clientKeys;
        await store.create(key("made-by-cli"));
        await store.syncFromConfig([key("one", { rpm: 1 }), key("two")]);
        await store.syncFromConfig([key("one", { rpm: 2 }), key("three")]);
        expect((await store.list()).map((stored) => [stored.id, stored.source, stored.rpm ?? null]).sort()).toEqual([
          ["made-by-cli", "cli", null],
          ["one", "config", 2],
          ["three", "config", null],
        ]);
        await expect(Promise.resolve().then(() => store.syncFromConfig([key("made-by-cli")]))).rejects.toThrow(
          "auth.keys: the key id 'made-by-cli' is taken by a key made with agw keys; give the config's key another id",
        );
      });
    });

    test("replicas starting together sync the same config keys at once: no conflict, each key once", async () => {
      await backend.withFresh(async (db) => {
        const replicas = Array.from({ length: 4 }, () => db.replica().clientKeys);
        const keys = Array.from({ length: 10 }, (_, index) => key(`config-${index}`, { rpm: index + 1 }));
        await Promise.all(replicas.map((replica) => replica.syncFromConfig(keys)));
        expect((await replicas[0]!.list()).map((stored) => [stored.id, stored.source, stored.rpm]).sort()).toEqual(
          keys.map((config, index) => [config.id, "config", index + 1]).sort(),
        );
      });
    });

    test("usage: requests add up per key and day, across two replicas writing the same day at once; prune drops old days", async () => {
      await backend.withFresh(async (db) => {
        const a = db.replica().clientKeys;
        const b = db.replica().clientKeys;
        for (let i = 0; i < 50; i++) {
          a.recordUsage({ keyId: "k", day: "2026-12-04", requests: 1, inputTokens: 10, outputTokens: 2, costUsd: 0.25 });
          b.recordUsage({ keyId: "k", day: "2026-12-04", requests: 1, inputTokens: 1, outputTokens: 1, costUsd: 0.5 });
        }
        b.recordUsage({ keyId: "k", day: "2026-12-03", requests: 7, inputTokens: 0, outputTokens: 0, costUsd: 1 });
        b.recordUsage({ keyId: "other", day: "2026-11-30", requests: 1, inputTokens: 0, outputTokens: 0, costUsd: 0 });
        await Promise.all([a.flush(), b.flush()]);
        expect(Object.fromEntries(await a.usageOn("2026-12-04"))).toEqual({ k: { requests: 100, inputTokens: 550, outputTokens: 150, costUsd: 37.5 } });
        expect(Object.fromEntries(await b.usageSince("2026-12-01"))).toEqual({ k: { requests: 107, inputTokens: 550, outputTokens: 150, costUsd: 38.5 } });
        expect(await a.prune("2026-12-01")).toBe(1);
        expect(Object.fromEntries(await a.usageSince("2026-01-01"))).toEqual({ k: { requests: 107, inputTokens: 550, outputTokens: 150, costUsd: 38.5 } });
      });
    });
  });
}
