import type { SQL } from "bun";
import { postgresMigrations } from "./migrations.ts";
import { MIGRATION_LOCK } from "./locks.ts";

/**
 * Brings a Postgres database's schema up to date, once however many replicas
 * start together: each migration runs in its own transaction holding the
 * advisory lock, after reading (under the lock) whether it has run. Refuses a
 * database migrated by a newer agw. Returns the versions it applied.
 */
export async function migratePostgres(sql: SQL, migrations: readonly string[] = postgresMigrations): Promise<number[]> {
  await sql`CREATE TABLE IF NOT EXISTS agw_schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`.catch((error: unknown) => {
    // Two replicas creating the table at once: the loser's CREATE fails on the catalog's unique index; the table is there.
    if (!/already exists|duplicate key/i.test(String((error as Error).message))) throw error;
  });
  const applied: number[] = [];
  for (let version = 1; version <= migrations.length; version++) {
    const ran = await sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
      const [newest] = await tx`SELECT COALESCE(MAX(version), 0)::int AS version FROM agw_schema_migrations`;
      if (newest.version > migrations.length) {
        throw new Error(`the database schema (version ${newest.version}) is newer than this agw build understands (${migrations.length}); use a newer agw`);
      }
      if (newest.version >= version) return false;
      await tx.unsafe(migrations[version - 1]!);
      await tx`INSERT INTO agw_schema_migrations (version, applied_at) VALUES (${version}, ${Date.now()})`;
      return true;
    });
    if (ran) applied.push(version);
  }
  return applied;
}
