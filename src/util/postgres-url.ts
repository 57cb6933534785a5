/**
 * Whether a `database` setting names a Postgres server (`postgres://…` or
 * `postgresql://…`) rather than a SQLite file: the one test the config, the
 * CLI and the store make. Kept apart so the config and the CLI need not load
 * the store to ask.
 */
export function isPostgresUrl(database: string): boolean {
  return /^postgres(ql)?:/i.test(database);
}

/** What is wrong with a Postgres URL (undefined when nothing is): it must name a host and a database. */
export function postgresUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "not one that parses (expected postgres://user:password@host:5432/database; a password with @ : / # ? must be percent-encoded)";
  }
  if (url.hostname === "") return "it names no host (expected postgres://user:password@host:5432/database)";
  if (url.pathname.replace(/^\//, "") === "") return "it names no database (expected postgres://user:password@host:5432/database)";
  return undefined;
}
