import { expect, test } from "bun:test";
import { SQL } from "bun";
import { startPostgres } from "./postgres.ts";

test("a real PostgreSQL server: queries, then gone while paused, then back with its data", async () => {
  const pg = await startPostgres();
  try {
    const sql = new SQL(pg.url);
    await sql`CREATE TABLE t (n INTEGER)`;
    await sql`INSERT INTO t VALUES (1), (2)`;
    expect(await sql`SELECT SUM(n)::int AS total FROM t`).toEqual([{ total: 3 }]);
    await sql.close();
    await pg.pause();
    const refused = new SQL({ url: pg.url, connectionTimeout: 2 });
    await expect(refused`SELECT 1`).rejects.toThrow();
    await refused.close().catch(() => {});
    await pg.resume();
    const again = new SQL(pg.url);
    expect(await again`SELECT SUM(n)::int AS total FROM t`).toEqual([{ total: 3 }]);
    await again.close();
  } finally {
    await pg.stop();
  }
}, 30_000);
