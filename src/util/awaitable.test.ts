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

test("serialized: a synchronous run just runs; calls during an asynchronous run share one more run after it, and resolve with it", async () => {
  let runs = 0;
  expect(serialized(() => void runs++)()).toBeUndefined();
  expect(runs).toBe(1);

  let started = 0;
  let running = 0;
  let most = 0;
  const gates: Array<() => void> = [];
  const reload = serialized(() => {
    started++;
    running++;
    most = Math.max(most, running);
    return new Promise<void>((resolve) => gates.push(() => (running--, resolve())));
  });
  const first = reload();
  const second = reload();
  const third = reload();
  expect(second).toBe(third);
  expect(second).not.toBe(first);
  let secondDone = false;
  void (second as Promise<void>).then(() => (secondDone = true));
  gates.shift()!();
  await first;
  await Bun.sleep(0);
  // The calls made meanwhile wait for a run of their own, begun after the first ended.
  expect([started, secondDone]).toEqual([2, false]);
  gates.shift()!();
  await second;
  expect([started, most]).toEqual([2, 1]);
});

test("serialized: a failed run does not stop the one queued after it", async () => {
  let calls = 0;
  const reload = serialized(() => {
    calls++;
    return calls === 1 ? Promise.reject(new Error("store away")) : Promise.resolve();
  });
  const first = reload();
  const second = reload();
  await expect(first).rejects.toThrow("store away");
  await second;
  expect(calls).toBe(2);
});
