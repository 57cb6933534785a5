import { expect, test } from "bun:test";
import { everyTick } from "./keep-alive-ticker.ts";

/** Waits (at most 2 s) until `done` holds: ticks come when the event loop gets to them. */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < 2000; waited += 5) await Bun.sleep(5);
}

test("one timer per period runs every registered check until it unregisters; a failing check stops no other", async () => {
  const seen: string[] = [];
  const stopA = everyTick(10, () => seen.push("a"));
  const stopB = everyTick(10, () => {
    throw new Error("client gone");
  });
  const stopC = everyTick(10, () => seen.push("c"));
  await until(() => seen.length >= 4);
  expect(seen.slice(0, 4)).toEqual(["a", "c", "a", "c"]);
  stopA();
  stopB();
  const before = seen.length;
  await until(() => seen.length >= before + 2);
  expect(seen.slice(before, before + 2)).toEqual(["c", "c"]);
  stopC();
  const after = seen.length;
  await Bun.sleep(30);
  expect(seen.length).toBe(after);
});
