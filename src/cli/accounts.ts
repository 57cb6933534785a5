import { existsSync, readFileSync } from "node:fs";
import { oauthSchema } from "../config/schema.ts";
import { formatIssue } from "../config/format-issues.ts";
import { accountStatuses, type AccountStatus } from "../pool/account-status.ts";
import { isPostgresUrl, openStore, type Store, type AccountCredentials, type NewAccount, type StoredAccount } from "../store/index.ts";
import type { AccountsCommand, AccountsDatabase } from "./args.ts";
import { formatAccountsTable } from "./accounts-format.ts";
import { resolveTarget, TargetError, type AccountsTarget } from "./accounts-target.ts";

export const EXIT_OK = 0;
/** No such account, or nothing to change. */
export const EXIT_NOT_DONE = 1;
export const EXIT_USAGE = 2;

/** Where the accounts CLI writes and reads, so it can run against anything. */
export interface AccountsIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** All of stdin, for `--api-key -` and `--oauth-json -`. */
  readStdin(): Promise<string>;
  /** True when stdin is a terminal: a prompt is shown before reading it. */
  stdinIsTerminal: boolean;
  env: Record<string, string | undefined>;
}

export function processIO(): AccountsIO {
  return {
    stdout: (text) => console.log(text),
    stderr: (text) => console.error(text),
    readStdin: () => Bun.stdin.text(),
    stdinIsTerminal: process.stdin.isTTY === true,
    env: process.env,
  };
}

/** Ends a command early with an exit status and a message for stderr. */
class Stop extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

type ChangeCommand = Extract<AccountsCommand, { action: "remove" | "enable" | "disable" | "reset" }>;
type AddCommand = Extract<AccountsCommand, { action: "add" }>;

/**
 * Runs `agw accounts …` on the database directly: it is SQLite in WAL mode,
 * so this is safe while the server runs, and the server reloads its accounts
 * when it sees the database change. Returns the exit status.
 */
export async function runAccounts(options: AccountsDatabase, command: AccountsCommand, io: AccountsIO = processIO()): Promise<number> {
  if (command.action === "help") return EXIT_OK;
  let store: Store | undefined;
  try {
    const target = resolveTarget(options, io.env);
    if (command.action !== "add" && !isPostgresUrl(target.database) && !existsSync(target.database)) {
      throw new Stop(EXIT_NOT_DONE, `no database at ${target.database} yet: the server creates it at start-up (or pass --config FILE / --db PATH)`);
    }
    // Read credentials before touching the database: a bad key source changes nothing.
    const credentials = command.action === "add" ? await readCredentials(command, io) : undefined;
    store = await openStore(target.database, { ...(target.secretKey ? { secretKey: target.secretKey } : {}), watch: false });
    switch (command.action) {
      case "list":
        await list(store, command, io);
        return EXIT_OK;
      case "add":
        await add(store, target, command, credentials!, io);
        return EXIT_OK;
      default:
        await change(store, command, io);
        return EXIT_OK;
    }
  } catch (error) {
    if (error instanceof Stop) {
      io.stderr(`agw: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof TargetError) {
      io.stderr(`agw: ${error.message}`);
      return EXIT_USAGE;
    }
    throw error;
  } finally {
    await store?.close();
  }
}

async function list(store: Store, command: Extract<AccountsCommand, { action: "list" }>, io: AccountsIO): Promise<void> {
  const statuses = (await accountStatuses(store)).filter((status) => command.provider === undefined || status.provider === command.provider);
  if (command.json) io.stdout(JSON.stringify({ accounts: statuses }, null, 2));
  else if (statuses.length === 0) io.stdout(command.provider === undefined ? "no accounts" : `no accounts for provider ${command.provider}`);
  else io.stdout(formatAccountsTable(statuses));
}

async function readCredentials(command: AddCommand, io: AccountsIO): Promise<AccountCredentials> {
  const source = command.credentials;
  if ("apiKey" in source) return { apiKey: source.apiKey };
  if ("apiKeyEnv" in source) {
    const key = io.env[source.apiKeyEnv];
    if (key === undefined || key === "") throw new Stop(EXIT_USAGE, `--api-key-env: environment variable ${source.apiKeyEnv} is not set`);
    return { apiKey: key };
  }
  if ("apiKeyStdin" in source) {
    if (io.stdinIsTerminal) io.stderr("Paste the API key, then press Enter and Ctrl-D:");
    const key = (await io.readStdin()).trim();
    if (key === "") throw new Stop(EXIT_USAGE, "--api-key -: no key on stdin");
    if (/\s/.test(key)) throw new Stop(EXIT_USAGE, "--api-key -: stdin holds more than one word; send the key alone");
    return { apiKey: key };
  }
  return { oauth: await readOAuth(source.oauthJson, io) };
}

async function readOAuth(file: string, io: AccountsIO): Promise<NonNullable<AccountCredentials["oauth"]>> {
  const where = file === "-" ? "stdin" : file;
  let text: string;
  try {
    text = file === "-" ? await io.readStdin() : readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Stop(EXIT_USAGE, `--oauth-json: cannot read ${where} (${code === "ENOENT" ? "file not found" : (code ?? "error")})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Stop(EXIT_USAGE, `--oauth-json: ${where} is not valid JSON: ${(error as Error).message}`);
  }
  const result = oauthSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    const problems = result.error.issues.flatMap((issue) => formatIssue(issue).split("\n"));
    throw new Stop(EXIT_USAGE, `--oauth-json: ${where} is not a refresh-token grant:\n  ${problems.join("\n  ")}`);
  }
  return result.data;
}

async function add(store: Store, target: AccountsTarget, command: AddCommand, credentials: AccountCredentials, io: AccountsIO): Promise<void> {
  const { provider, id } = command;
  if (target.providers !== undefined && !target.providers.has(provider)) {
    const known = [...target.providers.keys()];
    throw new Stop(
      EXIT_USAGE,
      `provider '${provider}' is not in ${target.config}` + (known.length > 0 ? ` (its providers: ${known.join(", ")})` : " (it has no providers)"),
    );
  }
  const existing = await store.accounts.get(provider, id);
  if (existing !== undefined) throw new Stop(EXIT_NOT_DONE, `${provider} already has an account '${id}' (from ${describeSource(existing)})`);
  if (target.providers?.get(provider)?.includes(id)) {
    throw new Stop(EXIT_NOT_DONE, `${provider} already has an account '${id}' in ${target.config}`);
  }
  const account: NewAccount = {
    provider,
    id,
    credentials,
    enabled: !command.disabled,
    weight: command.weight ?? 1,
    priority: command.priority ?? 0,
    ...(command.models === undefined ? {} : { models: command.models }),
    ...(command.dailyRequests === undefined ? {} : { dailyRequestLimit: command.dailyRequests }),
    ...(command.dailyTokens === undefined ? {} : { dailyTokenLimit: command.dailyTokens }),
  };
  if (!(await store.accounts.add(account))) throw new Stop(EXIT_NOT_DONE, `${provider} already has an account '${id}'`);
  const kind = credentials.oauth === undefined ? "api key" : "oauth";
  io.stdout(`added ${provider}/${id} (${kind}, ${account.enabled ? "enabled" : "disabled"})`);
  const others = (await store.accounts.findById(id)).filter((other) => other.provider !== provider);
  if (others.length > 0) {
    io.stderr(`note: ${others.map((o) => o.provider).join(", ")} also has an account '${id}': pass --provider when you remove, enable, disable or reset it`);
  }
}

function describeSource(account: StoredAccount): string {
  return account.source === "config" ? "the config" : "agw accounts add";
}

/** The account an ID (and maybe --provider) names; ambiguity is a usage error, absence exit 1. */
async function findAccount(store: Store, id: string, provider: string | undefined): Promise<StoredAccount> {
  if (provider !== undefined) {
    const account = await store.accounts.get(provider, id);
    if (account === undefined) throw new Stop(EXIT_NOT_DONE, `no account '${id}' in provider ${provider}`);
    return account;
  }
  const found = await store.accounts.findById(id);
  if (found.length === 0) throw new Stop(EXIT_NOT_DONE, `no account '${id}'`);
  if (found.length > 1) {
    throw new Stop(
      EXIT_USAGE,
      `more than one provider has an account '${id}' (${found.map((a) => a.provider).join(", ")}): say which with --provider`,
    );
  }
  return found[0]!;
}

async function change(store: Store, command: ChangeCommand, io: AccountsIO): Promise<void> {
  const account = await findAccount(store, command.id, command.provider);
  const name = `${account.provider}/${account.id}`;
  const fromConfig = account.source === "config";
  switch (command.action) {
    case "remove":
      await store.accounts.remove(account.provider, account.id);
      io.stdout(`removed ${name}`);
      if (fromConfig) io.stderr(`note: ${name} comes from the config file: the server adds it back at its next start unless you remove it there`);
      return;
    case "enable":
      if (account.enabled && account.disabledReason === undefined) throw new Stop(EXIT_NOT_DONE, `${name} is already enabled`);
      await store.accounts.setEnabled(account.provider, account.id, true);
      io.stdout(account.enabled ? `enabled ${name} (cleared: ${account.disabledReason})` : `enabled ${name}`);
      break;
    case "disable":
      if (!account.enabled) throw new Stop(EXIT_NOT_DONE, `${name} is already disabled`);
      await store.accounts.setEnabled(account.provider, account.id, false);
      io.stdout(`disabled ${name}`);
      break;
    case "reset": {
      const status = (await accountStatuses(store)).find((s) => s.provider === account.provider && s.id === account.id);
      if (account.disabledReason === undefined && isClean(status)) throw new Stop(EXIT_NOT_DONE, `${name} has nothing to reset`);
      await store.accounts.reset(account.provider, account.id);
      io.stdout(`reset ${name}`);
      return;
    }
  }
  if (fromConfig) io.stderr(`note: ${name} comes from the config file: its 'enabled' there applies again at the server's next start`);
}

function isClean(status: AccountStatus | undefined): boolean {
  return status === undefined || (status.cooldowns.length === 0 && status.failures === 0);
}
