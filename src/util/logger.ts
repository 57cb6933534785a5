import type { RequestLogRow } from "../store/request-logs.ts";

/**
 * The process's own lines (start-up, shutdown, errors, access lines): plain
 * text for a terminal, or one JSON object per line for journald and log
 * shippers (`logging.format`). Set once at start-up; everything before that
 * is text.
 */
export type LogFormat = "text" | "json";

let format: LogFormat = "text";

export function setLogFormat(next: LogFormat): void {
  format = next;
}

export function logFormat(): LogFormat {
  return format;
}

type Level = "info" | "warn" | "error";

function write(level: Level, message: string, fields?: Record<string, unknown>): void {
  // console is looked up per call, so tests that capture console.error still see the lines.
  const print = level === "info" ? console.log : console.error;
  if (format === "text") {
    print(message);
    return;
  }
  // Text lines start with "agw: " so a terminal shows who speaks; in JSON that is noise.
  print(JSON.stringify({ time: new Date().toISOString(), level, msg: message.replace(/^agw: /, ""), ...fields }));
}

export const log = {
  info: (message: string, fields?: Record<string, unknown>) => write("info", message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write("warn", message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write("error", message, fields),
};

/**
 * One line per finished request (`logging.access`): what was asked, where it
 * went, how it ended. Never a key, a header or a body: only the log row's
 * own fields, which hold none.
 */
export function logAccess(row: RequestLogRow): void {
  if (format === "json") {
    console.log(
      JSON.stringify({
        time: new Date(row.startedAt).toISOString(),
        level: "info",
        msg: "access",
        id: row.id,
        route: row.route,
        protocol: row.protocol,
        status: row.status,
        latencyMs: row.latencyMs,
        model: row.requestedModel,
        mappedModel: row.mappedModel,
        provider: row.provider,
        account: row.accountId,
        stream: row.stream,
        inputTokens: row.inputTokens,
        outputTokens: row.outputTokens,
        attempts: row.attempts,
        errorClass: row.errorClass,
      }),
    );
    return;
  }
  const model = row.mappedModel !== undefined && row.mappedModel !== row.requestedModel ? `${row.requestedModel}→${row.mappedModel}` : row.requestedModel;
  const upstream = row.provider === undefined ? "" : ` ${row.provider}/${row.accountId ?? "-"}`;
  const error = row.errorClass === undefined ? "" : ` error=${row.errorClass}`;
  console.log(`agw: access ${row.status} ${row.route} ${model ?? "-"}${upstream} ${row.latencyMs ?? "-"}ms id=${row.id}${error}`);
}
