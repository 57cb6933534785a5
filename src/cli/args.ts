/** The command line, parsed. */
export type Command =
  | { kind: "serve"; config?: string; host?: string; port?: number }
  | { kind: "check-config"; file: string }
  | { kind: "models"; config?: string; refresh: boolean }
  | { kind: "accounts"; database: AccountsDatabase; command: AccountsCommand }
  | { kind: "keys"; database: AccountsDatabase; command: KeysCommand }
  | { kind: "logs"; database: AccountsDatabase; options: LogsOptions }
  | { kind: "stats"; database: AccountsDatabase; options: StatsOptions }
  | { kind: "service"; command: ServiceCommand }
  /** `text`: a subcommand's own help; the general usage otherwise. */
  | { kind: "help"; text?: string }
  | { kind: "version" };

/** `agw service install|uninstall|status`. */
export interface ServiceCommand {
  action: "install" | "uninstall" | "status";
  /** The user's own service manager instead of the system's. */
  user: boolean;
  /** The config the service runs with (default ./agw.json), for install. */
  config?: string;
  /** Print the file and the commands instead of doing it. */
  print: boolean;
}

/** `agw logs`: which request-log rows, and how to print them. */
export interface LogsOptions {
  /** Milliseconds back from now. */
  sinceMs?: number;
  status?: { exact: number } | { class: number };
  model?: string;
  account?: string;
  follow: boolean;
  json: boolean;
}

/** `agw stats`: the window and the grouping. */
export interface StatsOptions {
  /** Milliseconds back from now (default 24 h). */
  sinceMs: number;
  by: "model" | "account" | "provider" | "protocol" | "key";
  json: boolean;
}

/** Where `agw accounts` finds the database: the config's `database`, or a path given directly. */
export interface AccountsDatabase {
  config?: string;
  db?: string;
}

/** Where `agw accounts add` takes the credentials from. */
export type CredentialSource =
  | { apiKey: string }
  | { apiKeyEnv: string }
  | { apiKeyStdin: true }
  | { oauthJson: string };

export type AccountsCommand =
  | { action: "help" }
  | { action: "list"; provider?: string; json: boolean }
  | {
      action: "add";
      provider: string;
      id: string;
      credentials: CredentialSource;
      weight?: number;
      priority?: number;
      models?: string[];
      dailyRequests?: number;
      dailyTokens?: number;
      disabled: boolean;
    }
  | { action: "remove" | "enable" | "disable" | "reset"; id: string; provider?: string };

/**
 * `agw keys …`. Limits travel as the JSON fields the admin API takes
 * (`{"rpm": 60, "models": ["gemini-*"]}`, null to clear one), checked by
 * one schema when the command runs.
 */
export type KeysCommand =
  | { action: "help" }
  | { action: "list"; json: boolean }
  | { action: "show" | "revoke" | "enable" | "disable"; id: string; json: boolean }
  | { action: "create"; fields: Record<string, unknown>; json: boolean }
  | { action: "set"; id: string; fields: Record<string, unknown>; json: boolean };

export class UsageError extends Error {}

export const USAGE = `agw — an AI API gateway: every client protocol, every upstream, one binary.

Usage:
  agw [--config FILE] [--host HOST] [--port PORT]   start the gateway (default config: ./agw.json)
  agw check-config FILE                             validate a config file; exit 0 if valid, 2 if not
  agw models [--config FILE] [--refresh]            the model names clients can use; --refresh asks each upstream too
  agw accounts list|add|remove|enable|disable|reset manage upstream accounts (agw accounts --help)
  agw keys create|list|show|set|enable|disable|revoke
                                                    client keys with their own models, limits and budget (agw keys --help)
  agw logs [--since 1h] [--status 5xx] [--model M] [--account A] [--follow] [--json]
                                                    the request log, read from the database (also while the server runs)
  agw stats [--since 24h] [--by model|account|provider|protocol|key] [--json]
                                                    requests, errors, p50/p95 latency and tokens per group
  agw service install|uninstall|status [--user] [--config PATH] [--print]
                                                    run agw under systemd (Linux) or launchd (macOS)
  agw COMMAND --help                                a command's own options
  agw --help                                        this text
  agw --version                                     version and git commit

Dashboard: http://HOST:PORT/ui, signed in with auth.adminKey.
Docs: README.md — config reference, client recipes, troubleshooting.`;

export function parseArgs(argv: readonly string[]): Command {
  const args = [...argv];
  if (args[0] === "accounts") return parseAccountsArgs(args.slice(1));
  if (args[0] === "keys") return parseKeysArgs(args.slice(1));
  if (args[0] === "service") return parseServiceArgs(args.slice(1));
  if (args[0] === "logs" || args[0] === "stats") return parseLogArgs(args[0], args.slice(1));
  if (args[0] === "models") {
    const command: Extract<Command, { kind: "models" }> = { kind: "models", refresh: false };
    for (let index = 1; index < args.length; index++) {
      const arg = args[index]!;
      if (arg === "--help" || arg === "-h") return { kind: "help", text: "usage: agw models [--config FILE] [--refresh]\n\nThe model names clients can use: the config's mapping and each provider's models; --refresh asks each upstream for its list too." };
      if (arg === "--refresh") command.refresh = true;
      else if (arg === "--config" && args[index + 1] !== undefined) command.config = args[++index];
      else if (arg.startsWith("--config=")) command.config = arg.slice("--config=".length);
      else throw new UsageError("usage: agw models [--config FILE] [--refresh]");
    }
    return command;
  }
  if (args[0] === "check-config") {
    if (args.length !== 2 || args[1]!.startsWith("-")) throw new UsageError("usage: agw check-config FILE");
    return { kind: "check-config", file: args[1]! };
  }
  const command: Extract<Command, { kind: "serve" }> = { kind: "serve" };
  while (args.length > 0) {
    const arg = args.shift()!;
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => {
      const next = inline ?? args.shift();
      if (next === undefined || next === "") throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case "-h":
      case "--help":
        return { kind: "help" };
      case "-v":
      case "--version":
        return { kind: "version" };
      case "-c":
      case "--config":
        command.config = value();
        break;
      case "--host":
        command.host = value();
        break;
      case "-p":
      case "--port": {
        const text = value();
        const port = Number(text);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: expected a number from 0 to 65535, got '${text}'`);
        command.port = port;
        break;
      }
      default:
        throw new UsageError(`unknown argument '${arg}' (see agw --help)`);
    }
  }
  return command;
}

export const ACCOUNTS_USAGE = `agw accounts — manage upstream accounts in the gateway's database, even while it runs
(the server notices the change and reloads its accounts within a second).

Usage:
  agw accounts list [--provider P] [--json]
  agw accounts add --provider P --id ID (--api-key-env VAR | --api-key - | --oauth-json FILE)
                   [--weight N] [--priority N] [--models a,b] [--daily-requests N] [--daily-tokens N] [--disabled]
  agw accounts remove ID [--provider P]
  agw accounts enable ID [--provider P]
  agw accounts disable ID [--provider P]
  agw accounts reset ID [--provider P]     clear the disabled reason, cooldowns and failure streaks

Every command also takes:
  --config FILE   the gateway's config (default ./agw.json): its database, and the providers add accepts
  --db PATH       the database itself: a SQLite file or a postgres:// URL (default: the config's, or ./agw.db without a config)

The key: --api-key-env VAR reads it from an environment variable, --api-key - from stdin
(e.g. 'pass show gemini | agw accounts add … --api-key -'). --api-key KEY works too, but a key
on the command line ends up in your shell history and the process list.
--oauth-json FILE is a refresh-token grant: {"tokenUrl", "clientId", "clientSecret"?, "refreshToken", "extraParams"?}.

ID alone is enough when no other provider has an account with that id; otherwise add --provider.
list never prints a key, token or secret.

Exit status: 0 done, 1 no such account or nothing to change, 2 usage error.`;

const ACCOUNT_ACTIONS = ["list", "add", "remove", "enable", "disable", "reset"] as const;
const SHORT_USAGE = "usage: agw accounts list|add|remove|enable|disable|reset … (see agw accounts --help)";

function count(flag: string, text: string, min: number): number {
  const number = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(number) || number < min) {
    throw new UsageError(`${flag}: expected ${min === 0 ? "a whole number" : "a positive whole number"}, got '${text}'`);
  }
  return number;
}

/** `agw accounts ACTION …`: flags may come before or after the account id. */
function parseAccountsArgs(argv: readonly string[]): Command {
  const args = [...argv];
  const database: AccountsDatabase = {};
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  let action: (typeof ACCOUNT_ACTIONS)[number] | undefined;
  const valued = new Set([
    "--config",
    "--db",
    "--provider",
    "--id",
    "--api-key",
    "--api-key-env",
    "--oauth-json",
    "--weight",
    "--priority",
    "--models",
    "--daily-requests",
    "--daily-tokens",
  ]);
  const switches = new Set(["--json", "--disabled"]);
  while (args.length > 0) {
    const arg = args.shift()!;
    if (arg === "-h" || arg === "--help" || arg === "help") return { kind: "accounts", database, command: { action: "help" } };
    if (!arg.startsWith("-") || arg === "-") {
      if (action === undefined) {
        if (!(ACCOUNT_ACTIONS as readonly string[]).includes(arg)) throw new UsageError(`unknown accounts command '${arg}'; ${SHORT_USAGE}`);
        action = arg as (typeof ACCOUNT_ACTIONS)[number];
      } else positional.push(arg);
      continue;
    }
    const equals = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = equals === -1 ? (arg === "-c" ? "--config" : arg) : arg.slice(0, equals);
    if (switches.has(flag)) {
      if (equals !== -1) throw new UsageError(`${flag} takes no value`);
      flags.set(flag, true);
      continue;
    }
    if (!valued.has(flag)) throw new UsageError(`unknown argument '${arg}' (see agw accounts --help)`);
    const value = equals === -1 ? args.shift() : arg.slice(equals + 1);
    // `-` is a value (stdin); `--something` is the next flag, not this one's value.
    if (value === undefined || value === "" || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    if (flags.has(flag)) throw new UsageError(`${flag} given twice`);
    flags.set(flag, value);
  }
  if (action === undefined) throw new UsageError(SHORT_USAGE);
  const text = (flag: string) => flags.get(flag) as string | undefined;
  if (text("--config") !== undefined) database.config = text("--config");
  if (text("--db") !== undefined) database.db = text("--db");
  const allowed: Record<(typeof ACCOUNT_ACTIONS)[number], string[]> = {
    list: ["--provider", "--json"],
    add: [
      "--provider",
      "--id",
      "--api-key",
      "--api-key-env",
      "--oauth-json",
      "--weight",
      "--priority",
      "--models",
      "--daily-requests",
      "--daily-tokens",
      "--disabled",
    ],
    remove: ["--provider"],
    enable: ["--provider"],
    disable: ["--provider"],
    reset: ["--provider"],
  };
  for (const flag of flags.keys()) {
    if (flag !== "--config" && flag !== "--db" && !allowed[action].includes(flag)) {
      throw new UsageError(`${flag} does not apply to 'agw accounts ${action}'`);
    }
  }
  const provider = text("--provider");
  switch (action) {
    case "list":
      if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'; usage: agw accounts list [--provider P] [--json]`);
      return { kind: "accounts", database, command: { action, json: flags.has("--json"), ...(provider ? { provider } : {}) } };
    case "add":
      return { kind: "accounts", database, command: parseAdd(text, flags.has("--disabled"), positional) };
    default: {
      if (positional.length !== 1) throw new UsageError(`usage: agw accounts ${action} ID [--provider P]`);
      return { kind: "accounts", database, command: { action, id: positional[0]!, ...(provider ? { provider } : {}) } };
    }
  }
}

function parseAdd(text: (flag: string) => string | undefined, disabled: boolean, positional: string[]): AccountsCommand {
  const usage = "usage: agw accounts add --provider P --id ID (--api-key-env VAR | --api-key - | --oauth-json FILE) [options]";
  if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'; ${usage}`);
  const provider = text("--provider");
  const id = text("--id");
  if (provider === undefined) throw new UsageError(`--provider is required; ${usage}`);
  if (id === undefined) throw new UsageError(`--id is required; ${usage}`);
  const sources: CredentialSource[] = [];
  const apiKey = text("--api-key");
  if (apiKey === "-") sources.push({ apiKeyStdin: true });
  else if (apiKey !== undefined) sources.push({ apiKey });
  if (text("--api-key-env") !== undefined) sources.push({ apiKeyEnv: text("--api-key-env")! });
  if (text("--oauth-json") !== undefined) sources.push({ oauthJson: text("--oauth-json")! });
  if (sources.length !== 1) {
    throw new UsageError(`give exactly one of --api-key-env VAR, --api-key - (stdin), --api-key KEY or --oauth-json FILE`);
  }
  const command: Extract<AccountsCommand, { action: "add" }> = { action: "add", provider, id, credentials: sources[0]!, disabled };
  const weight = text("--weight");
  if (weight !== undefined) command.weight = count("--weight", weight, 1);
  const priority = text("--priority");
  if (priority !== undefined) command.priority = count("--priority", priority, 0);
  const requests = text("--daily-requests");
  if (requests !== undefined) command.dailyRequests = count("--daily-requests", requests, 1);
  const tokens = text("--daily-tokens");
  if (tokens !== undefined) command.dailyTokens = count("--daily-tokens", tokens, 1);
  const models = text("--models");
  if (models !== undefined) {
    const list = models.split(",").map((model) => model.trim());
    if (list.some((model) => model === "")) throw new UsageError(`--models: expected model names separated by commas, got '${models}'`);
    command.models = list;
  }
  return command;
}

export const LOGS_USAGE =
  "usage: agw logs [--config FILE | --db PATH] [--since 1h] [--status 5xx|429] [--model M] [--account A] [--follow] [--json]";
export const STATS_USAGE = "usage: agw stats [--config FILE | --db PATH] [--since 24h] [--by model|account|provider|protocol|key] [--json]";

const LOGS_HELP = `agw logs — the request log, read from the gateway's database (also while the server runs).

${LOGS_USAGE}

  --config FILE   the config whose database to read (default ./agw.json); or --db PATH for the file (or postgres:// URL) itself
  --since D       only requests from the last D: 90s, 15m, 1h, 7d (default: the newest 1,000;
                  with --follow the newest 20, then each new one)
  --status S      an exact status (429) or a class (5xx, 4xx)
  --model M       the requested or the mapped model
  --account A     the account that served the request
  --follow, -f    keep printing requests as they are logged
  --json          one JSON object per line (the row's fields in camelCase)

The dashboard (/ui) shows the same log live, with each request's attempts.`;

const STATS_HELP = `agw stats — requests, errors, p50/p95 latency and tokens per group, from the request log.

${STATS_USAGE}

  --config FILE   the config whose database to read (default ./agw.json); or --db PATH for the file (or postgres:// URL) itself
  --since D       the window: 90s, 15m, 1h, 7d (default 24h)
  --by G          group by model (default), account, provider, protocol or key (the client key's id)
  --json          one JSON object per group: group, requests, errors, p50Ms, p95Ms, inputTokens, outputTokens, costUsd

COST is each request's tokens at the pricing table's prices (the config's "pricing" over the built-in
table); requests of models without a price add nothing.`;

const SERVICE_HELP = `agw service — run agw as a service: a hardened systemd unit on Linux, a launchd plist on macOS.

  agw service install [--user] [--config PATH] [--print]
      write the unit (or plist) for this binary and config, enable and start it;
      --user: the user's own service manager; --print: write nothing, print the file and what to run
  agw service uninstall [--user] [--print]   stop, disable and remove it
  agw service status [--user]                what the service manager says about it`;

/** A duration such as `90s`, `15m`, `1h`, `7d`, in milliseconds. */
export function parseDuration(flag: string, text: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(text);
  if (match === null || Number(match[1]) === 0) throw new UsageError(`${flag}: expected a duration such as 30m, 1h or 7d, got '${text}'`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as "s" | "m" | "h" | "d"];
  return Number(match[1]) * unit;
}

function parseStatus(text: string): { exact: number } | { class: number } {
  if (/^[1-5]xx$/i.test(text)) return { class: Number(text[0]) };
  if (/^[1-5]\d\d$/.test(text)) return { exact: Number(text) };
  throw new UsageError(`--status: expected a status such as 429 or a class such as 5xx, got '${text}'`);
}

/** `agw logs …` and `agw stats …`. */
function parseLogArgs(kind: "logs" | "stats", argv: readonly string[]): Command {
  const args = [...argv];
  const usage = kind === "logs" ? LOGS_USAGE : STATS_USAGE;
  const database: AccountsDatabase = {};
  const valued = kind === "logs" ? ["--config", "--db", "--since", "--status", "--model", "--account"] : ["--config", "--db", "--since", "--by"];
  const switches = kind === "logs" ? ["--follow", "--json"] : ["--json"];
  const flags = new Map<string, string | true>();
  while (args.length > 0) {
    const arg = args.shift()!;
    if (arg === "-h" || arg === "--help") return { kind: "help", text: kind === "logs" ? LOGS_HELP : STATS_HELP };
    const equals = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = equals === -1 ? (arg === "-c" ? "--config" : arg === "-f" && kind === "logs" ? "--follow" : arg) : arg.slice(0, equals);
    if (switches.includes(flag) && equals === -1) {
      flags.set(flag, true);
      continue;
    }
    if (!valued.includes(flag)) throw new UsageError(`unknown argument '${arg}'; ${usage}`);
    const value = equals === -1 ? args.shift() : arg.slice(equals + 1);
    if (value === undefined || value === "" || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    if (flags.has(flag)) throw new UsageError(`${flag} given twice`);
    flags.set(flag, value);
  }
  const text = (flag: string) => flags.get(flag) as string | undefined;
  if (text("--config") !== undefined) database.config = text("--config");
  if (text("--db") !== undefined) database.db = text("--db");
  const since = text("--since");
  if (kind === "stats") {
    const by = text("--by") ?? "model";
    if (!["model", "account", "provider", "protocol", "key"].includes(by)) {
      throw new UsageError(`--by: expected model, account, provider, protocol or key, got '${by}'`);
    }
    const sinceMs = since === undefined ? 86_400_000 : parseDuration("--since", since);
    return { kind, database, options: { sinceMs, by: by as StatsOptions["by"], json: flags.has("--json") } };
  }
  const options: LogsOptions = { follow: flags.has("--follow"), json: flags.has("--json") };
  if (since !== undefined) options.sinceMs = parseDuration("--since", since);
  if (text("--status") !== undefined) options.status = parseStatus(text("--status")!);
  if (text("--model") !== undefined) options.model = text("--model");
  if (text("--account") !== undefined) options.account = text("--account");
  return { kind, database, options };
}

export const SERVICE_USAGE =
  "usage: agw service install [--user] [--config PATH] [--print] | agw service uninstall [--user] [--print] | agw service status [--user]";

function parseServiceArgs(argv: readonly string[]): Command {
  const args = [...argv];
  const action = args.shift();
  if (action === "-h" || action === "--help" || action === "help" || args.includes("--help") || args.includes("-h")) return { kind: "help", text: SERVICE_HELP };
  if (action !== "install" && action !== "uninstall" && action !== "status") throw new UsageError(SERVICE_USAGE);
  const command: ServiceCommand = { action, user: false, print: false };
  while (args.length > 0) {
    const arg = args.shift()!;
    if (arg === "--user") command.user = true;
    else if (arg === "--print" && action !== "status") command.print = true;
    else if ((arg === "--config" || arg === "-c") && action === "install") {
      const value = args.shift();
      if (value === undefined || value === "" || value.startsWith("--")) throw new UsageError("--config needs a value");
      command.config = value;
    } else if (arg.startsWith("--config=") && action === "install" && arg.length > "--config=".length) command.config = arg.slice("--config=".length);
    else throw new UsageError(`unknown argument '${arg}' for 'agw service ${action}'; ${SERVICE_USAGE}`);
  }
  return { kind: "service", command };
}

export const KEYS_USAGE = `agw keys — client keys: one per person or tool, each with its own models, limits and budget.
Works on the gateway's database, also while the server runs (it picks changes up within a second).

  agw keys create [--name N] [--id ID] [LIMITS] [--disabled] [--json]
      make a key; its secret (agw_…) is printed once and never stored, only its SHA-256
  agw keys list [--json]              every key with its status and its usage today and this month (UTC)
  agw keys show ID [--json]
  agw keys set ID LIMITS              change limits ('none' clears one: --rpm none)
  agw keys enable ID | disable ID     let a key in again, or keep it out for now
  agw keys revoke ID                  refuse the key for good (its usage stays in the log)

LIMITS (unset: no limit):
  --models a,b*         client model names or * globs the key may ask for (others: 403)
  --rpm N --tpm N       requests and tokens (input + output) per minute
  --daily-requests N --daily-tokens N   per UTC day
  --budget-usd X        US dollars per calendar month, by the pricing table
  --expires ISO         e.g. 2027-06-30T00:00:00Z
  --metadata JSON       any JSON object, kept with the key

  --config FILE         the config whose database to use (default ./agw.json); or --db PATH
  --json                JSON output (create: {"id", "key", …} — the only time the secret is shown)

Keys in the config file (auth.keys) are changed there; these commands list them but do not change them.`;

const KEY_ACTIONS = ["create", "list", "show", "set", "enable", "disable", "revoke"] as const;
const KEY_LIMIT_FLAGS: Record<string, { field: string; kind: "int" | "usd" | "text" | "list" | "json" }> = {
  "--name": { field: "name", kind: "text" },
  "--models": { field: "models", kind: "list" },
  "--rpm": { field: "rpm", kind: "int" },
  "--tpm": { field: "tpm", kind: "int" },
  "--daily-requests": { field: "dailyRequests", kind: "int" },
  "--daily-tokens": { field: "dailyTokens", kind: "int" },
  "--budget-usd": { field: "monthlyBudgetUsd", kind: "usd" },
  "--expires": { field: "expiresAt", kind: "text" },
  "--metadata": { field: "metadata", kind: "json" },
};

/** `agw keys ACTION …`: flags may come before or after the key id. */
function parseKeysArgs(argv: readonly string[]): Command {
  const args = [...argv];
  const database: AccountsDatabase = {};
  const fields: Record<string, unknown> = {};
  const positional: string[] = [];
  let action: (typeof KEY_ACTIONS)[number] | undefined;
  let json = false;
  let disabled = false;
  let id: string | undefined;
  const usage = "usage: agw keys create|list|show|set|enable|disable|revoke … (see agw keys --help)";
  const seen = new Set<string>();
  while (args.length > 0) {
    const arg = args.shift()!;
    if (arg === "-h" || arg === "--help" || arg === "help") return { kind: "keys", database, command: { action: "help" } };
    if (!arg.startsWith("-")) {
      if (action === undefined) {
        if (!(KEY_ACTIONS as readonly string[]).includes(arg)) throw new UsageError(`unknown keys command '${arg}'; ${usage}`);
        action = arg as (typeof KEY_ACTIONS)[number];
      } else positional.push(arg);
      continue;
    }
    const equals = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = equals === -1 ? (arg === "-c" ? "--config" : arg) : arg.slice(0, equals);
    if (flag === "--json" || flag === "--disabled") {
      if (equals !== -1) throw new UsageError(`${flag} takes no value`);
      if (flag === "--json") json = true;
      else disabled = true;
      continue;
    }
    if (flag !== "--config" && flag !== "--db" && flag !== "--id" && !(flag in KEY_LIMIT_FLAGS)) {
      throw new UsageError(`unknown argument '${arg}' (see agw keys --help)`);
    }
    const value = equals === -1 ? args.shift() : arg.slice(equals + 1);
    if (value === undefined || value === "" || value.startsWith("--")) throw new UsageError(`${flag} needs a value`);
    if (seen.has(flag)) throw new UsageError(`${flag} given twice`);
    seen.add(flag);
    if (flag === "--config") database.config = value;
    else if (flag === "--db") database.db = value;
    else if (flag === "--id") id = value;
    else {
      const { field, kind } = KEY_LIMIT_FLAGS[flag]!;
      fields[field] = value === "none" ? null : keyFlagValue(flag, kind, value);
    }
  }
  if (action === undefined) throw new UsageError(usage);
  const limits = Object.keys(fields).length > 0;
  const only = (allowed: boolean, what: string) => {
    if (!allowed) throw new UsageError(`${what} does not apply to 'agw keys ${action}'`);
  };
  if (action !== "create") {
    only(id === undefined, "--id");
    only(!disabled, "--disabled");
  }
  if (action !== "create" && action !== "set") only(!limits, [...seen].find((flag) => flag in KEY_LIMIT_FLAGS) ?? "");
  if (action === "list") {
    if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'; usage: agw keys list [--json]`);
    return { kind: "keys", database, command: { action, json } };
  }
  if (action === "create") {
    if (positional.length > 0) throw new UsageError(`unexpected argument '${positional[0]}'; the id is given as --id ID`);
    for (const [field, value] of Object.entries(fields)) if (value === null) throw new UsageError(`'none' only clears a limit with agw keys set (${field})`);
    return { kind: "keys", database, command: { action, json, fields: { ...fields, ...(id === undefined ? {} : { id }), ...(disabled ? { enabled: false } : {}) } } };
  }
  if (positional.length !== 1) throw new UsageError(`usage: agw keys ${action} ID${action === "set" ? " LIMITS" : ""}`);
  if (action === "set") {
    if (!limits) throw new UsageError("agw keys set ID needs at least one limit to change (see agw keys --help)");
    return { kind: "keys", database, command: { action, id: positional[0]!, fields, json } };
  }
  return { kind: "keys", database, command: { action, id: positional[0]!, json } };
}

function keyFlagValue(flag: string, kind: "int" | "usd" | "text" | "list" | "json", value: string): unknown {
  switch (kind) {
    case "int":
      return count(flag, value, 1);
    case "usd": {
      const dollars = Number(value.replace(/^\$/, ""));
      if (!/^\$?\d+(\.\d+)?$/.test(value) || !(dollars > 0)) throw new UsageError(`${flag}: expected an amount in US dollars such as 25 or 7.50, got '${value}'`);
      return dollars;
    }
    case "list":
      return value.split(",").map((item) => item.trim()).filter((item) => item !== "");
    case "json":
      try {
        return JSON.parse(value);
      } catch {
        throw new UsageError(`${flag}: expected a JSON object, got '${value}'`);
      }
    case "text":
      return value;
  }
}
