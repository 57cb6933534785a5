import type { LoadedConfig } from "../config/load.ts";
import type { EffectiveAuthMode } from "../server/auth.ts";
import { isPostgresUrl } from "../util/postgres-url.ts";

/** What agw prints on start: where it listens, how it guards, what it serves. Never a key. */
export function startBanner(config: LoadedConfig, url: URL, authMode: EffectiveAuthMode, version: string, clientKeys = 0): string[] {
  const lines = [`agw ${version} listening on ${url.href.replace(/\/$/, "")}`];
  const source = config.file === undefined ? "built-in defaults (no config file)" : config.file;
  lines.push(`config: ${source}`, `database: ${displayDatabase(config.database)}`);
  const clients = clientKeys === 0 ? "" : `${clientKeys} client key${clientKeys === 1 ? "" : "s"}`;
  const keyState =
    config.auth.apiKey === "" ? (clients === "" ? "no key configured" : clients) : clients === "" ? "key configured" : `all-access key and ${clients}`;
  lines.push(
    `auth: ${authMode}${authMode === "off" ? (clients === "" ? "" : ` (${clients}: counted and limited when a client sends one, not required)`) : ` (${keyState})`}`,
  );
  const adminKey = config.auth.adminKey || config.auth.apiKey;
  lines.push(
    adminKey === ""
      ? "dashboard: closed until auth.adminKey (or auth.apiKey) is set"
      : `dashboard: ${url.href.replace(/\/$/, "")}/ui (sign in with auth.adminKey${config.auth.adminKey ? "" : ", here auth.apiKey"})`,
  );
  const providers = Object.entries(config.providers);
  if (providers.length === 0) {
    lines.push(
      "providers: none — add one to the config's \"providers\" (see examples/agw.json), e.g. { \"demo\": { \"type\": \"mock\" } }",
    );
  }
  for (const [name, entry] of providers) {
    if (entry.type === "mock") {
      lines.push(`provider ${name}: mock (local, no network)`);
      continue;
    }
    const usable = entry.accounts.filter((a) => a.enabled && (a.apiKey ?? "") !== "").length;
    const unusable = entry.accounts.length - usable;
    lines.push(
      `provider ${name}: ${entry.type}, ${usable} account(s) ready${unusable > 0 ? `, ${unusable} disabled or without a key` : ""}`,
    );
  }
  if (config.allowLanAccess && config.auth.apiKey === "" && authMode !== "off") {
    lines.push("WARNING: LAN access is on and no auth.apiKey is set: every guarded request will be refused with 401.");
  }
  if (authMode === "off" && config.auth.apiKey !== "") {
    lines.push(
      `WARNING: auth.apiKey is set but NOT enforced: auth.mode is ${config.auth.mode}${config.auth.mode === "auto" ? " without allowLanAccess" : ""}, so auth is off. Set auth.mode to "strict" to require the key.`,
    );
  }
  if (config.allowLanAccess && authMode === "off") {
    lines.push("WARNING: LAN access is on with auth off: anyone on your network can use your upstream accounts.");
  }
  return lines;
}

/** The database as shown: a Postgres URL without its password. */
export function displayDatabase(database: string): string {
  if (!isPostgresUrl(database)) return database;
  try {
    const url = new URL(database);
    if (url.password !== "") url.password = "***";
    return url.href;
  } catch {
    return "(a Postgres URL)";
  }
}
