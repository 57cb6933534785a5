import type { SQL } from "bun";
import { CONFIG_SYNC_LOCK } from "./locks.ts";
import { PendingTally } from "./pending-tally.ts";
import {
  KEY_USAGE_COUNTS,
  clientKeyValues,
  fromRow,
  LIMIT_COLUMNS,
  toColumn,
  type ClientKeyLimits,
  type ClientKeyMinuteRow,
  type ClientKeyRecords,
  type ClientKeyTotals,
  type ClientKeyUsageRow,
  type NewClientKey,
  type StoredClientKey,
} from "../client-keys.ts";

/** BIGINT columns Bun's Postgres client reads as strings, and the booleans SQLite stores as 0/1. */
const NUMBER_COLUMNS = ["tpm", "daily_tokens", "expires_at", "revoked_at", "created_at", "updated_at"];

/** A Postgres row in the shape `fromRow` reads (SQLite's types). */
function sqliteShaped(row: Record<string, unknown>): Record<string, unknown> {
  const shaped: Record<string, unknown> = { ...row, enabled: row.enabled === true ? 1 : 0 };
  for (const column of NUMBER_COLUMNS) if (shaped[column] !== null && shaped[column] !== undefined) shaped[column] = Number(shaped[column]);
  return shaped;
}

/**
 * Client keys in Postgres, for replicas sharing one database: the same
 * records as the SQLite store (ClientKeyRecords), asynchronous. Usage adds up
 * in memory per key and day and is written by `flush` as atomic increments
 * (`ON CONFLICT … DO UPDATE SET requests = requests + …`), so replicas
 * writing the same key's day never lose each other's counts.
 */
export class PostgresClientKeyStore implements ClientKeyRecords {
  readonly pending = new PendingTally<ClientKeyUsageRow>((row) => `${row.keyId}\u0000${row.day}`, KEY_USAGE_COUNTS);
  readonly minutes = new PendingTally<ClientKeyMinuteRow>((row) => `${row.keyId}\u0000${row.minute}`, ["requests", "tokens"]);
  private prunedMinutesBefore = 0;

  constructor(private readonly sql: SQL) {}

  async list(): Promise<StoredClientKey[]> {
    const rows = await this.sql`SELECT * FROM client_keys ORDER BY created_at, id`;
    return rows.map((row: Record<string, unknown>) => fromRow(sqliteShaped(row)));
  }

  async get(id: string): Promise<StoredClientKey | undefined> {
    const [row] = await this.sql`SELECT * FROM client_keys WHERE id = ${id}`;
    return row === undefined ? undefined : fromRow(sqliteShaped(row));
  }

  /** Adds a key; false when the id or the secret's hash is taken already (by any replica). */
  async create(key: NewClientKey, source: StoredClientKey["source"] = "cli"): Promise<boolean> {
    const rows = await this.sql.unsafe(`${INSERT_KEY} ON CONFLICT DO NOTHING RETURNING id`, clientKeyValues(key, source, Date.now()));
    return rows.length > 0;
  }

  async update(id: string, changes: { [K in keyof ClientKeyLimits]?: ClientKeyLimits[K] | null }): Promise<boolean> {
    const sets: string[] = [];
    const values: Array<string | number | null> = [];
    for (const [field, column] of Object.entries(LIMIT_COLUMNS) as Array<[keyof ClientKeyLimits, string]>) {
      if (!(field in changes)) continue;
      values.push(toColumn(changes[field]));
      sets.push(`${column} = $${values.length}`);
    }
    if (sets.length === 0) return (await this.get(id)) !== undefined;
    values.push(Date.now(), id);
    const rows = await this.sql.unsafe(`UPDATE client_keys SET ${sets.join(", ")}, updated_at = $${values.length - 1} WHERE id = $${values.length} RETURNING id`, values);
    return rows.length > 0;
  }

  async setEnabled(id: string, enabled: boolean): Promise<boolean> {
    const rows = await this.sql`UPDATE client_keys SET enabled = ${enabled}, updated_at = ${Date.now()} WHERE id = ${id} RETURNING id`;
    return rows.length > 0;
  }

  async revoke(id: string): Promise<boolean> {
    const now = Date.now();
    const rows = await this.sql`UPDATE client_keys SET revoked_at = ${now}, updated_at = ${now} WHERE id = ${id} AND revoked_at IS NULL RETURNING id`;
    return rows.length > 0;
  }

  /** The config's keys, in one transaction: added, updated, removed (a removed key's usage stays). */
  async syncFromConfig(keys: readonly NewClientKey[]): Promise<void> {
    const now = Date.now();
    await this.sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${CONFIG_SYNC_LOCK})`;
      const existing = (await tx`SELECT id, source FROM client_keys`) as Array<{ id: string; source: string }>;
      const taken = new Map(existing.map((row) => [row.id, row.source]));
      const keep = new Set(keys.map((key) => key.id));
      for (const row of existing) if (row.source === "config" && !keep.has(row.id)) await tx`DELETE FROM client_keys WHERE id = ${row.id}`;
      for (const key of keys) {
        if (taken.get(key.id) === "cli") {
          throw new Error(`auth.keys: the key id '${key.id}' is taken by a key made with agw keys; give the config's key another id`);
        }
        await tx.unsafe(`${INSERT_KEY} ${UPSERT_KEY}`, clientKeyValues(key, "config", now));
      }
    });
  }

  recordUsage(row: ClientKeyUsageRow): void {
    this.pending.add(row);
  }

  recordMinute(row: ClientKeyMinuteRow): void {
    this.minutes.add(row);
  }

  /** Writes the usage added up since the last flush, as increments; minutes older than ten are dropped now and then. */
  async flush(): Promise<void> {
    await this.pending.write(this.sql, (tx, row) =>
      tx`
          INSERT INTO client_key_usage (key_id, day, requests, input_tokens, output_tokens, cost_usd)
          VALUES (${row.keyId}, ${row.day}, ${row.requests}, ${row.inputTokens}, ${row.outputTokens}, ${row.costUsd})
          ON CONFLICT (key_id, day) DO UPDATE SET
            requests = client_key_usage.requests + excluded.requests,
            input_tokens = client_key_usage.input_tokens + excluded.input_tokens,
            output_tokens = client_key_usage.output_tokens + excluded.output_tokens,
            cost_usd = client_key_usage.cost_usd + excluded.cost_usd`,
    );
    await this.minutes.write(this.sql, (tx, row) =>
      tx`
          INSERT INTO client_key_minutes (key_id, minute, requests, tokens) VALUES (${row.keyId}, ${row.minute}, ${row.requests}, ${row.tokens})
          ON CONFLICT (key_id, minute) DO UPDATE SET
            requests = client_key_minutes.requests + excluded.requests, tokens = client_key_minutes.tokens + excluded.tokens`,
    );
    const stale = Date.now() - 10 * 60_000;
    if (stale - this.prunedMinutesBefore >= 60_000) {
      await this.sql`DELETE FROM client_key_minutes WHERE minute < ${stale}`;
      this.prunedMinutesBefore = stale;
    }
  }

  usageOn(day: string): Promise<Map<string, ClientKeyTotals>> {
    return this.totals(this.sql`SELECT key_id, SUM(requests) AS requests, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, SUM(cost_usd) AS cost_usd
      FROM client_key_usage WHERE day = ${day} GROUP BY key_id`);
  }

  usageSince(fromDay: string): Promise<Map<string, ClientKeyTotals>> {
    return this.totals(this.sql`SELECT key_id, SUM(requests) AS requests, SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens, SUM(cost_usd) AS cost_usd
      FROM client_key_usage WHERE day >= ${fromDay} GROUP BY key_id`);
  }

  async prune(beforeDay: string): Promise<number> {
    const rows = await this.sql`DELETE FROM client_key_usage WHERE day < ${beforeDay} RETURNING key_id`;
    return rows.length;
  }

  private async totals(query: Promise<unknown>): Promise<Map<string, ClientKeyTotals>> {
    const rows = (await query) as Array<Record<string, unknown>>;
    return new Map(
      rows.map((row) => [
        row.key_id as string,
        { requests: Number(row.requests), inputTokens: Number(row.input_tokens), outputTokens: Number(row.output_tokens), costUsd: Number(row.cost_usd) },
      ]),
    );
  }
}

const INSERT_KEY = `INSERT INTO client_keys (id, hash, name, models, rpm, tpm, daily_requests, daily_tokens, monthly_budget_usd, expires_at,
  enabled, metadata, source, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)`;
const UPSERT_KEY = `ON CONFLICT (id) DO UPDATE SET hash = excluded.hash, name = excluded.name, models = excluded.models, rpm = excluded.rpm,
  tpm = excluded.tpm, daily_requests = excluded.daily_requests, daily_tokens = excluded.daily_tokens,
  monthly_budget_usd = excluded.monthly_budget_usd, expires_at = excluded.expires_at, enabled = excluded.enabled,
  metadata = excluded.metadata, updated_at = excluded.updated_at`;
