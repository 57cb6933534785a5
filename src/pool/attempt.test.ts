import { afterEach, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GatewayError, toGatewayError } from "../ir/errors.ts";
import { SqliteStore } from "../store/index.ts";
import { AccountPool } from "./account-pool.ts";
import { type AttemptRecord, type RetryTarget, withRetries } from "./attempt.ts";

const stores: SqliteStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

/** A real pool over a real store, accounts a and b. */
function target(client: AbortController, deadlineMs?: number): RetryTarget & { attempts: AttemptRecord[] } {
  const store = SqliteStore.open(join(mkdtempSync(join(tmpdir(), "agw-attempt-")), "agw.db"));
  stores.push(store);
  store.accounts.syncFromConfig(
    ["a", "b"].map((id) => ({ provider: "g", id, credentials: { apiKey: `k-${id}` }, enabled: true, weight: 1, priority: 0 })),
  );
  const pool = new AccountPool(store, { defaultCooldownMs: 30_000, maxCooldownMs: 30 * 60_000 }, new Set());
  return { providerName: "g", model: "m", pool, maxAttempts: 3, signal: client.signal, attempts: [], ...(deadlineMs ? { deadlineMs } : {}) };
}

const answered = (): never => {
  throw new Error("expected the attempts to fail");
};

const untilAborted = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));

test("an attempt's own timeout ends that attempt only: the next account gets a signal nobody aborted", async () => {
  const client = new AbortController();
  const into = target(client, 60_000);
  const seen: Array<{ account: string; abortedAtStart: boolean; signal: AbortSignal }> = [];
  const timeout = new GatewayError("timeout", "the upstream did not answer within 5 ms", { retryable: true });
  const result = await withRetries(into, async (account, _credentials, signal, _answering, abort) => {
    seen.push({ account: account.id, abortedAtStart: signal.aborted, signal });
    if (seen.length === 1) {
      const ended = untilAborted(signal);
      abort(timeout);
      return ended;
    }
    return "answer";
  });
  expect(result.value).toBe("answer");
  expect(seen.map(({ account, abortedAtStart }) => [account, abortedAtStart])).toEqual([
    ["a", false],
    ["b", false],
  ]);
  expect(seen[0]!.signal.aborted).toBe(true);
  expect(seen[1]!.signal.aborted).toBe(false);
  expect(into.attempts).toEqual([
    { accountId: "a", status: timeout.status, errorClass: "timeout", cooldownMs: into.attempts[0]!.cooldownMs },
    { accountId: "b", status: 200 },
  ]);
  // The client going away after the answer still reaches the call that answered.
  client.abort(new Error("client gone"));
  expect(seen[1]!.signal.aborted).toBe(true);
});

test("the client going away ends the attempt under way and no other is made", async () => {
  const client = new AbortController();
  const into = target(client, 60_000);
  const accounts: string[] = [];
  const error = await withRetries(into, async (account, _credentials, signal) => {
    accounts.push(account.id);
    queueMicrotask(() => client.abort(new GatewayError("invalid_request", "the client closed the request", { status: 499 })));
    return untilAborted(signal);
  }).then(answered, toGatewayError);
  expect({ status: error.status, message: error.message }).toEqual({ status: 499, message: "the client closed the request" });
  expect(accounts).toEqual(["a"]);
});

test("the deadline ends an attempt that hangs and no other starts after it", async () => {
  const client = new AbortController();
  const into = target(client, 30);
  const accounts: string[] = [];
  const error = await withRetries(into, async (account, _credentials, signal) => {
    accounts.push(account.id);
    return untilAborted(signal);
  }).then(answered, toGatewayError);
  expect({ code: error.code, message: error.message }).toEqual({
    code: "deadline_exceeded",
    message: "no upstream answer for m within 30 ms (retry.deadlineMs)",
  });
  expect(accounts).toEqual(["a"]);
});
