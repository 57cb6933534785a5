import type { RequestLogRow } from "../store/index.ts";

/**
 * Finished requests as they happen, for the dashboard's live request log.
 * Publishing costs one size check while nobody watches; a watcher that
 * throws is dropped rather than breaking the request that finished.
 */
export class RequestFeed {
  private readonly watchers = new Set<(row: RequestLogRow) => void>();
  private readonly closers = new Set<() => void>();

  publish(row: RequestLogRow): void {
    if (this.watchers.size === 0) return;
    for (const watcher of this.watchers) {
      try {
        watcher(row);
      } catch {
        this.watchers.delete(watcher);
      }
    }
  }

  /** Calls `watcher` with every row published until the returned function is called; `onClose` runs if the feed closes first. */
  watch(watcher: (row: RequestLogRow) => void, onClose: () => void): () => void {
    this.watchers.add(watcher);
    this.closers.add(onClose);
    return () => {
      this.watchers.delete(watcher);
      this.closers.delete(onClose);
    };
  }

  get watching(): number {
    return this.watchers.size;
  }

  /** The gateway is stopping: every watcher's stream ends, so open dashboards do not hold the shutdown up. */
  close(): void {
    const closers = [...this.closers];
    this.watchers.clear();
    this.closers.clear();
    for (const close of closers) close();
  }
}
