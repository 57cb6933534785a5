import type { Database, Statement } from "bun:sqlite";
import type { WriteQueue } from "./write-queue.ts";
import type { Awaitable } from "../util/awaitable.ts";

/** A cooldown of one account, for one model ('' = every model). */
export interface CooldownRow {
  provider: string;
  accountId: string;
  model: string;
  cooldownUntil: number;
  reason?: string;
  failures: number;
}

/** What every cooldown store does, SQLite or Postgres (the shared suite: account-records.contract.test.ts). */
export interface AccountStateRecords {
  active(now?: number): Awaitable<CooldownRow[]>;
  /** Records the new state of one account and model; written with the next batch (`flush` writes it now). */
  save(row: CooldownRow): void;
  flush(): Awaitable<void>;
}

/** An `account_state` row as a cooldown, on either backend (Postgres reads BIGINT columns as strings). */
export function cooldownFromRow(row: Record<string, unknown>): CooldownRow {
  return {
    provider: row.provider as string,
    accountId: row.account_id as string,
    model: row.model as string,
    cooldownUntil: Number(row.cooldown_until),
    reason: (row.reason as string | null) ?? undefined,
    failures: Number(row.failures),
  };
}

export class AccountStateStore implements AccountStateRecords {
  private readonly upsert: Statement;

  constructor(
    private readonly db: Database,
    private readonly queue: WriteQueue,
  ) {
    this.upsert = db.query(`
      INSERT INTO account_state (provider, account_id, model, cooldown_until, reason, failures, updated_at)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
      ON CONFLICT (provider, account_id, model) DO UPDATE SET
        cooldown_until = excluded.cooldown_until, reason = excluded.reason,
        failures = excluded.failures, updated_at = excluded.updated_at`);
  }

  /** Cooldowns still running at `now`, to restore the pool at start-up. */
  active(now = Date.now()): CooldownRow[] {
    const rows = this.db
      .query("SELECT * FROM account_state WHERE cooldown_until > ? OR failures > 0")
      .all(now) as Record<string, unknown>[];
    return rows.map(cooldownFromRow);
  }

  /** Writes every queued write now. */
  flush(): void {
    this.queue.flush();
  }

  /** Queues the new state of one account and model. */
  save(row: CooldownRow): void {
    const now = Date.now();
    this.queue.enqueue(() =>
      this.upsert.run(row.provider, row.accountId, row.model, row.cooldownUntil, row.reason ?? null, row.failures, now),
    );
  }
}
