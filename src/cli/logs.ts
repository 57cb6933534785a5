import { existsSync } from "node:fs";
import { isPostgresUrl, openStore, type Store } from "../store/index.ts";
import type { CursorRequestLog, RequestLogQuery, StoredRequestLog } from "../store/request-logs.ts";
import type { AccountsDatabase, LogsOptions } from "./args.ts";
import { resolveTarget, TargetError } from "./accounts-target.ts";

/** Where `agw logs` and `agw stats` write, so tests can run them in-process. */
export interface LogReaderIO {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
}

export const EXIT_OK = 0;
/** No database yet. */
export const EXIT_NOT_DONE = 1;
export const EXIT_USAGE = 2;

/** How often `--follow` looks for new rows: the server writes them in batches anyway. */
const FOLLOW_INTERVAL_MS = 500;

/**
 * Opens the gateway's database for a command (`agw logs`, `stats`, `keys`),
 * the way `agw accounts` does: SQLite in WAL mode (safe while the server
 * runs) or the Postgres URL. Returns an exit status instead when it cannot;
 * with `mayCreate`, a SQLite file that is not there yet is created.
 */
export async function openLogDatabase(database: AccountsDatabase, io: LogReaderIO, mayCreate = false): Promise<Store | number> {
  try {
    const target = resolveTarget(database, io.env);
    if (!mayCreate && !isPostgresUrl(target.database) && !existsSync(target.database)) {
      io.stderr(`agw: no database at ${target.database} yet: the server creates it at start-up (or pass --config FILE / --db PATH)`);
      return EXIT_NOT_DONE;
    }
    return await openStore(target.database, { ...(target.secretKey ? { secretKey: target.secretKey } : {}), watch: false });
  } catch (error) {
    if (error instanceof TargetError) {
      io.stderr(`agw: ${error.message}`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

/** One text line per request: time, status, route, model, where it went, latency, tokens, and what went wrong. */
export function formatLogLine(row: StoredRequestLog): string {
  const model =
    row.requestedModel === undefined ? "-" : row.mappedModel && row.mappedModel !== row.requestedModel ? `${row.requestedModel}→${row.mappedModel}` : row.requestedModel;
  const upstream = row.provider === undefined ? "-" : `${row.provider}/${row.accountId ?? "-"}`;
  const parts = [
    new Date(row.startedAt).toISOString(),
    String(row.status),
    row.route,
    model,
    upstream,
    row.latencyMs === undefined ? "-" : `${row.latencyMs}ms`,
    `in=${row.inputTokens ?? "-"} out=${row.outputTokens ?? "-"}`,
  ];
  if (row.stream) parts.push("stream");
  if (row.attempts > 1) parts.push(`attempts=${row.attempts}`);
  if (row.intercepted !== undefined) parts.push(`intercepted=${row.intercepted}`);
  if (row.errorClass !== undefined) parts.push(`error=${row.errorClass}`);
  if (row.warnings !== undefined) parts.push(`warnings=${row.warnings.map((warning) => warning.code).join(",")}`);
  return parts.join(" ");
}

/** The `--json` line: the row's own fields in camelCase, without the read cursor. */
export function formatLogJson(row: CursorRequestLog): string {
  const { cursor: _cursor, ...fields } = row;
  return JSON.stringify(fields);
}

/**
 * `agw logs`: prints the matching rows, oldest first; with `--follow` keeps
 * printing new ones until stopped (or until `signal` aborts, for tests).
 */
export async function runLogs(
  database: AccountsDatabase,
  options: LogsOptions,
  io: LogReaderIO,
  signal?: AbortSignal,
  now = Date.now(),
): Promise<number> {
  const store = await openLogDatabase(database, io);
  if (typeof store === "number") return store;
  try {
    const query: RequestLogQuery = {};
    if (options.sinceMs !== undefined) query.since = now - options.sinceMs;
    if (options.status !== undefined) query.status = options.status;
    if (options.model !== undefined) query.model = options.model;
    if (options.account !== undefined) query.account = options.account;
    const print = (rows: CursorRequestLog[]) => {
      for (const row of rows) io.stdout(options.json ? formatLogJson(row) : formatLogLine(row));
      return rows.at(-1)?.cursor;
    };
    let cursor = print(await store.requestLogs.query({ ...query, limit: options.follow ? 20 : 1_000 })) ?? (await latestCursor(store));
    while (options.follow && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, FOLLOW_INTERVAL_MS);
        signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
      });
      if (signal?.aborted) break;
      cursor = print(await store.requestLogs.query({ ...query, after: cursor, limit: 10_000 })) ?? cursor;
    }
    return EXIT_OK;
  } finally {
    await store.close();
  }
}

/** Where following starts when no row matched yet: after everything already there. */
async function latestCursor(store: Store): Promise<number> {
  return (await store.requestLogs.query({ limit: 1 })).at(-1)?.cursor ?? 0;
}
