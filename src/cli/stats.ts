import { formatUsd } from "../pricing/index.ts";
import type { RequestLogStats } from "../store/request-logs.ts";
import type { AccountsDatabase, StatsOptions } from "./args.ts";
import { EXIT_OK, openLogDatabase, type LogReaderIO } from "./logs.ts";

/** A table, one row per group: requests, errors and their rate, p50/p95 latency, tokens. */
export function formatStatsTable(by: StatsOptions["by"], groups: readonly RequestLogStats[]): string {
  if (groups.length === 0) return "no requests in this window";
  const header = [by.toUpperCase(), "REQUESTS", "ERRORS", "ERROR%", "P50", "P95", "INPUT", "OUTPUT", "COST"];
  const rows = groups.map((group) => [
    group.group ?? "-",
    String(group.requests),
    String(group.errors),
    `${((group.errors / group.requests) * 100).toFixed(1)}%`,
    group.p50Ms === null ? "-" : `${group.p50Ms}ms`,
    group.p95Ms === null ? "-" : `${group.p95Ms}ms`,
    String(group.inputTokens),
    String(group.outputTokens),
    formatUsd(group.costUsd ?? 0),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  // The group name reads left-aligned, the numbers right-aligned.
  const line = (cells: string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** `--json`: one object per group, the group under the name of the grouping (`{"model": …}`). */
export function formatStatsJson(by: StatsOptions["by"], group: RequestLogStats): string {
  const { group: name, ...numbers } = group;
  return JSON.stringify({ [by]: name, ...numbers });
}

/** `agw stats`: the request log of the window, summed up per group. */
export async function runStats(database: AccountsDatabase, options: StatsOptions, io: LogReaderIO, now = Date.now()): Promise<number> {
  const store = await openLogDatabase(database, io);
  if (typeof store === "number") return store;
  try {
    const groups = await store.requestLogs.stats(options.by, { since: now - options.sinceMs });
    if (options.json) for (const group of groups) io.stdout(formatStatsJson(options.by, group));
    else io.stdout(formatStatsTable(options.by, groups));
    return EXIT_OK;
  } finally {
    await store.close();
  }
}

