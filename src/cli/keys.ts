import { formatIssue } from "../config/format-issues.ts";
import { changeKey, createKey, KeyOperationError, keyChangeSchema, newKeySchema, revokeKey, setKeyEnabled, viewKeys, type KeyView } from "../keys/manage.ts";
import type { AccountsDatabase, KeysCommand } from "./args.ts";
import { formatUsd } from "../pricing/index.ts";
import { EXIT_NOT_DONE, EXIT_OK, EXIT_USAGE, openLogDatabase, type LogReaderIO } from "./logs.ts";

/** Where `agw keys` writes, and the environment its config's `${VAR}`s come from. Exits: 0 done, 1 no such key or a change that cannot be made (a config key, a revoked one), 2 usage. */
export type KeysIO = LogReaderIO;

/**
 * Runs `agw keys …` on the database directly (SQLite in WAL mode: safe while
 * the server runs, which reloads its keys within a second of the change).
 * Returns the exit status. The secret of a new key is printed once, here.
 */
export async function runKeys(options: AccountsDatabase, command: KeysCommand, io: KeysIO): Promise<number> {
  if (command.action === "help") return EXIT_OK;
  const store = await openLogDatabase(options, io, command.action === "create");
  if (typeof store === "number") return store;
  try {
    switch (command.action) {
      case "list": {
        const keys = await viewKeys(store);
        if (command.json) for (const key of keys) io.stdout(JSON.stringify(key));
        else io.stdout(keys.length === 0 ? "no client keys (make one with: agw keys create --name NAME)" : formatKeysTable(keys));
        return EXIT_OK;
      }
      case "show": {
        const key = (await viewKeys(store, Date.now(), command.id))[0];
        if (key === undefined) throw new KeyOperationError("not_found", `no key with the id '${command.id}'`);
        io.stdout(command.json ? JSON.stringify(key) : formatKey(key));
        return EXIT_OK;
      }
      case "create": {
        const input = newKeySchema.safeParse(command.fields);
        if (!input.success) return invalid(input.error.issues.map(formatIssue), io);
        const { key, secret } = await createKey(store, input.data);
        if (command.json) io.stdout(JSON.stringify({ id: key.id, key: secret, ...withoutId(key) }));
        else {
          io.stdout(`created the key '${key.id}'. Its secret, shown this once (agw keeps only its SHA-256):\n\n  ${secret}\n`);
          io.stdout(formatKey(key));
        }
        return EXIT_OK;
      }
      case "set": {
        const change = keyChangeSchema.safeParse(command.fields);
        if (!change.success) return invalid(change.error.issues.map(formatIssue), io);
        const key = await changeKey(store, command.id, change.data);
        io.stdout(command.json ? JSON.stringify(key) : `changed the key '${key.id}'\n${formatKey(key)}`);
        return EXIT_OK;
      }
      case "enable":
      case "disable":
      case "revoke": {
        const key = command.action === "revoke" ? await revokeKey(store, command.id) : await setKeyEnabled(store, command.id, command.action === "enable");
        io.stdout(command.json ? JSON.stringify(key) : `the key '${key.id}' is ${key.status} (the server applies it within a second)`);
        return EXIT_OK;
      }
    }
    return EXIT_OK;
  } catch (error) {
    if (error instanceof KeyOperationError) {
      io.stderr(`agw: ${error.message}`);
      return error.reason === "invalid" ? EXIT_USAGE : EXIT_NOT_DONE;
    }
    throw error;
  } finally {
    await store.close();
  }
}

function invalid(problems: string[], io: KeysIO): number {
  for (const problem of problems) io.stderr(`agw: ${problem}`);
  return EXIT_USAGE;
}

function withoutId(key: KeyView): Omit<KeyView, "id"> {
  const { id: _id, ...rest } = key;
  return rest;
}

/** What a key may do, in one short phrase: `60 rpm, 1000 req/day, $25/month, models gemini-*`. */
function limitsOf(key: KeyView): string {
  const parts = [
    key.rpm !== undefined ? `${key.rpm} rpm` : "",
    key.tpm !== undefined ? `${key.tpm} tpm` : "",
    key.dailyRequests !== undefined ? `${key.dailyRequests} req/day` : "",
    key.dailyTokens !== undefined ? `${key.dailyTokens} tokens/day` : "",
    key.monthlyBudgetUsd !== undefined ? `${formatUsd(key.monthlyBudgetUsd)}/month` : "",
    key.models !== undefined && key.models.length > 0 ? `models ${key.models.join(",")}` : "",
    key.expiresAt !== undefined ? `expires ${key.expiresAt}` : "",
  ].filter((part) => part !== "");
  return parts.length === 0 ? "no limits" : parts.join(", ");
}

/** The `list` table: one row per key, its usage today and this month; never a secret. */
export function formatKeysTable(keys: readonly KeyView[]): string {
  const header = ["ID", "NAME", "STATUS", "TODAY", "MONTH", "LIMITS"];
  const rows = keys.map((key) => [
    key.id,
    key.name ?? "-",
    key.source === "config" ? `${key.status} (config)` : key.status,
    `${key.usage.today.requests} req, ${key.usage.today.inputTokens + key.usage.today.outputTokens} tok`,
    `${key.usage.month.requests} req, ${formatUsd(key.usage.month.costUsd)}`,
    limitsOf(key),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

function formatKey(key: KeyView): string {
  const today = key.usage.today;
  const month = key.usage.month;
  return [
    `id:       ${key.id}${key.name === undefined ? "" : ` (${key.name})`}`,
    `status:   ${key.status}${key.source === "config" ? ", from the config file" : ""}${key.revokedAt === undefined ? "" : ` at ${key.revokedAt}`}`,
    `limits:   ${limitsOf(key)}`,
    `today:    ${today.requests} requests, ${today.inputTokens} input + ${today.outputTokens} output tokens, ${formatUsd(today.costUsd)}`,
    `month:    ${month.requests} requests, ${month.inputTokens} input + ${month.outputTokens} output tokens, ${formatUsd(month.costUsd)}`,
    `created:  ${key.createdAt}`,
    ...(key.metadata === undefined ? [] : [`metadata: ${JSON.stringify(key.metadata)}`]),
  ].join("\n");
}
