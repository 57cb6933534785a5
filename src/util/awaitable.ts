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
 * Postgres): calls never overlap, and one made meanwhile runs once more after
 * the current one, so the last run reads the latest state. A synchronous
 * `run` (SQLite) just runs.
 */
export function serialized(run: () => Awaitable<void>): () => Awaitable<void> {
  let running: Promise<void> | undefined;
  let again = false;
  const start = (): Awaitable<void> => {
    const result = run();
    if (!(result instanceof Promise)) return;
    const current: Promise<void> = result.finally(() => {
      running = undefined;
      if (again) {
        again = false;
        // Its failure is the next caller's to see (the same state is read again); nobody waits on this run itself.
        const rerun = start();
        if (rerun instanceof Promise) rerun.catch(() => {});
      }
    });
    running = current;
    return current;
  };
  return () => {
    if (running === undefined) return start();
    again = true;
    return running;
  };
}
