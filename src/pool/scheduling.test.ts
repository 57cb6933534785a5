import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GatewayError } from "../ir/errors.ts";
import { SqliteStore, type NewAccount } from "../store/index.ts";
import { AccountPool } from "./account-pool.ts";
import type { SchedulingMode } from "./scheduler.ts";

const policy = { defaultCooldownMs: 30_000, maxCooldownMs: 30 * 60_000 };
const stores: SqliteStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

function pool(mode: SchedulingMode, accounts: Array<Partial<NewAccount> & { id: string }>) {
  const store = SqliteStore.open(":memory:");
  stores.push(store);
  store.accounts.syncFromConfig(
    accounts.map((account) => ({ provider: "g", credentials: { apiKey: `k-${account.id}` }, enabled: true, weight: 1, priority: 0, ...account })),
  );
  return { pool: new AccountPool(store, policy, new Set(), mode), store };
}

/** Picks n times (each a new request) and counts the accounts chosen. */
function spread(p: AccountPool, n: number, conversation?: string, onPick?: (id: string) => void): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let index = 0; index < n; index++) {
    const { account } = p.pick("g", "m", { tried: new Set(), conversation });
    counts[account!.id] = (counts[account!.id] ?? 0) + 1;
    onPick?.(account!.id);
  }
  return counts;
}

describe("round-robin", () => {
  test("spreads evenly, honouring weights, without bursts", () => {
    const { pool: p } = pool("round-robin", [{ id: "a", weight: 3 }, { id: "b", weight: 1 }, { id: "c", weight: 1 }]);
    const order: string[] = [];
    expect(spread(p, 50, undefined, (id) => order.push(id))).toEqual({ a: 30, b: 10, c: 10 });
    // Smooth: the heavy account never takes more than its share in a row.
    expect(order.join("")).not.toContain("aaaa");
  });
});

describe("sticky", () => {
  test("a conversation stays on its account while it is healthy, moves while it rests, and comes back after", () => {
    const { pool: p } = pool("sticky", [{ id: "a" }, { id: "b" }, { id: "c" }]);
    const first = p.pick("g", "m", { tried: new Set(), conversation: "conv-1" }).account!;
    for (let index = 0; index < 5; index++) {
      expect(p.pick("g", "m", { tried: new Set(), conversation: "conv-1" }).account!.id).toBe(first.id);
    }
    p.reportFailure(first, "m", new GatewayError("rate_limit", "slow", { retryAfterMs: 60_000 }));
    const moved = p.pick("g", "m", { tried: new Set([first.id]), conversation: "conv-1" }).account!;
    expect(moved.id).not.toBe(first.id);
    expect(p.pick("g", "m", { tried: new Set(), conversation: "conv-1" }).account!.id).toBe(moved.id);
    // Once the first account is free again, the conversation is back where it started.
    expect(p.pick("g", "m", { tried: new Set(), conversation: "conv-1", now: Date.now() + 120_000 }).account!.id).toBe(first.id);
  });

  test("every pool (every replica) sends a conversation to the same account, and spreads conversations by weight", () => {
    const accounts = [{ id: "a", weight: 2 }, { id: "b" }, { id: "c" }];
    const one = pool("sticky", accounts).pool;
    const other = pool("sticky", accounts).pool;
    const counts: Record<string, number> = {};
    for (let index = 0; index < 2000; index++) {
      const conversation = `conv-${index}`;
      const chosen = one.pick("g", "m", { tried: new Set(), conversation }).account!.id;
      expect(other.pick("g", "m", { tried: new Set(), conversation }).account!.id).toBe(chosen);
      counts[chosen] = (counts[chosen] ?? 0) + 1;
    }
    // Half to the account of weight 2, a quarter to each other (within a few percent).
    expect(Math.abs(counts.a! - 1000)).toBeLessThan(100);
    expect(Math.abs(counts.b! - 500)).toBeLessThan(80);
    expect(Math.abs(counts.c! - 500)).toBeLessThan(80);
  });

  test("when an account rests, only its conversations move", () => {
    const { pool: p } = pool("sticky", [{ id: "a" }, { id: "b" }, { id: "c" }]);
    const before = new Map(Array.from({ length: 300 }, (_, index) => [`conv-${index}`, p.pick("g", "m", { tried: new Set(), conversation: `conv-${index}` }).account!.id]));
    const a = p.accounts("g").find((account) => account.id === "a")!;
    p.reportFailure(a, "m", new GatewayError("rate_limit", "slow", { retryAfterMs: 60_000 }));
    for (const [conversation, was] of before) {
      const now = p.pick("g", "m", { tried: new Set(), conversation }).account!.id;
      if (was === "a") expect(now).not.toBe("a");
      else expect(now).toBe(was);
    }
  });
});

describe("least-used", () => {
  test("the account with most of its daily budget left, then the fewest requests today", () => {
    const { pool: p } = pool("least-used", [
      { id: "small", dailyRequestLimit: 10 },
      { id: "big", dailyRequestLimit: 100 },
      { id: "free" },
    ]);
    // Unlimited accounts have the most left; among the rest, the bigger budget first.
    const first = p.pick("g", "m", { tried: new Set() }).account!;
    expect(first.id).toBe("free");
    p.reportSuccess(first, "m");
    expect(p.pick("g", "m", { tried: new Set(["free"]) }).account!.id).toBe("big");
  });

  test("without limits, the fewest requests today", () => {
    const { pool: p } = pool("least-used", [{ id: "a" }, { id: "b" }]);
    const a = p.accounts("g").find((account) => account.id === "a")!;
    for (let index = 0; index < 3; index++) p.reportSuccess(a, "m");
    expect(spread(p, 3)).toEqual({ b: 3 });
  });
});

describe("priority", () => {
  test("fills the lowest priority number first; the next only while those rest", () => {
    const { pool: p } = pool("priority", [{ id: "paid", priority: 5 }, { id: "free-1" }, { id: "free-2" }]);
    expect(spread(p, 10)).toEqual({ "free-1": 5, "free-2": 5 });
    for (const account of p.accounts("g").filter((account) => account.priority === 0)) {
      p.reportFailure(account, "m", new GatewayError("rate_limit", "slow", { retryAfterMs: 60_000 }));
    }
    expect(spread(p, 3)).toEqual({ paid: 3 });
  });
});

describe("daily limits and accounts that need attention", () => {
  test("an account at its daily request limit rests until UTC midnight", () => {
    const { pool: p } = pool("round-robin", [{ id: "a", dailyRequestLimit: 2 }]);
    const a = p.accounts("g")[0]!;
    p.reportSuccess(a, "m");
    p.reportSuccess(a, "m");
    const now = Date.now();
    const result = p.pick("g", "m", { tried: new Set(), now });
    expect(result.account).toBeUndefined();
    const midnight = new Date(now);
    expect(result).toMatchObject({
      reason: "daily limit reached",
      cooldownUntil: Date.UTC(midnight.getUTCFullYear(), midnight.getUTCMonth(), midnight.getUTCDate() + 1),
    });
  });

  test("a token limit counts recorded usage", () => {
    const { pool: p } = pool("round-robin", [{ id: "a", dailyTokenLimit: 100 }, { id: "b" }]);
    p.recordUsage("g", "a", "m", { input: { total: 60 }, output: { total: 45 } });
    expect(spread(p, 2)).toEqual({ b: 2 });
  });

  test("rejected credentials take the account out, persistently, until reset", () => {
    const { pool: p, store } = pool("round-robin", [{ id: "a" }, { id: "b" }]);
    const a = p.accounts("g").find((account) => account.id === "a")!;
    expect(p.reportFailure(a, "m", new GatewayError("upstream", "API key not valid", { code: "upstream_unauthorized", retryable: true }))).toBe(0);
    expect(spread(p, 3)).toEqual({ b: 3 });
    store.flush();
    expect(store.accounts.get("g", "a")?.disabledReason).toBe("needs attention: API key not valid");
    p.reload();
    expect(spread(p, 2)).toEqual({ b: 2 });
    store.accounts.reset("g", "a");
    p.reload();
    expect(Object.keys(spread(p, 4)).sort()).toEqual(["a", "b"]);
  });

  test("usage persists: a restart remembers today's requests", () => {
    const path = join(mkdtempSync(join(tmpdir(), "agw-usage-")), "agw.db");
    const store = SqliteStore.open(path);
    store.accounts.syncFromConfig([{ provider: "g", id: "a", credentials: { apiKey: "k" }, enabled: true, weight: 1, priority: 0, dailyRequestLimit: 1 }]);
    const first = new AccountPool(store, policy, new Set());
    const a = first.accounts("g")[0]!;
    first.reportSuccess(a, "m");
    first.recordUsage("g", "a", "m", { input: { total: 5 }, output: { total: 7 } });
    store.close();
    const reopened = SqliteStore.open(path);
    stores.push(reopened);
    expect(new AccountPool(reopened, policy, new Set()).pick("g", "m", { tried: new Set() }).account).toBeUndefined();
  });
});
