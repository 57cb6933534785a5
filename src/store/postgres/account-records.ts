import type { SQL } from "bun";
import { cooldownFromRow, type AccountStateRecords, type CooldownRow } from "../account-state.ts";
import { USAGE_COUNTS, usageFromRow, type AccountUsageRecords, type UsageRow } from "../account-usage.ts";
import { PendingTally } from "./pending-tally.ts";

/** The channel replicas hear each other's cooldowns on. */
export const ACCOUNT_STATE_CHANNEL = "agw_account_state";

/**
 * Cooldowns in Postgres, shared by replicas: the latest state per account
 * and model is written by `flush` (last write wins, as on one machine), then
 * announced on `agw_account_state` so every replica can re-read the active
 * ones at once (`onChange`) rather than on its next poll.
 */
export class PostgresAccountStateStore implements AccountStateRecords {
  private pending = new Map<string, CooldownRow>();

  constructor(private readonly sql: SQL) {}

  async active(now = Date.now()): Promise<CooldownRow[]> {
    const rows = (await this.sql`SELECT * FROM account_state WHERE cooldown_until > ${now} OR failures > 0`) as Array<Record<string, unknown>>;
    return rows.map(cooldownFromRow);
  }

  save(row: CooldownRow): void {
    this.pending.set(`${row.provider}\u0000${row.accountId}\u0000${row.model}`, { ...row });
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const taken = this.pending;
    const rows = [...taken.values()];
    this.pending = new Map();
    const now = Date.now();
    try {
      await this.sql.begin(async (tx) => {
      for (const row of rows) {
        await tx`
          INSERT INTO account_state (provider, account_id, model, cooldown_until, reason, failures, updated_at)
          VALUES (${row.provider}, ${row.accountId}, ${row.model}, ${row.cooldownUntil}, ${row.reason ?? null}, ${row.failures}, ${now})
          ON CONFLICT (provider, account_id, model) DO UPDATE SET
            cooldown_until = excluded.cooldown_until, reason = excluded.reason, failures = excluded.failures, updated_at = excluded.updated_at`;
      }
      // Delivered when the transaction commits, to every replica listening.
      await tx`SELECT pg_notify(${ACCOUNT_STATE_CHANNEL}, '')`;
      });
    } catch (error) {
      // Back in line for the next flush, unless a newer state was saved meanwhile.
      for (const [key, row] of taken) if (!this.pending.has(key)) this.pending.set(key, row);
      throw error;
    }
  }

  /** Calls `listener` whenever a replica (this one included) has written cooldowns; resolves to how to stop. */
  async onChange(listener: () => void): Promise<() => Promise<void>> {
    const handle = (await this.sql.listen(ACCOUNT_STATE_CHANNEL, () => listener())) as unknown as { unlisten?: () => Promise<void> };
    return async () => {
      await handle.unlisten?.();
    };
  }
}

/**
 * Daily usage per account and model in Postgres: requests and tokens add up
 * in memory and are written by `flush` as atomic increments, so the daily
 * limits hold across replicas (each may overshoot by what it has not
 * flushed yet).
 */
export class PostgresAccountUsageStore implements AccountUsageRecords {
  readonly pending = new PendingTally<UsageRow>((row) => `${row.provider}\u0000${row.accountId}\u0000${row.model}\u0000${row.day}`, USAGE_COUNTS);

  constructor(private readonly sql: SQL) {}

  record(row: UsageRow): void {
    this.pending.add(row);
  }

  flush(): Promise<void> {
    return this.pending.write(this.sql, (tx, row) =>
        tx`
          INSERT INTO account_usage (provider, account_id, model, day, requests, input_tokens, output_tokens)
          VALUES (${row.provider}, ${row.accountId}, ${row.model}, ${row.day}, ${row.requests}, ${row.inputTokens}, ${row.outputTokens})
          ON CONFLICT (provider, account_id, model, day) DO UPDATE SET
            requests = account_usage.requests + excluded.requests,
            input_tokens = account_usage.input_tokens + excluded.input_tokens,
            output_tokens = account_usage.output_tokens + excluded.output_tokens`,
    );
  }

  async day(day: string): Promise<UsageRow[]> {
    const rows = (await this.sql`SELECT * FROM account_usage WHERE day = ${day} ORDER BY provider, account_id, model`) as Array<Record<string, unknown>>;
    return rows.map(usageFromRow);
  }

  async prune(beforeDay: string): Promise<number> {
    return (await this.sql`DELETE FROM account_usage WHERE day < ${beforeDay} RETURNING day`).length;
  }
}
