import type { SQL } from "bun";
import {
  GROUP_COLUMNS,
  LATENCY_BUCKETS_PER_E,
  REQUEST_LOG_COLUMNS,
  requestLogFromRow,
  requestLogValues,
  whereClause,
  type AccountFailure,
  type CursorRequestLog,
  type RequestLogGrouping,
  type RequestLogQuery,
  type RequestLogRecords,
  type RequestLogRow,
  type RequestLogStats,
  type RequestSummaryRow,
  type StoredRequestLog,
} from "../request-logs.ts";

/** Rows per INSERT statement: one round trip for a whole batch of up to this many rows. */
const ROWS_PER_INSERT = 64;

/** Rows kept while Postgres cannot be written (about 1 KB each): beyond this the oldest go first. */
export const MAX_PENDING = 100_000;

/** SQLite's numbered placeholders (`?3`) as Postgres's (`$3`). */
const postgresPlaceholders = (text: string) => text.replace(/\?(\d+)/g, "$$$1");

/** A Postgres row in the shape requestLogFromRow reads (SQLite's 0/1 booleans, numbers for BIGINT). */
function sqliteShaped(row: Record<string, unknown>): Record<string, unknown> {
  const shaped: Record<string, unknown> = { ...row, stream: row.stream === true ? 1 : 0 };
  for (const column of ["started_at", "input_tokens", "output_tokens", "cursor"]) if (shaped[column] !== null && shaped[column] !== undefined) shaped[column] = Number(shaped[column]);
  return shaped;
}


/**
 * The request log in Postgres, written by every replica: rows queue in
 * memory and `flush` writes them 64 to an INSERT (one round trip each), off
 * the request path. Reads answer what SQLite's store answers for the same
 * rows (the shared suite checks it): `seq` orders rows as written, for
 * `--follow` cursors; percentiles are nearest-rank (`percentile_disc`).
 */
export class PostgresRequestLogStore implements RequestLogRecords {
  private pending: RequestLogRow[] = [];

  constructor(private readonly sql: SQL) {}

  /** Rows dropped because too many waited while Postgres was away. */
  dropped = 0;

  record(row: RequestLogRow): void {
    if (this.pending.length >= MAX_PENDING) {
      this.pending.shift();
      this.dropped++;
    }
    this.pending.push(row);
  }

  /** Rows waiting (the metrics' queue depth). */
  get size(): number {
    return this.pending.length;
  }

  /**
   * Writes the waiting rows. A batch that fails goes back to the front of the
   * line, so rows are not lost while Postgres is away; past `MAX_PENDING`
   * the oldest are dropped (and counted), so memory stays bounded.
   */
  async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, ROWS_PER_INSERT);
      const placeholders = batch.map((_, row) => `(${REQUEST_LOG_COLUMNS.map((__, column) => `$${row * REQUEST_LOG_COLUMNS.length + column + 1}`).join(", ")})`);
      try {
        await this.sql.unsafe(
          `INSERT INTO request_logs (${REQUEST_LOG_COLUMNS.join(", ")}) VALUES ${placeholders.join(", ")} ON CONFLICT (id) DO NOTHING`,
          batch.flatMap(requestLogValues),
        );
      } catch (error) {
        this.pending.unshift(...batch);
        throw error;
      }
    }
  }

  async get(id: string): Promise<StoredRequestLog | undefined> {
    const [row] = (await this.sql`SELECT * FROM request_logs WHERE id = ${id}`) as Array<Record<string, unknown>>;
    return row === undefined ? undefined : requestLogFromRow(sqliteShaped(row));
  }

  async query(query: RequestLogQuery = {}): Promise<CursorRequestLog[]> {
    const [where, parameters] = whereClause(query, "seq");
    const limit = Math.min(Math.max(1, query.limit ?? 100), 10_000);
    const rows = (await this.sql.unsafe(`SELECT seq AS cursor, * FROM request_logs ${postgresPlaceholders(where)} ORDER BY seq DESC LIMIT ${limit}`, parameters)) as Array<
      Record<string, unknown>
    >;
    return rows.reverse().map((row) => {
      const shaped = sqliteShaped(row);
      return { ...requestLogFromRow(shaped), cursor: shaped.cursor as number };
    });
  }

  async stats(by: RequestLogGrouping, query: Pick<RequestLogQuery, "since"> = {}): Promise<RequestLogStats[]> {
    const [where, parameters] = whereClause(query, "seq");
    const column = GROUP_COLUMNS[by];
    const rows = (await this.sql.unsafe(
      `SELECT ${column} AS grp, COUNT(*) AS requests, COUNT(*) FILTER (WHERE status >= 400) AS errors,
         percentile_disc(0.5) WITHIN GROUP (ORDER BY latency_ms) AS p50, percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms) AS p95,
         COALESCE(SUM(input_tokens), 0) AS input_tokens, COALESCE(SUM(output_tokens), 0) AS output_tokens, COALESCE(SUM(cost_usd), 0) AS cost_usd
       FROM request_logs ${postgresPlaceholders(where)} GROUP BY grp ORDER BY requests DESC, grp NULLS LAST`,
      parameters,
    )) as Array<Record<string, unknown>>;
    return rows.map((row) => ({
      group: (row.grp as string | null) ?? null,
      requests: Number(row.requests),
      errors: Number(row.errors),
      p50Ms: row.p50 === null ? null : Number(row.p50),
      p95Ms: row.p95 === null ? null : Number(row.p95),
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
      costUsd: Number(row.cost_usd),
    }));
  }

  /** Each account's newest failed attempt since the given time (from every request's attempts). */
  async lastFailures(since: number): Promise<AccountFailure[]> {
    const rows = (await this.sql`
      SELECT DISTINCT ON (r.provider, a->>'accountId') r.provider AS provider, a->>'accountId' AS account, r.started_at AS at,
        (a->>'status')::int AS status, a->>'errorClass' AS error_class
      FROM request_logs r, jsonb_array_elements(r.attempt_details::jsonb) a
      WHERE r.started_at >= ${since} AND (r.status >= 400 OR r.attempts > 1) AND r.attempt_details IS NOT NULL AND r.provider IS NOT NULL
        AND (a->>'errorClass' IS NOT NULL OR (a->>'status')::int >= 400)
      ORDER BY r.provider, a->>'accountId', r.started_at DESC`) as Array<Record<string, unknown>>;
    return rows.map((row) => ({
      provider: row.provider as string,
      accountId: row.account as string,
      at: Number(row.at),
      status: (row.status as number | null) ?? 0,
      ...(row.error_class === null ? {} : { errorClass: row.error_class as string }),
    }));
  }

  async summarize(from: number, until: number): Promise<RequestSummaryRow[]> {
    const rows = (await this.sql.unsafe(
      `SELECT COALESCE(requested_model, mapped_model) AS model, account_id AS account, status >= 400 AS failed,
         FLOOR(ln(latency_ms + 1) * ${LATENCY_BUCKETS_PER_E})::int AS bucket, COUNT(*) AS requests,
         COALESCE(SUM(input_tokens), 0) AS input_tokens, COALESCE(SUM(output_tokens), 0) AS output_tokens
       FROM request_logs WHERE started_at >= $1 AND started_at < $2
       GROUP BY model, account, failed, bucket`,
      [from, until],
    )) as Array<Record<string, unknown>>;
    return rows.map((row) => ({
      model: (row.model as string | null) ?? null,
      account: (row.account as string | null) ?? null,
      failed: row.failed === true,
      bucket: row.bucket === null ? null : Number(row.bucket),
      requests: Number(row.requests),
      inputTokens: Number(row.input_tokens),
      outputTokens: Number(row.output_tokens),
    }));
  }

  async prune(before: number): Promise<number> {
    return (await this.sql`DELETE FROM request_logs WHERE started_at < ${before} RETURNING id`).length;
  }
}
