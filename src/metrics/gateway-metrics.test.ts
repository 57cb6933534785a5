import { afterEach, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GatewayError } from "../ir/errors.ts";
import { AccountPool, type PoolAccount } from "../pool/account-pool.ts";
import { SqliteStore } from "../store/index.ts";
import { GatewayMetrics } from "./gateway-metrics.ts";

const NOW = 1_800_000_000_000;
const stores: SqliteStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

/** A real store and pool: accounts a and b ready, off-c switched off, nokey-d without credentials; the mock provider accountless. */
function poolWith() {
  const store = SqliteStore.open(join(mkdtempSync(join(tmpdir(), "agw-metrics-")), "agw.db"));
  stores.push(store);
  store.accounts.syncFromConfig(
    ["a", "b", "off-c", "nokey-d"].map((id) => ({
      provider: "g",
      id,
      credentials: id.startsWith("nokey") ? {} : { apiKey: `k-${id}` },
      enabled: !id.startsWith("off"),
      weight: 1,
      priority: 0,
    })),
  );
  const pool = new AccountPool(store, { defaultCooldownMs: 30_000, maxCooldownMs: 30 * 60_000 }, new Set(["demo"]));
  return { store, pool };
}

const series = (text: string, name: string) => text.split("\n").filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));

test("accounts by state and each running cooldown come from the pool's memory", () => {
  const { pool } = poolWith();
  const a = pool.accounts("g").find((account) => account.id === "a") as PoolAccount;
  pool.reportFailure(a, "m", new GatewayError("rate_limit", "slow down", { retryAfterMs: 12_500, retryable: true }), NOW);
  const metrics = new GatewayMetrics({ inflight: () => 3, pool: { snapshot: () => pool.snapshot(NOW) }, logQueueDepth: () => 7 });
  const text = metrics.render();
  expect(series(text, "agw_accounts")).toEqual([
    'agw_accounts{provider="g",state="ready"} 1',
    'agw_accounts{provider="g",state="cooling"} 1',
    'agw_accounts{provider="g",state="needs_attention"} 1',
    'agw_accounts{provider="g",state="disabled"} 1',
    'agw_accounts{provider="demo",state="ready"} 1',
    'agw_accounts{provider="demo",state="cooling"} 0',
    'agw_accounts{provider="demo",state="needs_attention"} 0',
    'agw_accounts{provider="demo",state="disabled"} 0',
  ]);
  expect(series(text, "agw_account_cooldown_seconds")).toEqual(['agw_account_cooldown_seconds{provider="g",account="a",model="m"} 12.5']);
  expect(series(text, "agw_inflight_requests")).toEqual(["agw_inflight_requests 3"]);
  expect(series(text, "agw_log_queue_depth")).toEqual(["agw_log_queue_depth 7"]);
});

test("an account the pool takes out of rotation shows as needing attention", () => {
  const { pool } = poolWith();
  const b = pool.accounts("g").find((account) => account.id === "b") as PoolAccount;
  pool.reportFailure(b, "m", new GatewayError("authentication", "bad key", { upstreamStatus: 401, code: "upstream_unauthorized" }), NOW);
  const states = pool.snapshot(NOW).map((account) => `${account.provider}/${account.id}:${account.state}`);
  expect(states.sort()).toEqual(["demo/local:ready", "g/a:ready", "g/b:needs_attention", "g/nokey-d:needs_attention", "g/off-c:disabled"]);
});

test("tokens count input, output, cached and reasoning; attempts by outcome; a request no provider served has no tokens", () => {
  const metrics = new GatewayMetrics({ inflight: () => 0, pool: { snapshot: () => [] }, logQueueDepth: () => 0 });
  metrics.record(
    {
      id: "1",
      startedAt: NOW,
      route: "/v1/messages",
      protocol: "anthropic",
      provider: "claude",
      mappedModel: "claude-sonnet-4-5",
      accountId: "work",
      stream: true,
      status: 200,
      latencyMs: 1200,
      ttfbMs: 300,
      attempts: 2,
      warnings: [
        { code: "thinking_dropped_unsigned_history", message: "thinking was left out for this turn" },
        { code: "signatures_stripped_after_refusal", message: "retried once without the history's signatures" },
      ],
      attemptDetails: [
        { accountId: "home", status: 429, errorClass: "rate_limit_exceeded" },
        { accountId: "work", status: 200 },
      ],
    },
    { input: { total: 100, cacheRead: 60 }, output: { total: 40, reasoning: 10 } },
  );
  metrics.record(
    { id: "2", startedAt: NOW, route: "/v1/messages", protocol: "anthropic", stream: false, status: 200, attempts: 0, intercepted: "warmup", latencyMs: 0 },
    { input: { total: 1 }, output: { total: 1 } },
  );
  const text = metrics.render();
  expect(series(text, "agw_tokens_total")).toEqual([
    'agw_tokens_total{provider="claude",model="claude-sonnet-4-5",account="work",direction="input"} 100',
    'agw_tokens_total{provider="claude",model="claude-sonnet-4-5",account="work",direction="output"} 40',
    'agw_tokens_total{provider="claude",model="claude-sonnet-4-5",account="work",direction="cached"} 60',
    'agw_tokens_total{provider="claude",model="claude-sonnet-4-5",account="work",direction="reasoning"} 10',
  ]);
  expect(series(text, "agw_upstream_attempts_total")).toEqual([
    'agw_upstream_attempts_total{provider="claude",account="home",outcome="rate_limited"} 1',
    'agw_upstream_attempts_total{provider="claude",account="work",outcome="ok"} 1',
  ]);
  expect(series(text, "agw_intercepted_total")).toEqual(['agw_intercepted_total{kind="warmup"} 1']);
  expect(series(text, "agw_signatures_dropped_total")).toEqual(["agw_signatures_dropped_total 1"]);
  expect(series(text, "agw_signatures_retried_total")).toEqual(["agw_signatures_retried_total 1"]);
  expect(text).toContain('agw_time_to_first_byte_seconds_bucket{protocol="anthropic",provider="claude",le="0.25"} 0\n');
  expect(text).toContain('agw_time_to_first_byte_seconds_bucket{protocol="anthropic",provider="claude",le="0.5"} 1\n');
  expect(text).toContain('agw_request_duration_seconds_sum{protocol="anthropic",provider="claude"} 1.2\n');
  expect(text).toContain('agw_request_duration_seconds_count{protocol="anthropic",provider="none"} 1\n');
});

test("requests of different kinds add to the series they share and only those: a status, a key or an account apart", () => {
  const metrics = new GatewayMetrics({ inflight: () => 0, pool: { snapshot: () => [] }, logQueueDepth: () => 0 });
  const row = (id: string, status: number, accountId: string, keyId: string | undefined, latencyMs: number) => ({
    id,
    startedAt: NOW,
    route: "/v1/chat/completions",
    protocol: "openai-chat",
    provider: "g",
    mappedModel: "gemini-2.5-flash",
    accountId,
    stream: false,
    status,
    latencyMs,
    attempts: 1,
    attemptDetails: [{ accountId, status }],
    costUsd: 0.5,
    ...(keyId !== undefined ? { keyId } : {}),
  });
  const usage = { input: { total: 10 }, output: { total: 2 } };
  metrics.record(row("1", 200, "a", "team", 0.1), usage);
  metrics.record(row("2", 200, "a", "team", 0.2), usage);
  metrics.record(row("3", 500, "a", "team", 0.3), undefined);
  metrics.record(row("4", 200, "b", "team", 0.4), usage);
  metrics.record(row("5", 200, "a", undefined, 0.5), usage);
  const text = metrics.render();
  expect(series(text, "agw_requests_total")).toEqual([
    'agw_requests_total{route="/v1/chat/completions",protocol="openai-chat",provider="g",model="gemini-2.5-flash",status="200"} 4',
    'agw_requests_total{route="/v1/chat/completions",protocol="openai-chat",provider="g",model="gemini-2.5-flash",status="500"} 1',
  ]);
  expect(series(text, "agw_tokens_total")).toEqual([
    'agw_tokens_total{provider="g",model="gemini-2.5-flash",account="a",direction="input"} 30',
    'agw_tokens_total{provider="g",model="gemini-2.5-flash",account="a",direction="output"} 6',
    'agw_tokens_total{provider="g",model="gemini-2.5-flash",account="b",direction="input"} 10',
    'agw_tokens_total{provider="g",model="gemini-2.5-flash",account="b",direction="output"} 2',
  ]);
  expect(series(text, "agw_spend_usd_total")).toEqual(['agw_spend_usd_total{provider="g",model="gemini-2.5-flash"} 2.5']);
  expect(series(text, "agw_key_requests_total")).toEqual(['agw_key_requests_total{key="team",status="200"} 3', 'agw_key_requests_total{key="team",status="500"} 1']);
  expect(series(text, "agw_key_tokens_total")).toEqual(['agw_key_tokens_total{key="team",direction="input"} 30', 'agw_key_tokens_total{key="team",direction="output"} 6']);
  expect(series(text, "agw_key_spend_usd_total")).toEqual(['agw_key_spend_usd_total{key="team"} 2']);
  expect(text).toContain('agw_request_duration_seconds_count{protocol="openai-chat",provider="g"} 5\n');
  expect(text).toContain('agw_request_duration_seconds_sum{protocol="openai-chat",provider="g"} 0.0015\n');
});
