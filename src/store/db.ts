import { Database } from "bun:sqlite";
import { chmodSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { migrations } from "./migrations.ts";

/**
 * Opens (creating if needed) the SQLite database in WAL mode and brings its
 * schema up to date. The file is made readable by its owner only: it holds
 * upstream credentials.
 */
export function openDatabase(path: string): Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { create: true, strict: true });
  if (path !== ":memory:") {
    try {
      chmodSync(path, 0o600);
    } catch {
      // Not fatal on file systems without POSIX modes.
    }
  }
  db.run("PRAGMA journal_mode = WAL");
  db.run("PRAGMA synchronous = NORMAL");
  db.run("PRAGMA busy_timeout = 5000");
  db.run("PRAGMA foreign_keys = ON");
  migrate(db);
  return db;
}

export function schemaVersion(db: Database): number {
  return (db.query("PRAGMA user_version").get() as { user_version: number }).user_version;
}

function migrate(db: Database): void {
  const current = schemaVersion(db);
  if (current > migrations.length) {
    throw new Error(
      `the database schema (version ${current}) is newer than this agw build understands (${migrations.length}); use a newer agw`,
    );
  }
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.run(migrations[version]!);
      db.run(`PRAGMA user_version = ${version + 1}`);
    })();
  }
}
