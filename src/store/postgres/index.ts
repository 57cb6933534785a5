import { SQL } from "bun";
import type { Retention, SharedUsage, Store, StoreOptions } from "../index.ts";
import { utcDay } from "../account-usage.ts";
import { SecretBox, SecretCodec, SecretKeyError } from "../secret-box.ts";
import type { Awaitable } from "../../util/awaitable.ts";
import { log } from "../../util/logger.ts";
import { ACCOUNT_STATE_CHANNEL, PostgresAccountStateStore, PostgresAccountUsageStore } from "./account-records.ts";
import { PostgresAccountStore } from "./accounts.ts";
import { PostgresClientKeyStore } from "./client-keys.ts";
import { RETENTION_LOCK } from "./locks.ts";
import { migratePostgres } from "./migrate.ts";
import { PostgresOAuthTokenStore } from "./oauth-tokens.ts";
import { PostgresRequestLogStore } from "./request-logs.ts";
import { PostgresResponseStore } from "./responses.ts";

/** Today's (and this minute's) usage totals as read from Postgres: what the next read is compared with. */
interface Totals {
  day: string;
  accounts: Map<string, { requests: number; tokens: number }>;
  keys: Map<string, { requests: number; tokens: number; costUsd: number }>;
  minute: number;
  minutes: Map<string, { requests: number; tokens: number }>;
}

/** The channel migration 2's triggers announce account and key changes on. */
const CHANGES_CHANNEL = "agw_changes";

/** How often a replica writes what it queued and reads what the others did, when nothing tells it sooner. */
export const SYNC_INTERVAL_MS = 1_000;

/** Deferred writes (an account taken out) kept while Postgres is away; beyond this the oldest are dropped. */
const MAX_DEFERRED = 10_000;


/**
 * The store on a Postgres server, shared by every replica pointing at it.
 * The request path still works from memory only: writes queue here and go
 * out once a second (`SYNC_INTERVAL_MS`) — usage as atomic increments, log
 * rows 64 to an INSERT, cooldowns with a NOTIFY — and in the same beat the
 * replica reads what the others did: a fingerprint of the accounts, keys
 * and cooldowns (a change reloads them; LISTEN brings it sooner), and the
 * usage totals of today and of this minute, whose growth beyond its own
 * writes is the other replicas' share (`onSharedUsage`). While Postgres is away, writes stay queued
 * (bounded) and `problem()` says why; they go out when it is back.
 */
export class PostgresStore implements Store {
  readonly kind = "postgres";
  readonly accounts: PostgresAccountStore;
  readonly accountState: PostgresAccountStateStore;
  readonly requestLogs: PostgresRequestLogStore;
  readonly responses: PostgresResponseStore;
  readonly usage: PostgresAccountUsageStore;
  readonly oauthTokens: PostgresOAuthTokenStore;
  readonly clientKeys: PostgresClientKeyStore;

  private version = 0;
  private fingerprint: string | undefined;
  private readonly changeListeners = new Set<() => void>();
  private readonly usageListeners = new Set<(usage: SharedUsage) => void>();
  private deferred: Array<() => Awaitable<unknown>> = [];
  private syncing: Promise<void> | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private subscriptions: Array<{ unlisten(): Promise<void> }> = [];
  private lastFailure: string | undefined;
  private closed = false;
  private seen: Totals = { day: "", accounts: new Map(), keys: new Map(), minute: 0, minutes: new Map() };

  private constructor(
    private readonly sql: SQL,
    options: StoreOptions,
  ) {
    const secrets = new SecretCodec(options.secretKey ? SecretBox.fromBase64(options.secretKey) : undefined);
    this.accounts = new PostgresAccountStore(sql, secrets);
    this.accountState = new PostgresAccountStateStore(sql);
    this.requestLogs = new PostgresRequestLogStore(sql);
    this.responses = new PostgresResponseStore(sql);
    this.usage = new PostgresAccountUsageStore(sql);
    this.oauthTokens = new PostgresOAuthTokenStore(sql, secrets);
    this.clientKeys = new PostgresClientKeyStore(sql);
  }

  /**
   * Connects, migrates (once across replicas), checks that the stored
   * credentials open with the secrets key, and starts listening and syncing.
   */
  static async open(url: string, options: StoreOptions = {}, syncIntervalMs = SYNC_INTERVAL_MS): Promise<PostgresStore> {
    const sql = new SQL(url, { max: 8, connectionTimeout: 10 });
    const store = new PostgresStore(sql, options);
    try {
      await migratePostgres(sql);
      // Opens every stored credential: a wrong secrets.key fails here, not on the first request.
      await store.accounts.secureAtRest();
      await store.oauthTokens.secureAtRest();
      ({ fingerprint: store.fingerprint, totals: store.seen } = await store.readShared());
      if (options.watch === false) return store;
      const changed = () => store.noticeChange();
      for (const channel of [CHANGES_CHANNEL, ACCOUNT_STATE_CHANNEL]) {
        // A dropped LISTEN connection comes back by itself (and `onlisten` runs again): changes missed meanwhile are re-read.
        store.subscriptions.push(await sql.listen(channel, changed, changed));
      }
    } catch (error) {
      await sql.close().catch(() => {});
      if (error instanceof SecretKeyError) throw error;
      throw new Error(`could not open the Postgres database ${where(url)}: ${(error as Error).message}`);
    }
    // A beat still running (Postgres slow, or away and timing out) is not queued behind: the next tick after it does the work.
    store.timer = setInterval(() => {
      if (store.syncing === undefined) void store.sync();
    }, syncIntervalMs);
    store.timer.unref?.();
    return store;
  }

  externalVersion(): number {
    return this.version;
  }

  onExternalChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  onSharedUsage(listener: (usage: SharedUsage) => void): () => void {
    this.usageListeners.add(listener);
    return () => this.usageListeners.delete(listener);
  }

  defer(write: () => Awaitable<unknown>): void {
    if (this.closed) return;
    if (this.deferred.length >= MAX_DEFERRED) this.deferred.shift();
    this.deferred.push(write);
  }

  get queuedWrites(): number {
    return this.requestLogs.size + this.responses.size + this.deferred.length;
  }

  problem(): string | undefined {
    if (this.closed) return "the database is closed";
    return this.lastFailure === undefined ? undefined : `the last write to Postgres failed: ${this.lastFailure}`;
  }

  /** What SQLite's store prunes, by one replica at a time: the others find the lock taken and leave it to that one. */
  async applyRetention(retention: Retention): Promise<void> {
    const connection = await this.sql.reserve();
    try {
      const [row] = (await connection`SELECT pg_try_advisory_lock(${RETENTION_LOCK}) AS locked`) as Array<{ locked: boolean }>;
      if (!row?.locked) return;
      try {
        await this.requestLogs.prune(retention.logsBefore);
        await this.responses.prune(retention.responsesBefore);
        await this.responses.limitBytes(retention.responsesMaxBytes);
      } finally {
        await connection`SELECT pg_advisory_unlock(${RETENTION_LOCK})`;
      }
    } finally {
      connection.release();
    }
  }

  /** Writes what is queued now (one sync beat); rejects when Postgres cannot take it. */
  async flush(): Promise<void> {
    await this.sync();
    if (this.lastFailure !== undefined) throw new Error(`could not write to Postgres: ${this.lastFailure}`);
  }

  /** Writes what is queued (when Postgres takes it) and disconnects; bounded in time, so a shutdown never hangs on an absent server. */
  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    const within = (work: Promise<unknown>, ms: number) => Promise.race([work.catch(() => {}), Bun.sleep(ms)]);
    await within(this.sync(), 10_000);
    this.closed = true;
    await within(Promise.all(this.subscriptions.map((subscription) => subscription.unlisten())), 2_000);
    await within(this.sql.close({ timeout: 5 }), 6_000);
  }

  /** A beat: every queued write, then what the others did. Beats never overlap; a beat asked for during one waits for it and runs after. */
  private sync(): Promise<void> {
    if (this.closed) return Promise.resolve();
    const previous = this.syncing ?? Promise.resolve();
    const next = previous.then(() => this.beat());
    this.syncing = next.finally(() => {
      if (this.syncing === settled) this.syncing = undefined;
    });
    const settled = this.syncing;
    return next;
  }

  private async beat(): Promise<void> {
    try {
      await this.accountState.flush();
      await this.usage.flush();
      await this.clientKeys.flush();
      while (this.deferred.length > 0) {
        await this.deferred[0]!();
        this.deferred.shift();
      }
      await this.responses.flush();
      await this.requestLogs.flush();
      const { fingerprint, totals } = await this.readShared();
      if (fingerprint !== this.fingerprint) {
        this.fingerprint = fingerprint;
        this.noticeChange();
      }
      this.shareUsage(totals);
      if (this.lastFailure !== undefined) log.info("agw: Postgres takes writes again; what was queued has been written");
      this.lastFailure = undefined;
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      if (this.lastFailure === undefined) log.error(`agw: could not write to Postgres (writes stay queued and are retried every second): ${message}`);
      this.lastFailure = message;
    }
  }

  private noticeChange(): void {
    this.version++;
    for (const listener of [...this.changeListeners]) listener();
  }

  /**
   * What the others did, in one round trip: a fingerprint of the accounts,
   * keys and cooldowns (a change shows in these numbers whoever made it: the
   * fallback when a NOTIFY was missed), and today's usage totals per account
   * and per key.
   */
  private async readShared(): Promise<{ fingerprint: string; totals: Totals }> {
    const now = Date.now();
    const day = utcDay(now);
    const minute = now - (now % 60_000);
    const [row] = (await this.sql`
      SELECT (SELECT count(*) || ':' || COALESCE(max(updated_at), 0) FROM accounts) || '/' ||
             (SELECT count(*) || ':' || COALESCE(max(updated_at), 0) FROM client_keys) || '/' ||
             (SELECT count(*) || ':' || COALESCE(max(updated_at), 0) FROM account_state) AS fingerprint,
             (SELECT COALESCE(json_agg(json_build_array(provider, account_id, requests, tokens)), '[]')::text FROM (
                SELECT provider, account_id, SUM(requests) AS requests, SUM(input_tokens + output_tokens) AS tokens
                FROM account_usage WHERE day = ${day} GROUP BY provider, account_id) a) AS accounts,
             (SELECT COALESCE(json_agg(json_build_array(key_id, requests, input_tokens + output_tokens, cost_usd)), '[]')::text
                FROM client_key_usage WHERE day = ${day}) AS keys,
             (SELECT COALESCE(json_agg(json_build_array(key_id, requests, tokens)), '[]')::text
                FROM client_key_minutes WHERE minute = ${minute}) AS minutes`) as Array<{ fingerprint: string; accounts: string; keys: string; minutes: string }>;
    const accounts = JSON.parse(row!.accounts) as Array<[string, string, number | string, number | string]>;
    const keys = JSON.parse(row!.keys) as Array<[string, number | string, number | string, number]>;
    const minutes = JSON.parse(row!.minutes) as Array<[string, number | string, number | string]>;
    return {
      fingerprint: row!.fingerprint,
      totals: {
        day,
        accounts: new Map(accounts.map(([provider, id, requests, tokens]) => [`${provider}\u0000${id}`, { requests: Number(requests), tokens: Number(tokens) }])),
        keys: new Map(keys.map(([id, requests, tokens, costUsd]) => [id, { requests: Number(requests), tokens: Number(tokens), costUsd: Number(costUsd) }])),
        minute,
        minutes: new Map(minutes.map(([id, requests, tokens]) => [id, { requests: Number(requests), tokens: Number(tokens) }])),
      },
    };
  }

  /**
   * What the other replicas added since the last read: today's totals now,
   * less those read last time, less what this replica wrote in between.
   * Reads and writes take turns (one beat at a time), so the difference is
   * exactly the others' share.
   */
  private shareUsage(now: Totals): void {
    const before = this.seen;
    this.seen = now;
    const ownAccounts = new Map<string, { requests: number; tokens: number }>();
    for (const row of this.usage.pending.takeWritten()) {
      if (row.day !== now.day) continue;
      const key = `${row.provider}\u0000${row.accountId}`;
      const own = ownAccounts.get(key) ?? { requests: 0, tokens: 0 };
      own.requests += row.requests;
      own.tokens += row.inputTokens + row.outputTokens;
      ownAccounts.set(key, own);
    }
    const ownKeys = new Map(this.clientKeys.pending.takeWritten().filter((row) => row.day === now.day).map((row) => [row.keyId, row]));
    const ownMinutes = new Map(this.clientKeys.minutes.takeWritten().filter((row) => row.minute === now.minute).map((row) => [row.keyId, row]));
    const shared: SharedUsage = { accounts: [], keys: [], minute: { start: now.minute, keys: [] } };
    // In a new minute (or day) since the last read, all the others did in it is new.
    const lastMinutes = before.minute === now.minute ? before.minutes : new Map<string, { requests: number; tokens: number }>();
    const sameDay = before.day === now.day;
    for (const [keyId, total] of now.minutes) {
      const last = lastMinutes.get(keyId) ?? { requests: 0, tokens: 0 };
      const own = ownMinutes.get(keyId);
      const requests = total.requests - last.requests - (own?.requests ?? 0);
      const tokens = total.tokens - last.tokens - (own?.tokens ?? 0);
      if (requests !== 0 || tokens !== 0) shared.minute.keys.push({ keyId, requests: Math.max(0, requests), tokens });
    }
    for (const [key, total] of now.accounts) {
      const last = (sameDay ? before.accounts.get(key) : undefined) ?? { requests: 0, tokens: 0 };
      const own = ownAccounts.get(key) ?? { requests: 0, tokens: 0 };
      const requests = total.requests - last.requests - own.requests;
      const tokens = total.tokens - last.tokens - own.tokens;
      if (requests <= 0 && tokens <= 0) continue;
      const [provider, accountId] = key.split("\u0000") as [string, string];
      shared.accounts.push({ provider, accountId, requests: Math.max(0, requests), tokens: Math.max(0, tokens) });
    }
    for (const [keyId, total] of now.keys) {
      const last = (sameDay ? before.keys.get(keyId) : undefined) ?? { requests: 0, tokens: 0, costUsd: 0 };
      const own = ownKeys.get(keyId);
      const requests = total.requests - last.requests - (own?.requests ?? 0);
      const tokens = total.tokens - last.tokens - (own === undefined ? 0 : own.inputTokens + own.outputTokens);
      const costUsd = total.costUsd - last.costUsd - (own?.costUsd ?? 0);
      if (requests <= 0 && tokens <= 0 && costUsd <= 1e-12) continue;
      shared.keys.push({ keyId, requests: Math.max(0, requests), tokens: Math.max(0, tokens), costUsd: Math.max(0, costUsd) });
    }
    if (shared.accounts.length === 0 && shared.keys.length === 0 && shared.minute.keys.length === 0) return;
    for (const listener of [...this.usageListeners]) listener(shared);
  }
}

/** A Postgres URL as named in messages: user, host, port and database, never the password. */
function where(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.username === "" ? "" : `${decodeURIComponent(parsed.username)}@`}${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
  } catch {
    return "(the URL in database)";
  }
}
