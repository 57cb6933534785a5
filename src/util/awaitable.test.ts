import { expect, test } from "bun:test";
import { all, serialized, then } from "./awaitable.ts";

test("then and all stay synchronous for plain values and wait for promises", async () => {
  expect(then(2, (value) => value * 3)).toBe(6);
  expect(all([1, "a"] as const)).toEqual([1, "a"]);
  const later = then(Promise.resolve(2), (value) => value * 3);
  expect(later).toBeInstanceOf(Promise);
  expect(await later).toBe(6);
  expect(await all([1, Promise.resolve("a")] as const)).toEqual([1, "a"]);
});

test("serialized: a synchronous run just runs; calls during an asynchronous run never overlap and end in one more run", async () => {
  let runs = 0;
  expect(serialized(() => void runs++)()).toBeUndefined();
  expect(runs).toBe(1);

  const started: number[] = [];
  let running = 0;
  let most = 0;
  const gates: Array<() => void> = [];
  const reload = serialized(() => {
    started.push(started.length);
    running++;
    most = Math.max(most, running);
    return new Promise<void>((resolve) => gates.push(() => (running--, resolve())));
  });
  const first = reload();
  const second = reload();
  const third = reload();
  expect([second, third]).toEqual([first, first]);
  gates.shift()!();
  await first;
  // The calls made meanwhile ran once more, after the first.
  await Bun.sleep(0);
  expect(started).toEqual([0, 1]);
  gates.shift()!();
  await Bun.sleep(0);
  expect(most).toBe(1);
});

test("serialized: a failing rerun is nobody's unhandled rejection, and the next call runs again", async () => {
  let calls = 0;
  const reload = serialized(() => {
    calls++;
    return Promise.reject(new Error(`store away (${calls})`));
  });
  const first = reload();
  reload();
  await expect(first).rejects.toThrow("store away (1)");
  await Bun.sleep(1);
  expect(calls).toBe(2);
  await expect(reload()).rejects.toThrow("store away (3)");
});
