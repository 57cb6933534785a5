import type { Database, Statement } from "bun:sqlite";
import type { WriteQueue } from "./write-queue.ts";
import { tally } from "./tally.ts";
import type { Awaitable } from "../util/awaitable.ts";

/** What a client key may do; every limit unset means no limit. */
export interface ClientKeyLimits {
  /** Owner or purpose, for people. */
  name?: string;
  /** Client model names or `*` globs this key may ask for; unset or empty: every model. */
  models?: string[];
  /** Requests per minute. */
  rpm?: number;
  /** Tokens (input plus output) per minute. */
  tpm?: number;
  /** Requests per UTC day. */
  dailyRequests?: number;
  /** Tokens per UTC day. */
  dailyTokens?: number;
  /** US dollars per calendar month (UTC), by the pricing table. */
  monthlyBudgetUsd?: number;
  /** After this time (ms since the epoch) the key is refused. */
  expiresAt?: number;
  metadata?: Record<string, unknown>;
}

/** A client key as stored: its secret only as a SHA-256 (lowercase hex). */
export interface StoredClientKey extends ClientKeyLimits {
  id: string;
  hash: string;
  enabled: boolean;
  /** Set once the key is revoked: it is refused for good (its usage stays). */
  revokedAt?: number;
  /** `config` (auth.keys, synced at start-up and reload) or `cli` (agw keys, the admin API, the dashboard). */
  source: "config" | "cli";
  createdAt: number;
  updatedAt: number;
}

export interface NewClientKey extends ClientKeyLimits {
  id: string;
  hash: string;
  enabled?: boolean;
}

/** One key's use on one UTC day. */
export interface ClientKeyUsageRow {
  keyId: string;
  day: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** One minute's use of a key: what replicas share so per-minute limits hold across them. */
export interface ClientKeyMinuteRow {
  keyId: string;
  /** The minute's first moment (ms since the epoch). */
  minute: number;
  requests: number;
  /** Tokens reserved at admission, then corrected (up or down) to those used. */
  tokens: number;
}

/** What adds up in a key's usage row. */
export const KEY_USAGE_COUNTS = ["requests", "inputTokens", "outputTokens", "costUsd"] as const;

/** A key's totals over some days. */
export interface ClientKeyTotals {
  requests: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/**
 * What every client-key store does, whichever database holds it: SQLite
 * (ClientKeyStore, synchronous) or Postgres (PostgresClientKeyStore). The
 * shared suite (client-keys.contract.test.ts) runs against both.
 */
export interface ClientKeyRecords {
  list(): Awaitable<StoredClientKey[]>;
  get(id: string): Awaitable<StoredClientKey | undefined>;
  create(key: NewClientKey, source?: StoredClientKey["source"]): Awaitable<boolean>;
  update(id: string, changes: { [K in keyof ClientKeyLimits]?: ClientKeyLimits[K] | null }): Awaitable<boolean>;
  setEnabled(id: string, enabled: boolean): Awaitable<boolean>;
  revoke(id: string): Awaitable<boolean>;
  syncFromConfig(keys: readonly NewClientKey[]): Awaitable<void>;
  /** Adds one request's use; written with the next batch (`flush` writes it now). */
  recordUsage(row: ClientKeyUsageRow): void;
  /** Adds to a key's minute; only stores shared by replicas keep minutes (one gateway counts them in memory). */
  recordMinute?(row: ClientKeyMinuteRow): void;
  flush(): Awaitable<void>;
  usageOn(day: string): Awaitable<Map<string, ClientKeyTotals>>;
  usageSince(fromDay: string): Awaitable<Map<string, ClientKeyTotals>>;
  prune(beforeDay: string): Awaitable<number>;
}

/** The limit fields and their columns: what `set` may change. */
export const LIMIT_COLUMNS = {
  name: "name",
  models: "models",
  rpm: "rpm",
  tpm: "tpm",
  dailyRequests: "daily_requests",
  dailyTokens: "daily_tokens",
  monthlyBudgetUsd: "monthly_budget_usd",
  expiresAt: "expires_at",
  metadata: "metadata",
} as const satisfies Record<keyof ClientKeyLimits, string>;

/** Client keys and their daily usage. Secrets never reach this store: only their hashes. */
export class ClientKeyStore implements ClientKeyRecords {
  private readonly addUsage: Statement;

  constructor(
    private readonly db: Database,
    private readonly queue: WriteQueue,
  ) {
    this.addUsage = db.query(`
      INSERT INTO client_key_usage (key_id, day, requests, input_tokens, output_tokens, cost_usd)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6)
      ON CONFLICT (key_id, day) DO UPDATE SET
        requests = requests + excluded.requests, input_tokens = input_tokens + excluded.input_tokens,
        output_tokens = output_tokens + excluded.output_tokens, cost_usd = cost_usd + excluded.cost_usd`);
  }

  list(): StoredClientKey[] {
    return (this.db.query("SELECT * FROM client_keys ORDER BY created_at, id").all() as Record<string, unknown>[]).map(fromRow);
  }

  get(id: string): StoredClientKey | undefined {
    const row = this.db.query("SELECT * FROM client_keys WHERE id = ?").get(id) as Record<string, unknown> | null;
    return row === null ? undefined : fromRow(row);
  }

  /** Adds a key; false when the id (or the secret) is taken already. */
  create(key: NewClientKey, source: StoredClientKey["source"] = "cli"): boolean {
    if (this.get(key.id) !== undefined) return false;
    if (this.db.query("SELECT 1 FROM client_keys WHERE hash = ?").get(key.hash) !== null) return false;
    this.insert(key, source, Date.now());
    return true;
  }

  /** Changes the given limits (`null` clears one); false when there is no such key. */
  update(id: string, changes: { [K in keyof ClientKeyLimits]?: ClientKeyLimits[K] | null }): boolean {
    const sets: string[] = [];
    const values: Array<string | number | null> = [];
    for (const [field, column] of Object.entries(LIMIT_COLUMNS) as Array<[keyof ClientKeyLimits, string]>) {
      if (!(field in changes)) continue;
      sets.push(`${column} = ?`);
      values.push(toColumn(changes[field]));
    }
    if (sets.length === 0) return this.get(id) !== undefined;
    return this.db.query(`UPDATE client_keys SET ${sets.join(", ")}, updated_at = ? WHERE id = ?`).run(...values, Date.now(), id).changes > 0;
  }

  setEnabled(id: string, enabled: boolean): boolean {
    return this.db.query("UPDATE client_keys SET enabled = ?, updated_at = ? WHERE id = ?").run(enabled ? 1 : 0, Date.now(), id).changes > 0;
  }

  /** Revokes a key for good; false when there is no such key or it was revoked already. */
  revoke(id: string): boolean {
    const now = Date.now();
    return this.db.query("UPDATE client_keys SET revoked_at = ?, updated_at = ? WHERE id = ? AND revoked_at IS NULL").run(now, now, id).changes > 0;
  }

  /**
   * Makes the `config` keys exactly the config's `auth.keys`: new ones added,
   * changed ones updated (limits and secret), removed ones deleted. Their
   * usage rows stay. Keys made with the CLI are left alone.
   */
  syncFromConfig(keys: readonly NewClientKey[]): void {
    const now = Date.now();
    const remove = this.db.query("DELETE FROM client_keys WHERE id = ? AND source = 'config'");
    const keep = new Set(keys.map((key) => key.id));
    const existing = this.db.query("SELECT id, source FROM client_keys").all() as Array<{ id: string; source: string }>;
    const taken = new Map(existing.map((row) => [row.id, row.source]));
    this.db.transaction(() => {
      for (const row of existing) if (row.source === "config" && !keep.has(row.id)) remove.run(row.id);
      for (const key of keys) {
        if (taken.get(key.id) === "cli") {
          throw new Error(`auth.keys: the key id '${key.id}' is taken by a key made with agw keys; give the config's key another id`);
        }
        this.insert(key, "config", now);
      }
    })();
  }

  /** Use not written yet, summed per key and day. */
  private pending = new Map<string, ClientKeyUsageRow>();

  /** Queues one request's use of a key; a key's requests of a day add up in memory until the next batch writes them. */
  recordUsage(row: ClientKeyUsageRow): void {
    if (tally(this.pending, `${row.keyId}\u0000${row.day}`, row, KEY_USAGE_COUNTS) && this.pending.size === 1) {
      this.queue.enqueue(() => {
        const rows = this.pending;
        this.pending = new Map();
        for (const pending of rows.values()) {
          this.addUsage.run(pending.keyId, pending.day, pending.requests, pending.inputTokens, pending.outputTokens, pending.costUsd);
        }
      });
    }
  }

  /** Writes every queued write now (the usage among them). */
  flush(): void {
    this.queue.flush();
  }

  /** Each key's use on one day. */
  usageOn(day: string): Map<string, ClientKeyTotals> {
    return this.totals("day = ?", day);
  }

  /** Each key's use from a day on (a month: from its first day). */
  usageSince(fromDay: string): Map<string, ClientKeyTotals> {
    return this.totals("day >= ?", fromDay);
  }

  private totals(where: string, day: string): Map<string, ClientKeyTotals> {
    const rows = this.db
      .query(
        `SELECT key_id, SUM(requests) AS requests, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
           SUM(cost_usd) AS cost_usd FROM client_key_usage WHERE ${where} GROUP BY key_id`,
      )
      .all(day) as Array<{ key_id: string; requests: number; input_tokens: number; output_tokens: number; cost_usd: number }>;
    return new Map(
      rows.map((row) => [row.key_id, { requests: row.requests, inputTokens: row.input_tokens, outputTokens: row.output_tokens, costUsd: row.cost_usd }]),
    );
  }

  /** Deletes usage days before the given one. */
  prune(beforeDay: string): number {
    return this.db.query("DELETE FROM client_key_usage WHERE day < ?").run(beforeDay).changes;
  }

  private insert(key: NewClientKey, source: StoredClientKey["source"], now: number): void {
    this.db
      .query(
        `INSERT INTO client_keys (id, hash, name, models, rpm, tpm, daily_requests, daily_tokens, monthly_budget_usd, expires_at,
           enabled, metadata, source, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)
         ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, name = excluded.name, models = excluded.models, rpm = excluded.rpm,
           tpm = excluded.tpm, daily_requests = excluded.daily_requests, daily_tokens = excluded.daily_tokens,
           monthly_budget_usd = excluded.monthly_budget_usd, expires_at = excluded.expires_at, enabled = excluded.enabled,
           metadata = excluded.metadata, updated_at = excluded.updated_at`,
      )
      .run(...clientKeyValues(key, source, now));
  }
}

/** A new key's column values for INSERT, in the order id, hash, limits…, enabled, metadata, source, time. */
export function clientKeyValues(key: NewClientKey, source: StoredClientKey["source"], now: number): Array<string | number | boolean | null> {
  return [
    key.id,
    key.hash,
    toColumn(key.name),
    toColumn(key.models),
    toColumn(key.rpm),
    toColumn(key.tpm),
    toColumn(key.dailyRequests),
    toColumn(key.dailyTokens),
    toColumn(key.monthlyBudgetUsd),
    toColumn(key.expiresAt),
    key.enabled !== false,
    toColumn(key.metadata),
    source,
    now,
  ];
}

export function toColumn(value: unknown): string | number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "object") return JSON.stringify(value);
  return value as string | number;
}

/** A `client_keys` row (SQLite's types: 0/1 booleans, numbers) as a key. */
export function fromRow(row: Record<string, unknown>): StoredClientKey {
  const key: StoredClientKey = {
    id: row.id as string,
    hash: row.hash as string,
    enabled: row.enabled === 1,
    source: row.source as StoredClientKey["source"],
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
  };
  if (row.name !== null) key.name = row.name as string;
  if (row.models !== null) key.models = JSON.parse(row.models as string) as string[];
  if (row.rpm !== null) key.rpm = row.rpm as number;
  if (row.tpm !== null) key.tpm = row.tpm as number;
  if (row.daily_requests !== null) key.dailyRequests = row.daily_requests as number;
  if (row.daily_tokens !== null) key.dailyTokens = row.daily_tokens as number;
  if (row.monthly_budget_usd !== null) key.monthlyBudgetUsd = row.monthly_budget_usd as number;
  if (row.expires_at !== null) key.expiresAt = row.expires_at as number;
  if (row.revoked_at !== null) key.revokedAt = row.revoked_at as number;
  if (row.metadata !== null) key.metadata = JSON.parse(row.metadata as string) as Record<string, unknown>;
  return key;
}
