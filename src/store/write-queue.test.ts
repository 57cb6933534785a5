import { Database } from "bun:sqlite";
import { expect, test } from "bun:test";
import { WriteQueue } from "./write-queue.ts";

function table() {
  const db = new Database(":memory:");
  db.run("CREATE TABLE t (n INTEGER)");
  const insert = db.query("INSERT INTO t (n) VALUES (?)");
  const count = () => (db.query("SELECT COUNT(*) AS n FROM t").get() as { n: number }).n;
  return { db, insert, count };
}

test("a full queue is written a chunk per transaction, with the event loop free between chunks", async () => {
  const { db, insert, count } = table();
  const queue = new WriteQueue(db, 10_000, 100, 64);
  const seen: number[] = [];
  for (let n = 0; n < 150; n++) queue.enqueue(() => insert.run(n));
  // Something else waiting for the event loop sees the queue half written, not blocked behind all of it.
  setImmediate(() => seen.push(count()));
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  expect(count()).toBe(150);
  expect(seen).toEqual([64]);
  expect(queue.size).toBe(0);
});

test("a short queue waits for its delay; flush writes everything at once; after close nothing is queued", async () => {
  const { db, insert, count } = table();
  const queue = new WriteQueue(db, 20, 100, 64);
  for (let n = 0; n < 5; n++) queue.enqueue(() => insert.run(n));
  expect(count()).toBe(0);
  await Bun.sleep(40);
  expect(count()).toBe(5);
  for (let n = 0; n < 90; n++) queue.enqueue(() => insert.run(n));
  queue.flush();
  expect(count()).toBe(95);
  queue.close();
  queue.enqueue(() => insert.run(0));
  expect([queue.size, count()]).toEqual([0, 95]);
});

test("a failing batch is reported and the queue goes on", async () => {
  const { db, insert, count } = table();
  const errors: string[] = [];
  const queue = new WriteQueue(db, 10_000, 100, 64, (error) => errors.push((error as Error).message));
  queue.enqueue(() => db.run("INSERT INTO missing VALUES (1)"));
  queue.flush();
  queue.enqueue(() => insert.run(1));
  queue.flush();
  expect([errors, count()]).toEqual([["no such table: missing"], 1]);
});
