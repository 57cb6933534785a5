import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GatewayError } from "../ir/errors.ts";
import { SqliteStore } from "../store/index.ts";
import { AccountPool, type PoolAccount } from "./account-pool.ts";

const policy = { defaultCooldownMs: 30_000, maxCooldownMs: 30 * 60_000 };
const stores: SqliteStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

function poolWith(ids: string[], path = join(mkdtempSync(join(tmpdir(), "agw-pool-")), "agw.db")) {
  const store = SqliteStore.open(path);
  stores.push(store);
  store.accounts.syncFromConfig(
    ids.map((id) => ({ provider: "g", id, credentials: id.startsWith("nokey") ? {} : { apiKey: `k-${id}` }, enabled: !id.startsWith("off"), weight: 1, priority: 0 })),
  );
  return { pool: new AccountPool(store, policy, new Set(["demo"])), store, path };
}

const picked = (pool: AccountPool, tried = new Set<string>(), model = "m") => {
  const result = pool.pick("g", model, { tried: tried });
  return result.account?.id;
};

describe("AccountPool", () => {
  test("round-robin over usable accounts; disabled and keyless ones are skipped", () => {
    const { pool } = poolWith(["a", "b", "off-c", "nokey-d"]);
    expect([picked(pool), picked(pool), picked(pool)]).toEqual(["a", "b", "a"]);
  });

  test("accountless providers get one virtual account", () => {
    const { pool } = poolWith([]);
    expect(pool.pick("demo", "echo", { tried: new Set() }).account?.id).toBe("local");
  });

  test("a rate limit cools that account down for that model only", () => {
    const { pool } = poolWith(["a", "b"]);
    const a = pool.pick("g", "m", { tried: new Set() }).account as PoolAccount;
    pool.reportFailure(a, "m", new GatewayError("rate_limit", "slow down", { retryAfterMs: 10_000, retryable: true }));
    expect([picked(pool), picked(pool)]).toEqual(["b", "b"]);
    expect(picked(pool, new Set(["b"]), "other")).toBe("a");
  });

  test("when every account cools down, pick says until when", () => {
    const { pool } = poolWith(["a"]);
    const a = pool.pick("g", "m", { tried: new Set() }).account as PoolAccount;
    const now = Date.now();
    pool.reportFailure(a, "m", new GatewayError("rate_limit", "slow", { retryAfterMs: 7_000, retryable: true }), now);
    const result = pool.pick("g", "m", { tried: new Set(), now: now + 1 });
    expect(result.account).toBeUndefined();
    expect(result).toMatchObject({ cooldownUntil: now + 7_000, reason: "rate limited" });
    expect(pool.pick("g", "m", { tried: new Set(), now: now + 7_001 }).account?.id).toBe("a");
  });

  test("cooldowns are capped and escalate without a stated delay", () => {
    const { pool } = poolWith(["a"]);
    const a = pool.accounts("g")[0]!;
    const now = 1_000_000;
    pool.reportFailure(a, "m", new GatewayError("rate_limit", "x", { retryAfterMs: 10 * 3_600_000 }), now);
    expect(pool.pick("g", "m", { tried: new Set(), now }).account).toBeUndefined();
    expect(pool.pick("g", "m", { tried: new Set(), now: now + policy.maxCooldownMs + 1 }).account?.id).toBe("a");
    pool.reportFailure(a, "m2", new GatewayError("rate_limit", "x"), now);
    pool.reportFailure(a, "m2", new GatewayError("rate_limit", "x"), now);
    const second = pool.pick("g", "m2", { tried: new Set(), now: now });
    expect(second).toMatchObject({ cooldownUntil: now + 2 * policy.defaultCooldownMs });
  });

  test("bad credentials take the account out for every model", () => {
    const { pool } = poolWith(["a", "b"]);
    const a = pool.accounts("g")[0]!;
    pool.reportFailure(a, "m", new GatewayError("upstream", "key invalid", { code: "upstream_unauthorized", retryable: true }));
    expect([picked(pool, new Set(), "x"), picked(pool, new Set(), "y")]).toEqual(["b", "b"]);
  });

  test("a request's tried accounts are avoided, then repeated when nothing else is left", () => {
    const { pool } = poolWith(["a", "b"]);
    expect(pool.pick("g", "m", { tried: new Set(["a"]) }).account?.id).toBe("b");
    expect(pool.pick("g", "m", { tried: new Set(["a", "b"]) })).toMatchObject({ repeat: true });
  });

  test("success clears the failure streak", () => {
    const { pool } = poolWith(["a"]);
    const a = pool.accounts("g")[0]!;
    const now = 1_000_000;
    pool.reportFailure(a, "m", new GatewayError("rate_limit", "x"), now);
    pool.reportSuccess(a, "m");
    pool.reportFailure(a, "m", new GatewayError("rate_limit", "x"), now);
    expect(pool.pick("g", "m", { tried: new Set(), now })).toMatchObject({ cooldownUntil: now + policy.defaultCooldownMs });
  });

  test("cooldowns survive a restart", () => {
    const { pool, store, path } = poolWith(["a", "b"]);
    const a = pool.accounts("g")[0]!;
    pool.reportFailure(a, "m", new GatewayError("rate_limit", "x", { retryAfterMs: 60_000 }));
    store.close();
    const again = poolWith(["a", "b"], path).pool;
    expect([picked(again), picked(again)]).toEqual(["b", "b"]);
  });

  test("per-account model allow-lists", () => {
    const store = SqliteStore.open(":memory:");
    stores.push(store);
    store.accounts.syncFromConfig([
      { provider: "g", id: "pro-only", credentials: { apiKey: "k" }, enabled: true, weight: 1, priority: 0, models: ["pro"] },
    ]);
    const pool = new AccountPool(store, policy, new Set());
    expect(pool.pick("g", "pro", { tried: new Set() }).account?.id).toBe("pro-only");
    expect(pool.pick("g", "flash", { tried: new Set() })).toMatchObject({ account: undefined, reason: "no account of provider g serves model flash" });
  });
});

describe("AccountPool transient failures", () => {
  test("a 5xx rest yields to healthy accounts but is retried with backoff when it is the last", () => {
    const { pool } = poolWith(["a", "b"]);
    const [a, b] = pool.accounts("g");
    const error = new GatewayError("upstream", "boom", { retryable: true, upstreamStatus: 500 });
    pool.reportFailure(a!, "m", error);
    expect(pool.pick("g", "m", { tried: new Set() })).toMatchObject({ account: { id: "b" }, repeat: false });
    pool.reportFailure(b!, "m", error);
    expect(pool.pick("g", "m", { tried: new Set() })).toMatchObject({ repeat: true });
  });

  test("a rate-limit rest is hard: no retry on that account", () => {
    const { pool } = poolWith(["a"]);
    pool.reportFailure(pool.accounts("g")[0]!, "m", new GatewayError("rate_limit", "x", { retryAfterMs: 5_000 }));
    expect(pool.pick("g", "m", { tried: new Set() }).account).toBeUndefined();
  });
});
