/**
 * One timer for every open stream's keep-alive check, per period, instead of
 * an interval per stream: a stream registers what to do on each tick (send
 * its keep-alive frame if it has been silent long enough) and unregisters
 * when it ends. The timer runs only while some stream is registered.
 */
const tickers = new Map<number, { timer: ReturnType<typeof setInterval>; checks: Set<() => void> }>();

/** Calls `check` every `periodMs` until the returned function is called. */
export function everyTick(periodMs: number, check: () => void): () => void {
  let ticker = tickers.get(periodMs);
  if (ticker === undefined) {
    const checks = new Set<() => void>();
    const timer = setInterval(() => {
      for (const run of checks) {
        try {
          run();
        } catch {
          // One stream's failed write (its client just left) must not keep the others' frames back.
        }
      }
    }, periodMs);
    // A ticker never keeps the process alive by itself.
    timer.unref?.();
    ticker = { timer, checks };
    tickers.set(periodMs, ticker);
  }
  ticker.checks.add(check);
  const registered = ticker;
  return () => {
    registered.checks.delete(check);
    if (registered.checks.size === 0 && tickers.get(periodMs) === registered) {
      clearInterval(registered.timer);
      tickers.delete(periodMs);
    }
  };
}
