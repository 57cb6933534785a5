/**
 * Values that are there at once on SQLite and arrive later on Postgres: the
 * store's reads return either, and code that works on both continues with
 * `then`, synchronously when it can. SQLite keeps its synchronous behaviour
 * (a change made by the CLI is seen by the very next request), and nothing
 * pays for a promise it does not need.
 */
export type Awaitable<T> = T | Promise<T>;

/** `next(value)`, at once for a plain value, after it resolves for a promise. */
export function then<T, R>(value: Awaitable<T>, next: (value: T) => Awaitable<R>): Awaitable<R> {
  return value instanceof Promise ? value.then(next) : next(value);
}

/** Every value, plain when all of them are. */
export function all<const T extends readonly unknown[]>(values: { [K in keyof T]: Awaitable<T[K]> }): Awaitable<T> {
  return values.some((value) => value instanceof Promise) ? (Promise.all(values) as Promise<T>) : (values as unknown as T);
}

/**
 * `run` made safe to call while it is still running (a reload from
 * Postgres): runs never overlap, and calls made during one share one more
 * run after it, which is what they resolve with — so whoever calls after a
 * change sees state read after that change. A synchronous `run` (SQLite)
 * just runs.
 */
export function serialized(run: () => Awaitable<void>): () => Awaitable<void> {
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const start = (): Awaitable<void> => {
    const result = run();
    if (!(result instanceof Promise)) return;
    const current: Promise<void> = result.finally(() => {
      if (running === current) running = undefined;
    });
    running = current;
    return current;
  };
  return () => {
    if (running === undefined) return start();
    queued ??= running
      .catch(() => {})
      .then(() => {
        queued = undefined;
        return start();
      });
    return queued;
  };
}
