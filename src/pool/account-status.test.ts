import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteStore, utcDay, type NewAccount } from "../store/index.ts";
import { accountStatuses } from "./account-status.ts";

const NOW = Date.parse("2025-06-01T12:00:00Z");
let dir: string;
let store: SqliteStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "agw-status-"));
  store = SqliteStore.open(join(dir, "agw.db"));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function account(id: string, extra: Partial<NewAccount> = {}): NewAccount {
  return { provider: "gemini", id, credentials: { apiKey: `sk-${id}-secret` }, enabled: true, weight: 1, priority: 0, ...extra };
}

const status = async (id: string, provider = "gemini") => (await accountStatuses(store, NOW)).find((s) => s.provider === provider && s.id === id)!;

test("a fresh account is ready, with zero usage and no secret anywhere", async () => {
  store.accounts.add(account("a", { models: ["m1"], dailyRequestLimit: 10, weight: 2, priority: 1 }));
  const statuses = await accountStatuses(store, NOW);
  expect(statuses).toEqual([
    {
      provider: "gemini",
      id: "a",
      source: "cli",
      enabled: true,
      state: "ready",
      weight: 2,
      priority: 1,
      models: ["m1"],
      credentials: "api key",
      limits: { requests: 10 },
      today: { requests: 0, inputTokens: 0, outputTokens: 0 },
      cooldowns: [],
      failures: 0,
    },
  ]);
  expect(JSON.stringify(statuses)).not.toContain("secret");
});

test("config-sourced accounts and the kind of credentials", async () => {
  store.accounts.syncFromConfig([
    account("key"),
    account("grant", {
      credentials: { oauth: { tokenUrl: "https://x.test/token", clientId: "c", clientSecret: "oauth-secret", refreshToken: "rt-secret" } },
    }),
    account("bare", { credentials: {} }),
  ]);
  expect(await status("key")).toMatchObject({ source: "config", credentials: "api key", state: "ready" });
  expect(await status("grant")).toMatchObject({ credentials: "oauth", state: "ready" });
  expect(await status("bare")).toMatchObject({ credentials: "none", state: "no credentials" });
  expect(JSON.stringify((await accountStatuses(store, NOW)))).not.toContain("secret");
});

test("running cooldowns are listed, expired ones ignored; failures summed", async () => {
  store.accounts.add(account("a"));
  store.accountState.save({ provider: "gemini", accountId: "a", model: "m1", cooldownUntil: NOW + 60_000, reason: "rate limited", failures: 2 });
  store.accountState.save({ provider: "gemini", accountId: "a", model: "m2", cooldownUntil: NOW - 1, reason: "old", failures: 1 });
  store.accountState.save({ provider: "gemini", accountId: "a", model: "m3", cooldownUntil: NOW + 5_000, reason: "transient", failures: 0 });
  store.flush();
  const a = await status("a");
  expect(a.state).toBe("cooling");
  expect(a.failures).toBe(3);
  expect(a.cooldowns).toEqual([
    { model: "m3", until: NOW + 5_000, remainingMs: 5_000, reason: "transient" },
    { model: "m1", until: NOW + 60_000, remainingMs: 60_000, reason: "rate limited" },
  ]);
  expect(a.reason).toBe("m3: transient");
});

test("a cooldown for every model is shown as '*' and named first", async () => {
  store.accounts.add(account("a"));
  store.accountState.save({ provider: "gemini", accountId: "a", model: "m1", cooldownUntil: NOW + 1_000, reason: "rate limited", failures: 1 });
  store.accountState.save({ provider: "gemini", accountId: "a", model: "", cooldownUntil: NOW + 90_000, reason: "quota", failures: 1 });
  store.flush();
  const a = await status("a");
  expect(a.cooldowns.map((c) => c.model)).toEqual(["*", "m1"]);
  expect(a.reason).toBe("every model: quota");
  // Once every cooldown has run out the account is ready again.
  expect((await accountStatuses(store, NOW + 90_000))[0]!.state).toBe("ready");
});

test("usage today is summed over models; other days and accounts are not counted", async () => {
  store.accounts.add(account("a", { dailyTokenLimit: 1000 }));
  store.accounts.add(account("b"));
  const today = utcDay(NOW);
  store.usage.record({ provider: "gemini", accountId: "a", model: "m1", day: today, requests: 2, inputTokens: 100, outputTokens: 50 });
  store.usage.record({ provider: "gemini", accountId: "a", model: "m2", day: today, requests: 1, inputTokens: 10, outputTokens: 5 });
  store.usage.record({ provider: "gemini", accountId: "a", model: "m1", day: "2025-05-31", requests: 9, inputTokens: 900, outputTokens: 900 });
  store.usage.record({ provider: "gemini", accountId: "b", model: "m1", day: today, requests: 4, inputTokens: 1, outputTokens: 1 });
  store.flush();
  expect((await status("a")).today).toEqual({ requests: 3, inputTokens: 110, outputTokens: 55 });
  expect((await status("a")).state).toBe("ready");
  expect((await status("b")).today).toEqual({ requests: 4, inputTokens: 1, outputTokens: 1 });
});

test.each([
  ["requests", { dailyRequestLimit: 3 }, "daily request limit of 3 reached"],
  ["tokens", { dailyTokenLimit: 150 }, "daily token limit of 150 reached"],
])("limit reached on %s", async (_name, limits, reason) => {
  store.accounts.add(account("a", limits));
  store.usage.record({ provider: "gemini", accountId: "a", model: "m", day: utcDay(NOW), requests: 3, inputTokens: 100, outputTokens: 50 });
  store.flush();
  expect(await status("a")).toMatchObject({ state: "limit reached", reason });
});

test("needs attention beats disabled, disabled beats limits and cooldowns", async () => {
  store.accounts.add(account("a", { dailyRequestLimit: 1 }));
  store.usage.record({ provider: "gemini", accountId: "a", model: "m", day: utcDay(NOW), requests: 1, inputTokens: 0, outputTokens: 0 });
  store.accountState.save({ provider: "gemini", accountId: "a", model: "", cooldownUntil: NOW + 1_000, reason: "x", failures: 1 });
  store.flush();
  expect((await status("a")).state).toBe("limit reached");
  store.accounts.setEnabled("gemini", "a", false);
  expect(await status("a")).toMatchObject({ state: "disabled", enabled: false });
  expect((await status("a")).reason).toBeUndefined();
  store.accounts.setDisabledReason("gemini", "a", "API key rejected (401)");
  expect(await status("a")).toMatchObject({ state: "needs attention", reason: "API key rejected (401)" });
  store.accounts.reset("gemini", "a");
  expect(await status("a")).toMatchObject({ state: "disabled", cooldowns: [], failures: 0 });
});

test("accounts are told apart by provider", async () => {
  store.accounts.add(account("same"));
  store.accounts.add(account("same", { provider: "openai" }));
  store.accountState.save({ provider: "openai", accountId: "same", model: "", cooldownUntil: NOW + 1_000, reason: "x", failures: 1 });
  store.flush();
  expect((await status("same", "gemini")).state).toBe("ready");
  expect((await status("same", "openai")).state).toBe("cooling");
  expect((await accountStatuses(store, NOW)).map((s) => `${s.provider}/${s.id}`)).toEqual(["gemini/same", "openai/same"]);
});
