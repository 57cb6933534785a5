import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore, utcDay } from "./index.ts";
import { schemaVersion } from "./db.ts";
import { migrations } from "./migrations.ts";

const stores: SqliteStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

function openStore(path = join(mkdtempSync(join(tmpdir(), "agw-store-")), "agw.db")): { store: SqliteStore; path: string } {
  const store = SqliteStore.open(path);
  stores.push(store);
  return { store, path };
}

const account = (id: string, apiKey = `key-${id}`) => ({
  provider: "gemini",
  id,
  credentials: { apiKey },
  enabled: true,
  weight: 1,
  priority: 0,
});

describe("SqliteStore", () => {
  test("creates a WAL database at the latest schema version, readable by its owner only", () => {
    const { store, path } = openStore();
    expect(schemaVersion(store.db)).toBe(migrations.length);
    expect((store.db.query("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode).toBe("wal");
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  test("reopening runs no migration twice and keeps the data", () => {
    const { store, path } = openStore();
    store.accounts.syncFromConfig([account("a")]);
    store.close();
    const again = openStore(path).store;
    expect(again.accounts.list().map((a) => a.id)).toEqual(["a"]);
  });

  test("refuses a database from a newer agw", () => {
    const path = join(mkdtempSync(join(tmpdir(), "agw-store-")), "agw.db");
    const db = new Database(path);
    db.run(`PRAGMA user_version = ${migrations.length + 1}`);
    db.close();
    expect(() => SqliteStore.open(path)).toThrow(/newer than this agw build understands/);
  });

  test("syncFromConfig inserts, updates and removes config accounts but keeps CLI ones", () => {
    const { store } = openStore();
    store.accounts.syncFromConfig([account("a"), account("b")]);
    store.db.run(
      "INSERT INTO accounts (provider, id, credentials, source, created_at, updated_at) VALUES ('gemini', 'cli', '{}', 'cli', 0, 0)",
    );
    store.accounts.syncFromConfig([{ ...account("b", "new-key"), enabled: false }]);
    const list = store.accounts.list("gemini");
    expect(list.map((a) => [a.id, a.source, a.enabled])).toEqual([
      ["b", "config", false],
      ["cli", "cli", true],
    ]);
    expect(list[0]!.credentials.apiKey).toBe("new-key");
  });

  test("request logs are batched: nothing is written until the batch flushes", async () => {
    const { store } = openStore();
    store.requestLogs.record({ id: "r1", startedAt: Date.now(), route: "/v1/chat/completions", stream: true, status: 200, attempts: 1, inputTokens: 5 });
    expect(store.requestLogs.get("r1")).toBeUndefined();
    await Bun.sleep(300);
    expect(store.requestLogs.get("r1")).toMatchObject({ id: "r1", stream: true, status: 200, inputTokens: 5, attempts: 1 });
  });

  test("close() flushes queued rows", () => {
    const { store, path } = openStore();
    store.requestLogs.record({ id: "r2", startedAt: 1, route: "/x", stream: false, status: 502, attempts: 3, errorClass: "upstream" });
    store.close();
    const reopened = openStore(path).store;
    expect(reopened.requestLogs.get("r2")).toMatchObject({ status: 502, errorClass: "upstream", attempts: 3 });
  });

  test("prune deletes old rows only", () => {
    const { store } = openStore();
    store.requestLogs.record({ id: "old", startedAt: 1_000, route: "/x", stream: false, status: 200, attempts: 1 });
    store.requestLogs.record({ id: "new", startedAt: 5_000, route: "/x", stream: false, status: 200, attempts: 1 });
    store.flush();
    expect(store.requestLogs.prune(2_000)).toBe(1);
    expect(store.requestLogs.recent().map((r) => r.id)).toEqual(["new"]);
  });

  test("account state round-trips; expired cooldowns without failures are not active", () => {
    const { store } = openStore();
    const now = Date.now();
    store.accountState.save({ provider: "gemini", accountId: "a", model: "m", cooldownUntil: now + 60_000, reason: "rate limited", failures: 2 });
    store.accountState.save({ provider: "gemini", accountId: "b", model: "m", cooldownUntil: now - 1, failures: 0 });
    store.flush();
    expect(store.accountState.active(now)).toEqual([
      { provider: "gemini", accountId: "a", model: "m", cooldownUntil: now + 60_000, reason: "rate limited", failures: 2 },
    ]);
  });
});

test("utcDay names the UTC day of any time, the same across a day and the next one from its first millisecond", () => {
  const midnight = Date.UTC(2026, 11, 4);
  expect([midnight - 1, midnight, midnight + 1, midnight + 86_399_999, midnight + 86_400_000, midnight - 86_400_000, 0, -1].map((time) => utcDay(time))).toEqual([
    "2026-12-03",
    "2026-12-04",
    "2026-12-04",
    "2026-12-04",
    "2026-12-05",
    "2026-12-03",
    "1970-01-01",
    "1969-12-31",
  ]);
});
