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

/** How long closing waits for the worker to let go of the database (it may be in a checkpoint). */
const CLOSE_WAIT_MS = 2_000;

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
 *
 * The worker starts at `start()`, which the store calls at its first
 * queued write (the request log, usage, cooldowns): until then the WAL
 * holds a few pages of start-up writes that need no checkpoint, and a
 * worker is a JavaScript runtime of its own — ~3 MB of an idle gateway's
 * memory, and on one core 5–15 ms of its start-up.
 */
export class BackgroundCheckpoints {
  private worker: Worker | undefined;
  private stopped = false;
  private started: Promise<boolean> | undefined;
  /** The worker sets it to 1 once it holds no connection: see stop(). */
  private readonly workerClosed = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    private readonly db: Database,
    private readonly path: string,
    private readonly intervalMs = 1_000,
  ) {}

  /** Whether `start()` has been called (the worker is running, or tried to start). */
  get requested(): boolean {
    return this.started !== undefined;
  }

  /** Starts the worker (once): resolves true once it checkpoints, false when it could not start. */
  start(): Promise<boolean> {
    if (this.started !== undefined) return this.started;
    if (this.stopped) return (this.started = Promise.resolve(false));
    let settle: (started: boolean) => void = () => {};
    this.started = new Promise((resolve) => (settle = resolve));
    this.db.run("PRAGMA wal_autocheckpoint = 0");
    let worker: Worker;
    try {
      worker = new Worker(CHECKPOINTER);
    } catch (error) {
      settle(false);
      this.fallBack((error as Error).message);
      return this.started;
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
    worker.postMessage({ path: this.path, intervalMs: this.intervalMs, closed: this.workerClosed } satisfies CheckpointerStart);
    return this.started;
  }

  /**
   * The database is closing: the worker closes its connection and ends, and
   * this waits for that (at most CLOSE_WAIT_MS), so that once the store is
   * closed nothing of this process holds the file — the gateway's own
   * connection, the last, then checkpoints and removes the WAL as it closes,
   * and the next open (a restart, the CLI) finds the file free.
   */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.started === undefined) return;
    if (this.worker !== undefined) {
      this.worker.postMessage("stop");
      Atomics.wait(this.workerClosed, 0, 0, CLOSE_WAIT_MS);
    }
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
