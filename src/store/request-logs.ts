import type { Database, Statement } from "bun:sqlite";
import type { WriteQueue } from "./write-queue.ts";
import type { Awaitable } from "../util/awaitable.ts";

/** One row per request. Bodies and credentials are never stored. */
export interface RequestLogRow {
  id: string;
  startedAt: number;
  route: string;
  protocol?: string;
  requestedModel?: string;
  mappedModel?: string;
  provider?: string;
  accountId?: string;
  stream: boolean;
  status: number;
  latencyMs?: number;
  ttfbMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  attempts: number;
  errorClass?: string;
  /** Set when an interception answered or rerouted the request: `warmup`, `title`, `summary`… */
  intercepted?: string;
  /** Every attempt: account, status, error class, cooldown and wait. */
  attemptDetails?: unknown[];
  /** Settings the upstream could not honour as asked: their codes (as in `x-agw-warnings`) and what happened. */
  warnings?: Array<{ code: string; message: string }>;
  /** The client key the request came with (its id; never the secret). */
  keyId?: string;
  /** What the request cost in US dollars, by the pricing table; unset when its model has no price. */
  costUsd?: number;
  /** How many images the answer held (image models), never their bytes. */
  images?: number;
}

export interface StoredRequestLog extends RequestLogRow {}

/** What `agw logs` asks for; every field narrows the rows. */
export interface RequestLogQuery {
  /** Rows that started at or after this time (ms since the epoch). */
  since?: number;
  /** An exact status (`429`) or a class (`5` for 5xx). */
  status?: { exact: number } | { class: number };
  /** Matches the requested or the mapped model. */
  model?: string;
  account?: string;
  protocol?: string;
  provider?: string;
  /** Only rows written after this cursor (the `cursor` of a row read before): for following the log. */
  after?: number;
  /** The newest rows up to this many (default 100, at most 10,000). */
  limit?: number;
}

/** A row as read back with its position in the table, for following the log. */
export interface CursorRequestLog extends StoredRequestLog {
  cursor: number;
}

/** An account's newest failed attempt: when, the upstream's status (0 = no answer) and agw's error class. */
export interface AccountFailure {
  provider: string;
  accountId: string;
  at: number;
  status: number;
  errorClass?: string;
}

/** `all` is one group of every request, for totals. */
/** One group of `summarize`: requests of one model and account, failed or not, in one latency bucket (null: no latency). */
export interface RequestSummaryRow {
  model: string | null;
  account: string | null;
  failed: boolean;
  bucket: number | null;
  requests: number;
  inputTokens: number;
  outputTokens: number;
}

/**
 * Latency buckets on a log scale: bucket b holds latencies in
 * [e^(b/16) − 1, e^((b+1)/16) − 1) ms, each about 6% wider than the last, so
 * a percentile read from them is within 3% of the exact one.
 */
export const LATENCY_BUCKETS_PER_E = 16;

/** The middle (geometric) of a latency bucket, in milliseconds. */
export function bucketLatencyMs(bucket: number): number {
  return Math.exp((bucket + 0.5) / LATENCY_BUCKETS_PER_E) - 1;
}

export type RequestLogGrouping = "model" | "account" | "provider" | "protocol" | "key";

/** One group of `agw stats`. */
export interface RequestLogStats {
  /** Null for requests without one (e.g. rejected before a model or account was chosen). */
  group: string | null;
  requests: number;
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
  inputTokens: number;
  outputTokens: number;
  /** US dollars, summed over the requests whose model has a price (`stats` gives it; the overview does not). */
  costUsd?: number;
}

/** What every request-log store does, SQLite or Postgres (the shared suite: request-logs.contract.test.ts). */
export interface RequestLogRecords {
  /** Queues a row; written with the next batch (`flush` writes it now). */
  record(row: RequestLogRow): void;
  flush(): Awaitable<void>;
  get(id: string): Awaitable<StoredRequestLog | undefined>;
  query(query?: RequestLogQuery): Awaitable<CursorRequestLog[]>;
  stats(by: RequestLogGrouping, query?: Pick<RequestLogQuery, "since">): Awaitable<RequestLogStats[]>;
  lastFailures(since: number): Awaitable<AccountFailure[]>;
  summarize(from: number, until: number): Awaitable<RequestSummaryRow[]>;
  prune(before: number): Awaitable<number>;
}

export const GROUP_COLUMNS: Record<RequestLogGrouping, string> = {
  model: "COALESCE(requested_model, mapped_model)",
  account: "account_id",
  provider: "provider",
  protocol: "protocol",
  key: "key_id",
};

/** Rows one INSERT writes at most: 64 × 22 columns stays well under SQLite's 32,766 bound parameters. */
const ROWS_PER_INSERT = 64;
/** The INSERTs there are, by rows, largest first: any count is written with a few of them. */
const INSERT_SIZES = [ROWS_PER_INSERT, 16, 4, 1] as const;

/** Latencies read per group for the percentiles: enough for a stable p95, bounded in memory. */
const PERCENTILE_SAMPLE = 100_000;

export class RequestLogStore implements RequestLogRecords {
  /** INSERT statements by how many rows they write (INSERT_SIZES), made at first use. */
  private readonly inserts = new Map<number, Statement>();
  private readonly summary: Statement;
  /** Rows queued, oldest first; those before `next` are written. */
  private rows: RequestLogRow[] = [];
  private next = 0;
  /** Queued writes whose rows an earlier write of the same run already wrote. */
  private writtenAhead = 0;

  constructor(
    private readonly db: Database,
    private readonly queue: WriteQueue,
  ) {
    this.summary = db.query(`
      SELECT COALESCE(requested_model, mapped_model) AS model, account_id AS account, status >= 400 AS failed,
        CAST(ln(latency_ms + 1) * ${LATENCY_BUCKETS_PER_E} AS INTEGER) AS bucket, COUNT(*) AS requests,
        COALESCE(SUM(input_tokens), 0) AS input_tokens, COALESCE(SUM(output_tokens), 0) AS output_tokens
      FROM request_logs WHERE started_at >= ?1 AND started_at < ?2
      GROUP BY model, account, failed, bucket`);
  }

  /** Queues the row; it reaches the database with the next batch. */
  record(row: RequestLogRow): void {
    // One queued write per row, so the queue's depth and batching stay as they are; the same function each time.
    if (this.queue.enqueue(this.writeQueued)) this.rows.push(row);
  }

  /**
   * A queued row's write, run by the queue in order: the first of a run writes
   * every row waiting (up to ROWS_PER_INSERT) with a few multi-row INSERTs,
   * and the writes queued for the rows it took do nothing. One statement for
   * 64 rows costs about a third less per row than 64 statements. A transaction the database
   * refuses loses the rows its INSERTs took, up to 64 of which may have been
   * queued for the next transaction (before, exactly those queued in it).
   */
  private readonly writeQueued = (): void => {
    if (this.writtenAhead > 0) {
      this.writtenAhead--;
      return;
    }
    const rows = this.rows;
    const start = this.next;
    const count = Math.min(rows.length - start, ROWS_PER_INSERT);
    if (count === 0) return;
    this.writtenAhead = count - 1;
    // Taken before the INSERT runs (a refused one does not leave them to be written again), and the
    // list started over once all is taken, or shortened now and then, rather than copied at each batch.
    this.next = start + count;
    if (this.next === rows.length) {
      this.rows = [];
      this.next = 0;
    } else if (this.next >= 4_096) {
      this.rows = rows.slice(this.next);
      this.next = 0;
    }
    // A statement for each of a few sizes, not one per count: a prepared 64-row INSERT holds a
    // sizeable program, and 64 of them (one per count seen) kept ~10 MB more resident under load.
    // The values go straight into one array passed whole (bun:sqlite binds a lone array's elements):
    // an array per row spread into a growing list, then 1,408 arguments spread into run(), cost a
    // third of the row's write.
    let index = start;
    for (const size of INSERT_SIZES) {
      while (start + count - index >= size) {
        const values: Array<string | number | boolean | null> = new Array(size * REQUEST_LOG_COLUMNS.length);
        let at = 0;
        for (const end = index + size; index < end; index++) at = writeRequestLogValues(values, at, rows[index]!);
        this.insertOf(size).run(values);
      }
    }
  };

  private insertOf(rows: number): Statement {
    let statement = this.inserts.get(rows);
    if (statement === undefined) {
      const placeholders = `(${REQUEST_LOG_COLUMNS.map(() => "?").join(", ")})`;
      statement = this.db.query(
        `INSERT OR REPLACE INTO request_logs (${REQUEST_LOG_COLUMNS.join(", ")}) VALUES ${Array.from({ length: rows }, () => placeholders).join(", ")}`,
      );
      this.inserts.set(rows, statement);
    }
    return statement;
  }

  /** Writes every queued write now. */
  flush(): void {
    this.queue.flush();
  }

  get(id: string): StoredRequestLog | undefined {
    const row = this.db.query("SELECT * FROM request_logs WHERE id = ?").get(id) as Record<string, unknown> | null;
    return row === null ? undefined : requestLogFromRow(row);
  }

  recent(limit = 100): StoredRequestLog[] {
    return (this.db.query("SELECT * FROM request_logs ORDER BY started_at DESC LIMIT ?").all(limit) as Record<
      string,
      unknown
    >[]).map(requestLogFromRow);
  }

  /** Rows matching the query, oldest first (the newest `limit` of them). */
  query(query: RequestLogQuery = {}): CursorRequestLog[] {
    const [where, parameters] = whereClause(query);
    const limit = Math.min(Math.max(1, query.limit ?? 100), 10_000);
    const rows = this.db
      .query(`SELECT rowid AS cursor, * FROM request_logs ${where} ORDER BY rowid DESC LIMIT ${limit}`)
      .all(...parameters) as Record<string, unknown>[];
    return rows.reverse().map((row) => ({ ...requestLogFromRow(row), cursor: row.cursor as number }));
  }

  /** Per group: requests, errors (status 400 and above), p50/p95 latency and token totals; busiest group first. */
  stats(by: RequestLogGrouping, query: Pick<RequestLogQuery, "since"> = {}): RequestLogStats[] {
    const [where, parameters] = whereClause(query);
    const column = GROUP_COLUMNS[by];
    const totals = this.db
      .query(
        `SELECT ${column} AS grp, COUNT(*) AS requests, SUM(status >= 400) AS errors,
           COALESCE(SUM(input_tokens), 0) AS input_tokens, COALESCE(SUM(output_tokens), 0) AS output_tokens,
           COALESCE(SUM(cost_usd), 0) AS cost_usd
         FROM request_logs ${where} GROUP BY grp ORDER BY requests DESC, grp`,
      )
      .all(...parameters) as Array<{ grp: string | null; requests: number; errors: number; input_tokens: number; output_tokens: number; cost_usd: number }>;
    const latencies = this.db.query(
      `SELECT latency_ms FROM request_logs ${where}${where ? " AND" : " WHERE"} ${column} IS ?${parameters.length + 1}
         AND latency_ms IS NOT NULL ORDER BY started_at DESC LIMIT ${PERCENTILE_SAMPLE}`,
    );
    return totals.map((total) => {
      const sample = (latencies.all(...parameters, total.grp) as Array<{ latency_ms: number }>).map((row) => row.latency_ms);
      sample.sort((a, b) => a - b);
      return {
        group: total.grp,
        requests: total.requests,
        errors: total.errors,
        p50Ms: percentile(sample, 0.5),
        p95Ms: percentile(sample, 0.95),
        inputTokens: total.input_tokens,
        outputTokens: total.output_tokens,
        costUsd: total.cost_usd,
      };
    });
  }

  /**
   * Each account's newest failed attempt since the given time, read from the
   * attempts of every request (a request another account then served
   * still shows the failure of the first).
   */
  lastFailures(since: number): AccountFailure[] {
    const rows = this.db
      .query(
        `SELECT r.provider AS provider, json_extract(a.value, '$.accountId') AS attempt_account, MAX(r.started_at) AS at,
           json_extract(a.value, '$.status') AS status, json_extract(a.value, '$.errorClass') AS error_class
         FROM request_logs r, json_each(r.attempt_details) a
         WHERE r.started_at >= ?1 AND (r.status >= 400 OR r.attempts > 1)
           AND r.attempt_details IS NOT NULL AND r.provider IS NOT NULL
           AND (json_extract(a.value, '$.errorClass') IS NOT NULL OR json_extract(a.value, '$.status') >= 400)
         GROUP BY r.provider, attempt_account`,
      )
      .all(since) as Array<{ provider: string; attempt_account: string; at: number; status: number | null; error_class: string | null }>;
    return rows.map((row) => ({
      provider: row.provider,
      accountId: row.attempt_account,
      at: row.at,
      status: row.status ?? 0,
      ...(row.error_class === null ? {} : { errorClass: row.error_class }),
    }));
  }

  /**
   * The requests of [from, until) summed per model (requested, else mapped),
   * account, failed or not, and latency bucket (see `latencyBucket`): what
   * the dashboard's overview adds up, one short slice of time per call so
   * that no call holds the event loop for long.
   */
  summarize(from: number, until: number): RequestSummaryRow[] {
    return (this.summary.all(from, until) as Array<{ model: string | null; account: string | null; failed: number; bucket: number | null; requests: number; input_tokens: number; output_tokens: number }>).map(
      (row) => ({
        model: row.model,
        account: row.account,
        failed: row.failed === 1,
        bucket: row.bucket,
        requests: row.requests,
        inputTokens: row.input_tokens,
        outputTokens: row.output_tokens,
      }),
    );
  }

  /** Deletes rows older than the given time; returns how many. */
  prune(before: number): number {
    return this.db.query("DELETE FROM request_logs WHERE started_at < ?").run(before).changes;
  }
}

/** The WHERE clause of a query, with numbered parameters (`?1`); `cursor` names the column that orders rows as written. */
export function whereClause(query: RequestLogQuery, cursor = "rowid"): [string, Array<string | number>] {
  const conditions: string[] = [];
  const parameters: Array<string | number> = [];
  const add = (condition: string, ...values: Array<string | number>) => {
    // Numbered parameters, so one value can appear twice (the model matches either column).
    conditions.push(condition.replace(/\?/g, () => `?${parameters.length + 1}`));
    parameters.push(...values);
  };
  if (query.since !== undefined) add("started_at >= ?", query.since);
  if (query.after !== undefined) add(`${cursor} > ?`, query.after);
  if (query.status !== undefined) {
    if ("exact" in query.status) add("status = ?", query.status.exact);
    else {
      conditions.push(`status BETWEEN ?${parameters.length + 1} AND ?${parameters.length + 2}`);
      parameters.push(query.status.class * 100, query.status.class * 100 + 99);
    }
  }
  if (query.model !== undefined) {
    conditions.push(`(requested_model = ?${parameters.length + 1} OR mapped_model = ?${parameters.length + 1})`);
    parameters.push(query.model);
  }
  if (query.account !== undefined) add("account_id = ?", query.account);
  if (query.protocol !== undefined) add("protocol = ?", query.protocol);
  if (query.provider !== undefined) add("provider = ?", query.provider);
  return [conditions.length === 0 ? "" : `WHERE ${conditions.join(" AND ")}`, parameters];
}

/** Nearest-rank percentile of sorted numbers; null when there are none. */
export function percentile(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

/** A row's column values in the order of REQUEST_LOG_COLUMNS (JSON fields as text; nothing stored for an empty list). */
export function requestLogValues(row: RequestLogRow): Array<string | number | boolean | null> {
  const values: Array<string | number | boolean | null> = new Array(REQUEST_LOG_COLUMNS.length);
  writeRequestLogValues(values, 0, row);
  return values;
}

/** Writes requestLogValues(row) into `values` from index `at`; returns the index after them. */
function writeRequestLogValues(values: Array<string | number | boolean | null>, at: number, row: RequestLogRow): number {
  values[at++] = row.id;
  values[at++] = row.startedAt;
  values[at++] = row.route;
  values[at++] = row.protocol ?? null;
  values[at++] = row.requestedModel ?? null;
  values[at++] = row.mappedModel ?? null;
  values[at++] = row.provider ?? null;
  values[at++] = row.accountId ?? null;
  values[at++] = row.stream;
  values[at++] = row.status;
  values[at++] = row.latencyMs ?? null;
  values[at++] = row.ttfbMs ?? null;
  values[at++] = row.inputTokens ?? null;
  values[at++] = row.outputTokens ?? null;
  values[at++] = row.attempts;
  values[at++] = row.errorClass ?? null;
  values[at++] = row.intercepted ?? null;
  values[at++] = row.attemptDetails === undefined || row.attemptDetails.length === 0 ? null : JSON.stringify(row.attemptDetails);
  values[at++] = row.warnings === undefined || row.warnings.length === 0 ? null : JSON.stringify(row.warnings);
  values[at++] = row.keyId ?? null;
  values[at++] = row.costUsd ?? null;
  values[at++] = row.images ?? null;
  return at;
}

/** The columns a request-log row is written to, in the order of requestLogValues. */
export const REQUEST_LOG_COLUMNS = [
  "id",
  "started_at",
  "route",
  "protocol",
  "requested_model",
  "mapped_model",
  "provider",
  "account_id",
  "stream",
  "status",
  "latency_ms",
  "ttfb_ms",
  "input_tokens",
  "output_tokens",
  "attempts",
  "error_class",
  "intercepted",
  "attempt_details",
  "warnings",
  "key_id",
  "cost_usd",
  "images",
] as const;

/** A `request_logs` row (SQLite's types) as a log row. */
export function requestLogFromRow(row: Record<string, unknown>): StoredRequestLog {
  const optional = <T>(value: unknown): T | undefined => (value === null ? undefined : (value as T));
  return {
    id: row.id as string,
    startedAt: row.started_at as number,
    route: row.route as string,
    protocol: optional(row.protocol),
    requestedModel: optional(row.requested_model),
    mappedModel: optional(row.mapped_model),
    provider: optional(row.provider),
    accountId: optional(row.account_id),
    stream: row.stream === 1,
    status: row.status as number,
    latencyMs: optional(row.latency_ms),
    ttfbMs: optional(row.ttfb_ms),
    inputTokens: optional(row.input_tokens),
    outputTokens: optional(row.output_tokens),
    attempts: row.attempts as number,
    errorClass: optional(row.error_class),
    intercepted: optional(row.intercepted),
    attemptDetails: row.attempt_details === null || row.attempt_details === undefined ? undefined : (JSON.parse(row.attempt_details as string) as unknown[]),
    warnings:
      row.warnings === null || row.warnings === undefined ? undefined : (JSON.parse(row.warnings as string) as StoredRequestLog["warnings"]),
    keyId: optional(row.key_id),
    costUsd: optional(row.cost_usd),
    images: optional(row.images),
  };
}
