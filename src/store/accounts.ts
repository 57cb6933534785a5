import type { Database } from "bun:sqlite";
import { isSealed, SecretCodec } from "./secret-box.ts";
import type { Awaitable } from "../util/awaitable.ts";

/** An OAuth refresh-token grant, as configured. */
export interface OAuthGrant {
  tokenUrl: string;
  clientId: string;
  clientSecret?: string;
  refreshToken: string;
  extraParams?: Record<string, string>;
}

/** What authenticates an account upstream. Secret: never printed, never logged. */
export interface AccountCredentials {
  apiKey?: string;
  oauth?: OAuthGrant;
}

/** One upstream account as stored. */
export interface StoredAccount {
  provider: string;
  id: string;
  credentials: AccountCredentials;
  enabled: boolean;
  weight: number;
  priority: number;
  models?: string[];
  dailyRequestLimit?: number;
  dailyTokenLimit?: number;
  /** Set when agw took the account out (rejected credentials, revoked grant); cleared by reset or enable. */
  disabledReason?: string;
  source: "config" | "cli";
}

export type NewAccount = Omit<StoredAccount, "source" | "disabledReason">;

/** What every accounts store does, SQLite or Postgres (the shared suite: accounts.contract.test.ts). */
export interface AccountRecords {
  list(provider?: string): Awaitable<StoredAccount[]>;
  get(provider: string, id: string): Awaitable<StoredAccount | undefined>;
  findById(id: string): Awaitable<StoredAccount[]>;
  syncFromConfig(accounts: NewAccount[]): Awaitable<void>;
  add(account: NewAccount): Awaitable<boolean>;
  remove(provider: string, id: string): Awaitable<boolean>;
  setEnabled(provider: string, id: string, enabled: boolean): Awaitable<boolean>;
  setDisabledReason(provider: string, id: string, reason: string | null): Awaitable<boolean>;
  reset(provider: string, id: string): Awaitable<boolean>;
}

export interface AccountRow {
  provider: string;
  id: string;
  credentials: string;
  enabled: number;
  weight: number;
  priority: number;
  models: string | null;
  daily_request_limit: number | null;
  daily_token_limit: number | null;
  disabled_reason: string | null;
  source: string;
}

/** An `accounts` row (SQLite's types) as an account, its credentials opened. */
export function accountFromRow(row: AccountRow, secrets: SecretCodec): StoredAccount {
  const account: StoredAccount = {
    provider: row.provider,
    id: row.id,
    credentials: JSON.parse(secrets.open(row.credentials)) as AccountCredentials,
    enabled: row.enabled === 1,
    weight: row.weight,
    priority: row.priority,
    source: row.source === "cli" ? "cli" : "config",
  };
  if (row.models !== null) account.models = JSON.parse(row.models) as string[];
  if (row.daily_request_limit !== null) account.dailyRequestLimit = row.daily_request_limit;
  if (row.daily_token_limit !== null) account.dailyTokenLimit = row.daily_token_limit;
  if (row.disabled_reason !== null) account.disabledReason = row.disabled_reason;
  return account;
}

const UPSERT = `
  INSERT INTO accounts (provider, id, credentials, enabled, weight, priority, models, daily_request_limit,
    daily_token_limit, source, created_at, updated_at)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)
  ON CONFLICT (provider, id) DO UPDATE SET
    -- New credentials are a fix: whatever took the account out no longer applies.
    disabled_reason = CASE WHEN accounts.credentials = excluded.credentials THEN accounts.disabled_reason END,
    credentials = excluded.credentials, enabled = excluded.enabled, weight = excluded.weight,
    priority = excluded.priority, models = excluded.models, daily_request_limit = excluded.daily_request_limit,
    daily_token_limit = excluded.daily_token_limit, source = excluded.source, updated_at = excluded.updated_at`;

/**
 * The accounts table. The server reads it at start-up and whenever another
 * process (the accounts CLI) changes the database; the CLI and the admin API
 * change it here.
 */
export class AccountStore implements AccountRecords {
  constructor(
    private readonly db: Database,
    /** Seals credentials when secrets.key is set (encryption at rest), opens them either way. */
    private readonly secrets: SecretCodec = new SecretCodec(undefined),
  ) {}

  list(provider?: string): StoredAccount[] {
    const rows =
      provider === undefined
        ? (this.db.query("SELECT * FROM accounts ORDER BY provider, priority, id").all() as AccountRow[])
        : (this.db.query("SELECT * FROM accounts WHERE provider = ? ORDER BY priority, id").all(provider) as AccountRow[]);
    return rows.map((row) => accountFromRow(row, this.secrets));
  }

  get(provider: string, id: string): StoredAccount | undefined {
    const row = this.db.query("SELECT * FROM accounts WHERE provider = ? AND id = ?").get(provider, id) as AccountRow | null;
    return row === null ? undefined : accountFromRow(row, this.secrets);
  }

  /** The accounts with this id, in any provider (ids are unique per provider only). */
  findById(id: string): StoredAccount[] {
    return (this.db.query("SELECT * FROM accounts WHERE id = ? ORDER BY provider").all(id) as AccountRow[]).map((row) =>
      accountFromRow(row, this.secrets),
    );
  }

  /**
   * Checks that every stored credential opens with the configured key (else
   * throws SecretKeyError: agw must not start and send garbage upstream), and
   * with a key, seals the ones stored before encryption was turned on.
   */
  secureAtRest(): void {
    const rows = this.db.query("SELECT provider, id, credentials FROM accounts").all() as Array<Pick<AccountRow, "provider" | "id" | "credentials">>;
    const update = this.db.query("UPDATE accounts SET credentials = ?3 WHERE provider = ?1 AND id = ?2");
    this.db.transaction(() => {
      for (const row of rows) {
        const plain = this.secrets.open(row.credentials);
        if (this.secrets.encrypting && !isSealed(row.credentials)) update.run(row.provider, row.id, this.secrets.seal(plain));
      }
    })();
  }

  /**
   * Makes the stored accounts that came from the config match it: inserts and
   * updates those listed, deletes config-sourced ones no longer listed.
   * Accounts added through the CLI or the admin API are left alone.
   */
  syncFromConfig(accounts: NewAccount[]): void {
    const upsert = this.db.query(UPSERT);
    const keep = new Set(accounts.map((a) => `${a.provider}\u0000${a.id}`));
    const existing = this.db.query("SELECT provider, id FROM accounts WHERE source = 'config'").all() as { provider: string; id: string }[];
    const remove = this.db.query("DELETE FROM accounts WHERE provider = ? AND id = ?");
    const now = Date.now();
    this.db.transaction(() => {
      for (const account of accounts) upsert.run(...this.values(account, "config", now));
      for (const row of existing) if (!keep.has(`${row.provider}\u0000${row.id}`)) remove.run(row.provider, row.id);
    })();
  }

  /** Adds an account outside the config; false when the provider already has one with that id. */
  add(account: NewAccount): boolean {
    if (this.get(account.provider, account.id)) return false;
    this.db.query(UPSERT).run(...this.values(account, "cli", Date.now()));
    return true;
  }

  remove(provider: string, id: string): boolean {
    return this.db.query("DELETE FROM accounts WHERE provider = ? AND id = ?").run(provider, id).changes > 0;
  }

  /** Enabling also clears the reason agw took the account out. */
  setEnabled(provider: string, id: string, enabled: boolean): boolean {
    const sql = enabled
      ? "UPDATE accounts SET enabled = 1, disabled_reason = NULL, updated_at = ?3 WHERE provider = ?1 AND id = ?2"
      : "UPDATE accounts SET enabled = 0, updated_at = ?3 WHERE provider = ?1 AND id = ?2";
    return this.db.query(sql).run(provider, id, Date.now()).changes > 0;
  }

  /** Takes an account out of rotation with a reason (or, with null, puts it back). */
  setDisabledReason(provider: string, id: string, reason: string | null): boolean {
    return (
      this.db
        .query("UPDATE accounts SET disabled_reason = ?3, updated_at = ?4 WHERE provider = ?1 AND id = ?2")
        .run(provider, id, reason, Date.now()).changes > 0
    );
  }

  /** Clears what agw learned about an account: its disabled reason, cooldowns and failure streaks. */
  reset(provider: string, id: string): boolean {
    return this.db.transaction(() => {
      this.db.query("DELETE FROM account_state WHERE provider = ? AND account_id = ?").run(provider, id);
      return this.setDisabledReason(provider, id, null);
    })();
  }

  /**
   * The credentials as stored: sealed when encrypting. An unchanged account
   * keeps its stored value (sealing twice gives different bytes), so the
   * upsert sees the credentials unchanged and keeps its disabled reason.
   */
  private storedCredentials(account: NewAccount): string {
    const plain = JSON.stringify(account.credentials);
    if (!this.secrets.encrypting) return plain;
    const row = this.db.query("SELECT credentials FROM accounts WHERE provider = ? AND id = ?").get(account.provider, account.id) as {
      credentials: string;
    } | null;
    if (row !== null && this.secrets.open(row.credentials) === plain) return row.credentials;
    return this.secrets.seal(plain);
  }

  private values(account: NewAccount, source: "config" | "cli", now: number) {
    return [
      account.provider,
      account.id,
      this.storedCredentials(account),
      account.enabled ? 1 : 0,
      account.weight,
      account.priority,
      account.models === undefined ? null : JSON.stringify(account.models),
      account.dailyRequestLimit ?? null,
      account.dailyTokenLimit ?? null,
      source,
      now,
    ] as const;
  }
}
