import type { Database } from "bun:sqlite";

/** One upstream account as stored. `credentials` is secret and never printed. */
export interface StoredAccount {
  provider: string;
  id: string;
  credentials: { apiKey?: string };
  enabled: boolean;
  weight: number;
  priority: number;
  models?: string[];
  source: "config" | "cli";
}

interface AccountRow {
  provider: string;
  id: string;
  credentials: string;
  enabled: number;
  weight: number;
  priority: number;
  models: string | null;
  source: string;
}

function fromRow(row: AccountRow): StoredAccount {
  const account: StoredAccount = {
    provider: row.provider,
    id: row.id,
    credentials: JSON.parse(row.credentials) as StoredAccount["credentials"],
    enabled: row.enabled === 1,
    weight: row.weight,
    priority: row.priority,
    source: row.source === "cli" ? "cli" : "config",
  };
  if (row.models !== null) account.models = JSON.parse(row.models) as string[];
  return account;
}

export class AccountStore {
  constructor(private readonly db: Database) {}

  list(provider?: string): StoredAccount[] {
    const rows =
      provider === undefined
        ? (this.db.query("SELECT * FROM accounts ORDER BY provider, priority, id").all() as AccountRow[])
        : (this.db
            .query("SELECT * FROM accounts WHERE provider = ? ORDER BY priority, id")
            .all(provider) as AccountRow[]);
    return rows.map(fromRow);
  }

  /**
   * Makes the stored accounts that came from the config match it: inserts and
   * updates those listed, deletes config-sourced ones no longer listed.
   * Accounts added through the CLI are left alone.
   */
  syncFromConfig(accounts: Omit<StoredAccount, "source">[]): void {
    const now = Date.now();
    const upsert = this.db.query(`
      INSERT INTO accounts (provider, id, credentials, enabled, weight, priority, models, source, created_at, updated_at)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'config', ?8, ?8)
      ON CONFLICT (provider, id) DO UPDATE SET
        credentials = excluded.credentials, enabled = excluded.enabled, weight = excluded.weight,
        priority = excluded.priority, models = excluded.models, source = 'config', updated_at = excluded.updated_at`);
    const keep = new Set(accounts.map((a) => `${a.provider}\u0000${a.id}`));
    const existing = this.db.query("SELECT provider, id FROM accounts WHERE source = 'config'").all() as {
      provider: string;
      id: string;
    }[];
    const remove = this.db.query("DELETE FROM accounts WHERE provider = ? AND id = ?");
    this.db.transaction(() => {
      for (const a of accounts) {
        upsert.run(
          a.provider,
          a.id,
          JSON.stringify(a.credentials),
          a.enabled ? 1 : 0,
          a.weight,
          a.priority,
          a.models === undefined ? null : JSON.stringify(a.models),
          now,
        );
      }
      for (const row of existing) {
        if (!keep.has(`${row.provider}\u0000${row.id}`)) remove.run(row.provider, row.id);
      }
    })();
  }
}
