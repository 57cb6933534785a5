/**
 * A worker thread that checkpoints the gateway's SQLite WAL (see
 * background-checkpoints.ts): its own connection to the database file,
 * one PASSIVE checkpoint per interval — the pages the WAL holds copied into
 * the database and both synced, without waiting for or blocking the
 * gateway's reads and writes. Told the path and interval by its first
 * message; "stop" closes its connection and ends the worker.
 */
import { Database } from "bun:sqlite";

declare const self: Worker;

export interface CheckpointerStart {
  path: string;
  intervalMs: number;
}

/** What the worker says back: that it checkpoints, or why it cannot. */
export type CheckpointerReport = { ready: true } | { error: string };

let db: Database | undefined;
let timer: ReturnType<typeof setInterval> | undefined;

self.onmessage = (event: MessageEvent<CheckpointerStart | "stop">) => {
  const message = event.data;
  if (message === "stop") {
    clearInterval(timer);
    db?.close();
    db = undefined;
    process.exit(0);
  }
  try {
    db = new Database(message.path, { readwrite: true, create: false });
    // The gateway's own durability: a checkpoint syncs the WAL and the database file.
    db.run("PRAGMA synchronous = NORMAL");
    db.run("PRAGMA busy_timeout = 5000");
  } catch (error) {
    report({ error: (error as Error).message });
    return;
  }
  const checkpoint = () => {
    try {
      db?.run("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (error) {
      clearInterval(timer);
      report({ error: (error as Error).message });
    }
  };
  timer = setInterval(checkpoint, message.intervalMs);
  report({ ready: true });
};

function report(message: CheckpointerReport): void {
  self.postMessage(message);
}
