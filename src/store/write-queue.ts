import type { Database } from "bun:sqlite";
import { log } from "../util/logger.ts";

/**
 * Batches writes off the request path: callers enqueue, and the queue runs
 * them a moment later (`delayMs`, or at once when `maxPending` are waiting),
 * `chunk` writes per transaction with the event loop free between two
 * transactions: one long transaction would hold every request up for
 * milliseconds (the tail of the latency). `flush()` writes everything now,
 * in one transaction; shutdown calls it.
 */
export class WriteQueue {
  private pending: Array<() => void> = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private draining = false;
  private closed = false;
  /** Why the last batch could not be written; cleared by the next one that is. */
  lastFailure: string | undefined;
  /** Called once, just before the first batch is written. */
  beforeFirstWrite: (() => void) | undefined;

  constructor(
    private readonly db: Database,
    private readonly delayMs = 200,
    private readonly maxPending = 500,
    private readonly chunk = 64,
    private readonly onError: (error: unknown) => void = (error) =>
      log.error(`agw: could not write to the database: ${(error as Error).message}`),
  ) {}

  /** Queues a write; false once the queue is closed (the write is dropped). */
  enqueue(write: () => void): boolean {
    if (this.closed) return false;
    this.pending.push(write);
    if (this.draining) return true;
    if (this.pending.length >= this.maxPending) {
      this.draining = true;
      setImmediate(this.drain);
    } else if (this.timer === undefined) {
      this.timer = setTimeout(this.drain, this.delayMs);
    }
    return true;
  }

  get size(): number {
    return this.pending.length;
  }

  /** Writes what is queued; later writes are dropped (the database is closing). */
  close(): void {
    this.flush();
    this.closed = true;
  }

  /** Writes everything queued now, in one transaction. */
  flush(): void {
    this.write(this.pending.length);
  }

  /** One chunk now; the rest after the event loop has had its turn. */
  private readonly drain = (): void => {
    this.draining = false;
    this.write(this.chunk);
    if (this.pending.length > 0 && !this.closed && this.timer === undefined) {
      this.draining = true;
      setImmediate(this.drain);
    }
  };

  private write(count: number): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.length === 0) return;
    if (this.beforeFirstWrite !== undefined) {
      const first = this.beforeFirstWrite;
      this.beforeFirstWrite = undefined;
      first();
    }
    const batch = count >= this.pending.length ? this.pending : this.pending.slice(0, count);
    this.pending = count >= this.pending.length ? [] : this.pending.slice(count);
    try {
      this.db.transaction(() => {
        for (const write of batch) write();
      })();
      this.lastFailure = undefined;
    } catch (error) {
      this.lastFailure = (error as Error)?.message ?? String(error);
      this.onError(error);
    }
  }
}
