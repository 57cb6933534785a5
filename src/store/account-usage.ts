import type { Database, Statement } from "bun:sqlite";
import type { WriteQueue } from "./write-queue.ts";
import { tally } from "./tally.ts";
import type { Awaitable } from "../util/awaitable.ts";

/** Requests and tokens one account served for one model on one UTC day. */
export interface UsageRow {
  provider: string;
  accountId: string;
  model: string;
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  requests: number;
  inputTokens: number;
  outputTokens: number;
}

/** What adds up in a usage row. */
export const USAGE_COUNTS = ["requests", "inputTokens", "outputTokens"] as const;

const DAY_MS = 86_400_000;
/** The last day asked for and when it started: every request asks (usage, key limits), and nearly all of them for today. */
let lastDay = { start: Number.NaN, text: "" };

/** The UTC day of a time, as `YYYY-MM-DD`. */
export function utcDay(time = Date.now()): string {
  const offset = time - lastDay.start;
  if (offset >= 0 && offset < DAY_MS) return lastDay.text;
  const start = time - (((time % DAY_MS) + DAY_MS) % DAY_MS);
  const text = new Date(time).toISOString().slice(0, 10);
  lastDay = { start, text };
  return text;
}

/** What every account-usage store does, SQLite or Postgres (the shared suite: account-records.contract.test.ts). */
export interface AccountUsageRecords {
  record(row: UsageRow): void;
  flush(): Awaitable<void>;
  day(day: string): Awaitable<UsageRow[]>;
  prune(beforeDay: string): Awaitable<number>;
}

/** An `account_usage` row as usage, on either backend (Postgres reads BIGINT columns as strings). */
export function usageFromRow(row: Record<string, unknown>): UsageRow {
  return {
    provider: row.provider as string,
    accountId: row.account_id as string,
    model: row.model as string,
    day: row.day as string,
    requests: Number(row.requests),
    inputTokens: Number(row.input_tokens),
    outputTokens: Number(row.output_tokens),
  };
}

/** Per-account daily usage, for limits, least-used scheduling and `agw accounts list`. */
export class AccountUsageStore implements AccountUsageRecords {
  private readonly add: Statement;

  constructor(
    private readonly db: Database,
    private readonly queue: WriteQueue,
  ) {
    this.add = db.query(`
      INSERT INTO account_usage (provider, account_id, model, day, requests, input_tokens, output_tokens)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
      ON CONFLICT (provider, account_id, model, day) DO UPDATE SET
        requests = requests + excluded.requests, input_tokens = input_tokens + excluded.input_tokens,
        output_tokens = output_tokens + excluded.output_tokens`);
  }

  /** Usage not written yet, summed per account, model and day. */
  private pending = new Map<string, UsageRow>();

  /**
   * Queues one request's usage. Requests of one account, model and day add
   * up in memory until the next batch writes them: one statement per
   * account and model rather than one per request.
   */
  record(row: UsageRow): void {
    const key = `${row.provider}\u0000${row.accountId}\u0000${row.model}\u0000${row.day}`;
    if (tally(this.pending, key, row, USAGE_COUNTS) && this.pending.size === 1) this.queue.enqueue(() => this.writePending());
  }

  /** Writes every queued write now. */
  flush(): void {
    this.queue.flush();
  }

  private writePending(): void {
    const rows = this.pending;
    this.pending = new Map();
    for (const row of rows.values()) this.add.run(row.provider, row.accountId, row.model, row.day, row.requests, row.inputTokens, row.outputTokens);
  }

  /** Every account's usage on a day. */
  day(day: string): UsageRow[] {
    return (this.db.query("SELECT * FROM account_usage WHERE day = ?").all(day) as Record<string, unknown>[]).map(usageFromRow);
  }

  /** Deletes days before the given one. */
  prune(beforeDay: string): number {
    return this.db.query("DELETE FROM account_usage WHERE day < ?").run(beforeDay).changes;
  }
}
