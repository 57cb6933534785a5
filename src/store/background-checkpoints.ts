import type { Database } from "bun:sqlite";
import { log } from "../util/logger.ts";
import type { CheckpointerReport, CheckpointerStart } from "./wal-checkpointer.ts";

// Replaced by build.ts (`define`) in compiled binaries: where the checkpointer's module is inside the binary.
declare const __AGW_CHECKPOINTER__: string | undefined;

/**
 * The worker's module: in a binary, its path among the binary's own entry
 * points (relative to their common folder, src/); from source, the file
 * beside this one. A URL built from import.meta.url would name the source
 * file in a binary too, which is not there on the machines it runs on.
 */
const CHECKPOINTER = typeof __AGW_CHECKPOINTER__ === "string" ? __AGW_CHECKPOINTER__ : new URL("./wal-checkpointer.ts", import.meta.url).href;

/** SQLite's own default: the committing connection checkpoints once the WAL holds this many pages. */
const AUTO_CHECKPOINT_PAGES = 1000;

/**
 * Keeps SQLite's WAL checkpoints off the event loop. Left to itself, the
 * connection whose commit takes the WAL past 1,000 pages checkpoints there
 * and then — the pages copied into the database and both files synced, up
 * to ~15 ms here under load, about once a second — and every request under
 * way waits for it: with the request log on, that was most of what the log
 * added to the p99 at c=1 (measured with wrk: 6.9 ms with those
 * checkpoints, 3.1 ms without, 2.1 ms with no log at all). A worker thread
 * with a connection of its own checkpoints instead, PASSIVE (it neither
 * waits for the gateway's connection nor makes it wait), once per
 * `intervalMs`. Should the worker fail, the gateway's connection
 * checkpoints itself again, as SQLite does by default.
 */
export class BackgroundCheckpoints {
  private worker: Worker | undefined;
  private stopped = false;
  /** Whether the worker checkpoints (true), or failed to start (false). */
  readonly started: Promise<boolean>;

  constructor(
    private readonly db: Database,
    path: string,
    intervalMs = 1_000,
  ) {
    let settle: (started: boolean) => void = () => {};
    this.started = new Promise((resolve) => (settle = resolve));
    db.run("PRAGMA wal_autocheckpoint = 0");
    let worker: Worker;
    try {
      worker = new Worker(CHECKPOINTER);
    } catch (error) {
      settle(false);
      this.fallBack((error as Error).message);
      return;
    }
    this.worker = worker;
    // It must not keep a process alive that is otherwise done (a test, a gateway that stopped).
    worker.unref();
    worker.onmessage = (event: MessageEvent<CheckpointerReport>) => {
      if ("ready" in event.data) return settle(true);
      settle(false);
      this.fallBack(event.data.error);
    };
    worker.onerror = (event) => {
      settle(false);
      this.fallBack(event.message);
    };
    worker.postMessage({ path, intervalMs } satisfies CheckpointerStart);
  }

  /** The database is closing: the worker closes its connection and ends; this connection checkpoints itself again. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.worker?.postMessage("stop");
    this.checkpointHere();
  }

  private fallBack(reason: string): void {
    if (this.stopped) return;
    this.stopped = true;
    log.error(`agw: WAL checkpoints run on the request path again: the background checkpointer failed (${reason})`);
    this.worker?.terminate();
    this.checkpointHere();
  }

  private checkpointHere(): void {
    try {
      this.db.run(`PRAGMA wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    } catch {
      // The connection is already closed: nothing is written through it any more.
    }
  }
}
