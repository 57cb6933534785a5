import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { substituteEnv, type EnvProblem } from "../config/env.ts";
import type { AccountsDatabase } from "./args.ts";
import { isPostgresUrl } from "../util/postgres-url.ts";

/** What `agw accounts` needs to know: the database, and (with a config) its providers and their accounts. */
export interface AccountsTarget {
  database: string;
  /** The config file read, absolute; undefined when there is none. */
  config?: string;
  /** Provider name → ids of the accounts the config lists. Undefined without a config: any provider goes. */
  providers?: ReadonlyMap<string, readonly string[]>;
  /** The config's secrets.key, when credentials are encrypted at rest. */
  secretKey?: string;
}

/** A problem the user has to fix in how agw was called or configured (exit 2). */
export class TargetError extends Error {}

/**
 * Finds the database like the server does: `--db`, else the `database` of
 * `--config FILE` or of ./agw.json, else ./agw.db. Only `database` and the
 * provider and account names are read from the config, not validated as a
 * whole, so the CLI works where the variables that hold the upstream keys
 * are set only for the server.
 */
export function resolveTarget(options: AccountsDatabase, env: Record<string, string | undefined>, cwd = process.cwd()): AccountsTarget {
  const file = options.config ?? (options.db === undefined && existsSync(resolve(cwd, "agw.json")) ? "agw.json" : undefined);
  const fromFlag = (db: string) => (isPostgresUrl(db) ? db : resolve(cwd, db));
  if (file === undefined) return { database: fromFlag(options.db ?? "agw.db") };
  const path = resolve(cwd, file);
  const raw = readConfig(path);
  const providers = new Map<string, string[]>();
  const entries = raw.providers ?? {};
  if (typeof entries !== "object" || entries === null || Array.isArray(entries)) throw new TargetError(`${path}: providers: expected an object`);
  for (const [name, entry] of Object.entries(entries as Record<string, unknown>)) {
    const accounts = (entry as { accounts?: unknown } | null)?.accounts;
    providers.set(
      name,
      Array.isArray(accounts) ? accounts.flatMap((a) => (typeof (a as { id?: unknown })?.id === "string" ? [(a as { id: string }).id] : [])) : [],
    );
  }
  const problems: EnvProblem[] = [];
  const secrets = raw.secrets as { key?: unknown } | undefined;
  const secretKey = secrets?.key === undefined ? undefined : substituteEnv(secrets.key, env, problems, "secrets.key");
  if (problems.length > 0) throw new TargetError(`${path}: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
  const withKey = typeof secretKey === "string" && secretKey !== "" ? { secretKey } : {};
  if (options.db !== undefined) return { database: fromFlag(options.db), config: path, providers, ...withKey };
  const database = substituteEnv(raw.database ?? "./agw.db", env, problems, "database");
  if (problems.length > 0) throw new TargetError(`${path}: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
  if (typeof database !== "string" || database === "") throw new TargetError(`${path}: database: expected a file path`);
  if (database === ":memory:") {
    throw new TargetError(`${path}: the database is ':memory:', which only the server itself can see; use the admin API (/admin/accounts)`);
  }
  if (isPostgresUrl(database)) return { database, config: path, providers, ...withKey };
  return { database: isAbsolute(database) ? database : resolve(dirname(path), database), config: path, providers, ...withKey };
}

function readConfig(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TargetError(`${path}: ${code === "ENOENT" ? "file not found" : `cannot read the file (${code ?? "error"})`}`);
  }
  let raw: unknown;
  try {
    raw = Bun.JSONC.parse(text);
  } catch (error) {
    throw new TargetError(`${path}: not valid JSON (comments allowed): ${(error as Error).message.replace(/^JSONC Parse error: /, "")}`);
  }
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new TargetError(`${path}: expected a JSON object`);
  return raw as Record<string, unknown>;
}
