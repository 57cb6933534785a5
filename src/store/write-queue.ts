import type { Database } from "bun:sqlite";
import { log } from "../util/logger.ts";

/**
 * Batches writes off the request path: callers enqueue, and the queue runs
 * them together in one transaction a moment later (or at once when it grows
 * large). `flush()` writes everything now; shutdown calls it.
 */
export class WriteQueue {
  private pending: Array<() => void> = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(
    private readonly db: Database,
    private readonly delayMs = 200,
    private readonly maxPending = 500,
    private readonly onError: (error: unknown) => void = (error) =>
      log.error(`agw: could not write to the database: ${(error as Error).message}`),
  ) {}

  enqueue(write: () => void): void {
    if (this.closed) return;
    this.pending.push(write);
    if (this.pending.length >= this.maxPending) {
      this.flush();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), this.delayMs);
    }
  }

  get size(): number {
    return this.pending.length;
  }

  /** Writes what is queued; later writes are dropped (the database is closing). */
  close(): void {
    this.flush();
    this.closed = true;
  }

  flush(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    try {
      this.db.transaction(() => {
        for (const write of batch) write();
      })();
    } catch (error) {
      this.onError(error);
    }
  }
}
