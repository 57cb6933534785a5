import { afterAll, beforeAll, expect, test } from "bun:test";
import { SQL } from "bun";
import { startPostgres, type TestPostgres } from "../../../test/harness/postgres.ts";
import { migratePostgres } from "./migrate.ts";
import { postgresMigrations } from "./migrations.ts";

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
}, 60_000);
afterAll(async () => {
  await pg?.stop();
});

test("replicas starting together migrate once: every migration applied exactly one time, every table there", async () => {
  const replicas = Array.from({ length: 4 }, () => new SQL(pg.url));
  try {
    const applied = await Promise.all(replicas.map((sql) => migratePostgres(sql)));
    // Each version was applied by exactly one replica; the others found it done.
    expect(applied.flat().sort()).toEqual(postgresMigrations.map((_, index) => index + 1));
    const sql = replicas[0]!;
    expect(await sql`SELECT version FROM agw_schema_migrations ORDER BY version`).toEqual(postgresMigrations.map((_, index) => ({ version: index + 1 })));
    const tables = (await sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`).map(
      (row: { table_name: string }) => row.table_name,
    );
    expect(tables).toEqual([
      "account_state",
      "account_usage",
      "accounts",
      "agw_schema_migrations",
      "client_key_minutes",
      "client_key_usage",
      "client_keys",
      "oauth_tokens",
      "request_logs",
      "response_items",
      "responses",
    ]);
    // A later start has nothing to do.
    expect(await migratePostgres(sql)).toEqual([]);
    // request_logs keeps the order rows were written in, like SQLite's rowid.
    await sql`INSERT INTO request_logs (id, started_at, route, status) VALUES ('b', 2, '/x', 200), ('a', 1, '/x', 200)`;
    expect(await sql`SELECT id, seq::int AS seq FROM request_logs ORDER BY seq`).toEqual([
      { id: "b", seq: 1 },
      { id: "a", seq: 2 },
    ]);
  } finally {
    for (const sql of replicas) await sql.close();
  }
}, 60_000);

test("a database migrated by a newer agw is refused, naming both versions", async () => {
  const admin = new SQL(pg.url);
  await admin`CREATE DATABASE newer`;
  await admin.close();
  const sql = new SQL(pg.url.replace(/\/agw$/, "/newer"));
  try {
    expect(await migratePostgres(sql, ["CREATE TABLE one (n INTEGER)", "CREATE TABLE two (n INTEGER)"])).toEqual([1, 2]);
    await expect(migratePostgres(sql, ["CREATE TABLE one (n INTEGER)"])).rejects.toThrow(
      "the database schema (version 2) is newer than this agw build understands (1); use a newer agw",
    );
  } finally {
    await sql.close();
  }
}, 60_000);
