import type { AccountCooldown, AccountStatus } from "../pool/account-status.ts";

/** A remaining time as people read it: `45s`, `4m12s`, `1h05m`, `2d03h`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, "0")}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h${String(minutes % 60).padStart(2, "0")}m`;
  return `${Math.floor(hours / 24)}d${String(hours % 24).padStart(2, "0")}h`;
}

/** `gemini-2.5-pro 4m12s (rate limited)`; a cooldown of every model reads `all models …`. */
export function formatCooldown(cooldown: AccountCooldown): string {
  const model = cooldown.model === "*" ? "all models" : cooldown.model;
  const reason = cooldown.reason === "" ? "" : ` (${cooldown.reason})`;
  return `${model} ${formatDuration(cooldown.remainingMs)}${reason}`;
}

const used = (value: number, limit: number | undefined) => (limit === undefined ? String(value) : `${value}/${limit}`);

const COLUMNS = ["PROVIDER", "ID", "STATE", "REASON", "COOLDOWNS", "REQUESTS", "TOKENS", "WEIGHT", "PRIORITY", "SOURCE"];

/** The accounts as an aligned table, one account per line. Shows no credentials: the status has none. */
export function formatAccountsTable(statuses: readonly AccountStatus[]): string {
  const rows = statuses.map((status) => [
    status.provider,
    status.id,
    status.state,
    // A cooling account's reasons are in the cooldowns column.
    status.state === "cooling" ? "-" : (status.reason ?? "-"),
    status.cooldowns.length === 0 ? "-" : status.cooldowns.map(formatCooldown).join(", "),
    used(status.today.requests, status.limits.requests),
    used(status.today.inputTokens + status.today.outputTokens, status.limits.tokens),
    String(status.weight),
    String(status.priority),
    status.source,
  ]);
  const table = [COLUMNS, ...rows];
  const widths = COLUMNS.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  return table
    .map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  "))
    .join("\n");
}
