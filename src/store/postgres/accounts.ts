import type { SQL } from "bun";
import { accountFromRow, type AccountRecords, type AccountRow, type NewAccount, type StoredAccount } from "../accounts.ts";
import { isSealed, SecretCodec } from "../secret-box.ts";
import { CONFIG_SYNC_LOCK } from "./locks.ts";

type Queryable = (strings: TemplateStringsArray, ...values: unknown[]) => Promise<unknown>;

/** A Postgres row in the shape accountFromRow reads (SQLite's 0/1 booleans, numbers). */
function sqliteShaped(row: Record<string, unknown>): AccountRow {
  return {
    ...(row as unknown as AccountRow),
    enabled: row.enabled === true ? 1 : 0,
    daily_token_limit: row.daily_token_limit === null ? null : Number(row.daily_token_limit),
  };
}

/**
 * Upstream accounts in Postgres, shared by replicas: the same records as
 * SQLite's AccountStore (credentials sealed at rest with secrets.key), so an
 * account enabled, disabled or reset on one replica (or by the CLI against
 * the database) is the same account for all.
 */
export class PostgresAccountStore implements AccountRecords {
  constructor(
    private readonly sql: SQL,
    private readonly secrets: SecretCodec = new SecretCodec(undefined),
  ) {}

  /**
   * As on SQLite: every stored credential must open with the configured key
   * (else SecretKeyError, and agw does not start), and with a key, the ones
   * stored before encryption was turned on are sealed.
   */
  async secureAtRest(): Promise<void> {
    const rows = (await this.sql`SELECT provider, id, credentials FROM accounts`) as Array<{ provider: string; id: string; credentials: string }>;
    for (const row of rows) {
      const plain = this.secrets.open(row.credentials);
      if (this.secrets.encrypting && !isSealed(row.credentials)) {
        await this.sql`UPDATE accounts SET credentials = ${this.secrets.seal(plain)} WHERE provider = ${row.provider} AND id = ${row.id} AND credentials = ${row.credentials}`;
      }
    }
  }

  async list(provider?: string): Promise<StoredAccount[]> {
    const rows = (provider === undefined
      ? await this.sql`SELECT * FROM accounts ORDER BY provider, priority, id`
      : await this.sql`SELECT * FROM accounts WHERE provider = ${provider} ORDER BY priority, id`) as Array<Record<string, unknown>>;
    return rows.map((row) => accountFromRow(sqliteShaped(row), this.secrets));
  }

  async get(provider: string, id: string): Promise<StoredAccount | undefined> {
    const [row] = (await this.sql`SELECT * FROM accounts WHERE provider = ${provider} AND id = ${id}`) as Array<Record<string, unknown>>;
    return row === undefined ? undefined : accountFromRow(sqliteShaped(row), this.secrets);
  }

  async findById(id: string): Promise<StoredAccount[]> {
    const rows = (await this.sql`SELECT * FROM accounts WHERE id = ${id} ORDER BY provider`) as Array<Record<string, unknown>>;
    return rows.map((row) => accountFromRow(sqliteShaped(row), this.secrets));
  }

  async syncFromConfig(accounts: NewAccount[]): Promise<void> {
    const now = Date.now();
    const keep = new Set(accounts.map((account) => `${account.provider}\u0000${account.id}`));
    await this.sql.begin(async (tx) => {
      const query = tx as unknown as Queryable;
      await query`SELECT pg_advisory_xact_lock(${CONFIG_SYNC_LOCK})`;
      for (const account of accounts) await this.upsert(query, account, "config", now);
      const existing = (await query`SELECT provider, id FROM accounts WHERE source = 'config'`) as Array<{ provider: string; id: string }>;
      for (const row of existing) if (!keep.has(`${row.provider}\u0000${row.id}`)) await query`DELETE FROM accounts WHERE provider = ${row.provider} AND id = ${row.id}`;
    });
  }

  /** Adds an account outside the config; false when the provider already has one with that id (on any replica). */
  async add(account: NewAccount): Promise<boolean> {
    if ((await this.get(account.provider, account.id)) !== undefined) return false;
    await this.upsert(this.sql as unknown as Queryable, account, "cli", Date.now());
    return true;
  }

  async remove(provider: string, id: string): Promise<boolean> {
    return (await this.sql`DELETE FROM accounts WHERE provider = ${provider} AND id = ${id} RETURNING id`).length > 0;
  }

  /** Enabling also clears the reason agw took the account out. */
  async setEnabled(provider: string, id: string, enabled: boolean): Promise<boolean> {
    const now = Date.now();
    const rows = enabled
      ? await this.sql`UPDATE accounts SET enabled = TRUE, disabled_reason = NULL, updated_at = ${now} WHERE provider = ${provider} AND id = ${id} RETURNING id`
      : await this.sql`UPDATE accounts SET enabled = FALSE, updated_at = ${now} WHERE provider = ${provider} AND id = ${id} RETURNING id`;
    return rows.length > 0;
  }

  async setDisabledReason(provider: string, id: string, reason: string | null): Promise<boolean> {
    return (await this.sql`UPDATE accounts SET disabled_reason = ${reason}, updated_at = ${Date.now()} WHERE provider = ${provider} AND id = ${id} RETURNING id`).length > 0;
  }

  /** Clears what agw learned about an account: its disabled reason, cooldowns and failure streaks, in one transaction. */
  reset(provider: string, id: string): Promise<boolean> {
    return this.sql.begin(async (tx) => {
      const query = tx as unknown as Queryable;
      await query`DELETE FROM account_state WHERE provider = ${provider} AND account_id = ${id}`;
      return ((await query`UPDATE accounts SET disabled_reason = NULL, updated_at = ${Date.now()} WHERE provider = ${provider} AND id = ${id} RETURNING id`) as unknown[]).length > 0;
    });
  }

  /** New credentials clear the disabled reason (they are a fix); unchanged ones keep their sealed bytes and the reason. */
  private async upsert(query: Queryable, account: NewAccount, source: "config" | "cli", now: number): Promise<void> {
    const plain = JSON.stringify(account.credentials);
    let stored = plain;
    if (this.secrets.encrypting) {
      const [row] = (await query`SELECT credentials FROM accounts WHERE provider = ${account.provider} AND id = ${account.id}`) as Array<{ credentials: string }>;
      stored = row !== undefined && this.secrets.open(row.credentials) === plain ? row.credentials : this.secrets.seal(plain);
    }
    await query`
      INSERT INTO accounts (provider, id, credentials, enabled, weight, priority, models, daily_request_limit, daily_token_limit, source, created_at, updated_at)
      VALUES (${account.provider}, ${account.id}, ${stored}, ${account.enabled}, ${account.weight}, ${account.priority},
        ${account.models === undefined ? null : JSON.stringify(account.models)}, ${account.dailyRequestLimit ?? null}, ${account.dailyTokenLimit ?? null},
        ${source}, ${now}, ${now})
      ON CONFLICT (provider, id) DO UPDATE SET
        disabled_reason = CASE WHEN accounts.credentials = excluded.credentials THEN accounts.disabled_reason END,
        credentials = excluded.credentials, enabled = excluded.enabled, weight = excluded.weight, priority = excluded.priority,
        models = excluded.models, daily_request_limit = excluded.daily_request_limit, daily_token_limit = excluded.daily_token_limit,
        source = excluded.source, updated_at = excluded.updated_at`;
  }
}
