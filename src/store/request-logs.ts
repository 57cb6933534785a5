import type { Database, Statement } from "bun:sqlite";
import type { WriteQueue } from "./write-queue.ts";

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
}

export interface StoredRequestLog extends RequestLogRow {}

export class RequestLogStore {
  private readonly insert: Statement;

  constructor(
    private readonly db: Database,
    private readonly queue: WriteQueue,
  ) {
    this.insert = db.query(`
      INSERT OR REPLACE INTO request_logs (id, started_at, route, protocol, requested_model, mapped_model, provider,
        account_id, stream, status, latency_ms, ttfb_ms, input_tokens, output_tokens, attempts, error_class, intercepted,
        attempt_details, warnings)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)`);
  }

  /** Queues the row; it reaches the database with the next batch. */
  record(row: RequestLogRow): void {
    this.queue.enqueue(() =>
      this.insert.run(
        row.id,
        row.startedAt,
        row.route,
        row.protocol ?? null,
        row.requestedModel ?? null,
        row.mappedModel ?? null,
        row.provider ?? null,
        row.accountId ?? null,
        row.stream ? 1 : 0,
        row.status,
        row.latencyMs ?? null,
        row.ttfbMs ?? null,
        row.inputTokens ?? null,
        row.outputTokens ?? null,
        row.attempts,
        row.errorClass ?? null,
        row.intercepted ?? null,
        row.attemptDetails === undefined || row.attemptDetails.length === 0 ? null : JSON.stringify(row.attemptDetails),
        row.warnings === undefined || row.warnings.length === 0 ? null : JSON.stringify(row.warnings),
      ),
    );
  }

  get(id: string): StoredRequestLog | undefined {
    const row = this.db.query("SELECT * FROM request_logs WHERE id = ?").get(id) as Record<string, unknown> | null;
    return row === null ? undefined : fromRow(row);
  }

  recent(limit = 100): StoredRequestLog[] {
    return (this.db.query("SELECT * FROM request_logs ORDER BY started_at DESC LIMIT ?").all(limit) as Record<
      string,
      unknown
    >[]).map(fromRow);
  }

  /** Deletes rows older than the given time; returns how many. */
  prune(before: number): number {
    return this.db.query("DELETE FROM request_logs WHERE started_at < ?").run(before).changes;
  }
}

function fromRow(row: Record<string, unknown>): StoredRequestLog {
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
  };
}
