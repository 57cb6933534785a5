/**
 * A worker thread that checkpoints the gateway's SQLite WAL (see
 * background-checkpoints.ts): its own connection to the database file,
 * one PASSIVE checkpoint per interval — the pages the WAL holds copied into
 * the database and both synced, without waiting for or blocking the
 * gateway's reads and writes. Told the path and interval by its first
 * message; "stop" closes its connection, says so through `closed` (the
 * gateway's close waits for it) and ends the worker.
 */
import { Database } from "bun:sqlite";

declare const self: Worker;

export interface CheckpointerStart {
  path: string;
  intervalMs: number;
  /** Set to 1 (and notified) once this worker holds no connection any more. */
  closed: Int32Array;
}

/** What the worker says back: that it checkpoints, or why it cannot. */
export type CheckpointerReport = { ready: true } | { error: string };

let db: Database | undefined;
let timer: ReturnType<typeof setInterval> | undefined;
let closed: Int32Array | undefined;

function close(): void {
  clearInterval(timer);
  db?.close();
  db = undefined;
  if (closed) {
    Atomics.store(closed, 0, 1);
    Atomics.notify(closed, 0);
  }
}

self.onmessage = (event: MessageEvent<CheckpointerStart | "stop">) => {
  const message = event.data;
  if (message === "stop") {
    close();
    process.exit(0);
  }
  closed = message.closed;
  try {
    db = new Database(message.path, { readwrite: true, create: false });
    // The gateway's own durability: a checkpoint syncs the WAL and the database file.
    db.run("PRAGMA synchronous = NORMAL");
    db.run("PRAGMA busy_timeout = 5000");
  } catch (error) {
    close();
    report({ error: (error as Error).message });
    return;
  }
  const checkpoint = () => {
    try {
      db?.run("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (error) {
      close();
      report({ error: (error as Error).message });
    }
  };
  timer = setInterval(checkpoint, message.intervalMs);
  report({ ready: true });
};

function report(message: CheckpointerReport): void {
  self.postMessage(message);
}
