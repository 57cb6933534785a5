import { afterEach, expect, spyOn, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BackgroundCheckpoints } from "./background-checkpoints.ts";
import { openDatabase } from "./db.ts";
import { SqliteStore } from "./index.ts";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), "agw-checkpoints-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, "agw.db");
}

const autoCheckpoint = (db: Database) => (db.query("PRAGMA wal_autocheckpoint").get() as { wal_autocheckpoint: number }).wal_autocheckpoint;

/** Commits `count` rows of ~1 KB each, in transactions of 100 (about four rows to a 4 KB page). */
function writeRows(db: Database, count: number): void {
  db.run("CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  const insert = db.prepare("INSERT INTO filler (body) VALUES (?)");
  for (let start = 0; start < count; start += 100) {
    db.transaction(() => {
      for (let index = start; index < Math.min(count, start + 100); index++) insert.run(`row ${index} `.padEnd(1_000, "x"));
    })();
  }
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await Bun.sleep(20);
  }
  return true;
}

test("the gateway's connection no longer checkpoints; the worker copies the WAL into the database file, and stops with the store", async () => {
  const path = tempPath();
  const db = openDatabase(path);
  const checkpoints = new BackgroundCheckpoints(db, path, 50);
  cleanups.push(() => db.close());
  cleanups.push(() => checkpoints.stop());
  // Until it is started, the connection checkpoints as SQLite does by default.
  expect(autoCheckpoint(db)).toBe(1000);
  expect(await checkpoints.start()).toBe(true);
  expect(autoCheckpoint(db)).toBe(0);
  const before = statSync(path).size;
  // 8,000 rows of 1 KB, some 2,000 pages: past SQLite's own 1,000-page threshold, where the commits would have checkpointed.
  writeRows(db, 8_000);
  // Only a checkpoint moves pages from the WAL into the database file, and this connection makes none.
  expect(await until(() => statSync(path).size > before + 2_000_000)).toBe(true);
  const copied = db.query("SELECT count(*) AS rows FROM filler").get() as { rows: number };
  expect(copied.rows).toBe(8_000);
  checkpoints.stop();
  // The connection checkpoints itself again once the worker is gone.
  expect(autoCheckpoint(db)).toBe(1000);
});

test("a worker that cannot open the database says why, and the connection checkpoints itself again", async () => {
  const path = tempPath();
  const db = openDatabase(path);
  cleanups.push(() => db.close());
  const errors = spyOn(console, "error").mockImplementation(() => {});
  cleanups.push(() => errors.mockRestore());
  const checkpoints = new BackgroundCheckpoints(db, join(path, "missing", "agw.db"), 50);
  cleanups.push(() => checkpoints.stop());
  expect(await checkpoints.start()).toBe(false);
  expect(autoCheckpoint(db)).toBe(1000);
  expect(errors.mock.calls.map((call) => String(call[0]))).toEqual([
    expect.stringMatching(/^agw: WAL checkpoints run on the request path again: the background checkpointer failed \(.+\)$/),
  ]);
});

test("a store opened for the gateway checkpoints in the background from its first queued write; one opened for a command, or in memory, does not", async () => {
  const path = tempPath();
  const gateway = SqliteStore.open(path, { checkpointInBackground: true });
  cleanups.push(() => gateway.close());
  // No worker while nothing is written through the queue: an idle gateway does not pay for one.
  expect(gateway.checkpoints?.requested).toBe(false);
  expect(autoCheckpoint(gateway.db)).toBe(1000);
  gateway.requestLogs.record({ id: "first", startedAt: 1, route: "/v1/messages", stream: false, status: 200, attempts: 1 });
  expect(gateway.checkpoints?.requested).toBe(false);
  gateway.flush();
  expect(gateway.checkpoints?.requested).toBe(true);
  expect(await gateway.checkpoints?.start()).toBe(true);
  expect(autoCheckpoint(gateway.db)).toBe(0);
  // A command (the CLI) on the same file meanwhile: SQLite's own checkpoints, no worker.
  const command = SqliteStore.open(path);
  cleanups.push(() => command.close());
  expect(command.checkpoints).toBeUndefined();
  expect(autoCheckpoint(command.db)).toBe(1000);
  const memory = SqliteStore.open(":memory:", { checkpointInBackground: true });
  cleanups.push(() => memory.close());
  expect(memory.checkpoints).toBeUndefined();
  // What the gateway wrote is there after it closed, for the next start.
  gateway.requestLogs.record({ id: "kept", startedAt: 1, route: "/v1/messages", stream: false, status: 200, attempts: 1 });
  gateway.close();
  const reopened = SqliteStore.open(path);
  cleanups.push(() => reopened.close());
  expect(reopened.requestLogs.get("kept")).toMatchObject({ id: "kept", route: "/v1/messages", status: 200 });
});

test("a gateway store closed before any queued write starts no worker, and its writes are all there", async () => {
  const path = tempPath();
  const store = SqliteStore.open(path, { checkpointInBackground: true });
  store.requestLogs.record({ id: "last", startedAt: 1, route: "/v1/messages", stream: false, status: 200, attempts: 1 });
  store.close();
  // The close wrote the queued row without starting a worker only to stop it.
  expect(await store.checkpoints?.start()).toBe(false);
  expect(existsSync(`${path}-wal`)).toBe(false);
  const reopened = SqliteStore.open(path);
  cleanups.push(() => reopened.close());
  expect(reopened.requestLogs.get("last")).toMatchObject({ id: "last", status: 200 });
});

test("once the store is closed nothing of this process holds the file: the WAL is gone and a connection without a busy timeout opens it at once", async () => {
  for (let round = 0; round < 5; round++) {
    const path = tempPath();
    const store = SqliteStore.open(path, { checkpointInBackground: true });
    expect(await store.checkpoints?.start()).toBe(true);
    for (let index = 0; index < 500; index++) {
      store.requestLogs.record({ id: `row-${index}`, startedAt: index, route: "/v1/messages", stream: false, status: 200, attempts: 1 });
    }
    store.flush();
    store.close();
    // The gateway's connection closed last, checkpointed everything and removed the WAL.
    expect(existsSync(`${path}-wal`)).toBe(false);
    // What a restart does first: no SQLITE_BUSY from a checkpointer still letting go.
    const next = new Database(path);
    expect(next.query("PRAGMA journal_mode = WAL").get()).toEqual({ journal_mode: "wal" });
    expect(next.query("SELECT count(*) AS rows FROM request_logs").get()).toEqual({ rows: 500 });
    next.close();
  }
});
