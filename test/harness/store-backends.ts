/**
 * The store backends the shared store suites run against: SQLite (the
 * default) and Postgres (a real server, one fresh database per test,
 * migrated by migratePostgres). A "replica" is one more store on the same
 * database, as a second agw process would open it.
 *
 *   const backends = storeBackends();   // in a test file; starts Postgres in beforeAll
 *   for (const backend of backends) describe(backend.name, () => { ... await backend.fresh() ... });
 */
import { afterAll, beforeAll } from "bun:test";
import { SQL } from "bun";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AccountStateRecords } from "../../src/store/account-state.ts";
import type { AccountUsageRecords } from "../../src/store/account-usage.ts";
import type { ClientKeyRecords } from "../../src/store/client-keys.ts";
import type { AccountRecords } from "../../src/store/accounts.ts";
import { PostgresAccountStore } from "../../src/store/postgres/accounts.ts";
import { SecretBox, SecretCodec } from "../../src/store/secret-box.ts";
import { SqliteStore } from "../../src/store/index.ts";
import { PostgresAccountStateStore, PostgresAccountUsageStore } from "../../src/store/postgres/account-records.ts";
import { PostgresClientKeyStore } from "../../src/store/postgres/client-keys.ts";
import { migratePostgres } from "../../src/store/postgres/migrate.ts";
import { PostgresResponseStore } from "../../src/store/postgres/responses.ts";
import type { ResponseRecords } from "../../src/store/responses.ts";
import type { RequestLogRecords } from "../../src/store/request-logs.ts";
import { PostgresRequestLogStore } from "../../src/store/postgres/request-logs.ts";
import { startPostgres, type TestPostgres } from "./postgres.ts";

export interface StoreReplica {
  accounts: AccountRecords;
  clientKeys: ClientKeyRecords;
  accountState: AccountStateRecords;
  accountUsage: AccountUsageRecords;
  responses: ResponseRecords;
  requestLogs: RequestLogRecords;
  /** What a store does when it opens with a secrets key: checks that stored credentials open, seals plain ones (SQLite: done by opening). */
  secureAtRest(): Promise<void>;
  /** Postgres only: the cooldown notifications (see PostgresAccountStateStore.onChange). */
  postgres?: { accountState: PostgresAccountStateStore };
}

export interface FreshDatabase {
  /** Opens another store on the database, as another replica would. */
  replica(options?: { secretKey?: string }): StoreReplica;
  rawCredentials(provider: string, id: string): Promise<string>;
  /** Closes every store opened on it. */
  close(): Promise<void>;
}

export interface StoreBackend {
  name: "sqlite" | "postgres";
  /** A fresh, empty database. */
  fresh(): Promise<FreshDatabase>;
  /** Runs `use` on a fresh database, closed afterwards whatever happens. */
  withFresh(use: (db: FreshDatabase) => Promise<void>): Promise<void>;
}

/** withFresh, for a backend's `fresh`. */
function withFreshOf(fresh: () => Promise<FreshDatabase>) {
  return async (use: (db: FreshDatabase) => Promise<void>): Promise<void> => {
    const db = await fresh();
    try {
      await use(db);
    } finally {
      await db.close();
    }
  };
}

export function storeBackends(): StoreBackend[] {
  let pg: TestPostgres | undefined;
  let databases = 0;
  const dirs: string[] = [];
  beforeAll(async () => {
    pg = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await pg?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const backends: Array<Omit<StoreBackend, "withFresh">> = [
    {
      name: "sqlite",
      async fresh() {
        const dir = mkdtempSync(join(tmpdir(), "agw-store-"));
        dirs.push(dir);
        const stores: SqliteStore[] = [];
        return {
          replica: (options = {}) => {
            const store = SqliteStore.open(join(dir, "agw.db"), options);
            stores.push(store);
            return {
              accounts: store.accounts,
              clientKeys: store.clientKeys,
              accountState: store.accountState,
              accountUsage: store.usage,
              responses: store.responses,
              requestLogs: store.requestLogs,
              secureAtRest: async () => {},
            };
          },
          rawCredentials: async (provider, id) => {
            const raw = new Database(join(dir, "agw.db"), { readonly: true });
            try {
              return (raw.query("SELECT credentials FROM accounts WHERE provider = ? AND id = ?").get(provider, id) as { credentials: string }).credentials;
            } finally {
              raw.close();
            }
          },
          close: async () => {
            for (const store of stores) store.close();
          },
        };
      },
    },
    {
      name: "postgres",
      async fresh() {
        const name = `store_${++databases}`;
        const admin = new SQL(pg!.url);
        await admin.unsafe(`CREATE DATABASE ${name}`);
        await admin.close();
        const url = pg!.url.replace(/\/agw$/, `/${name}`);
        const migrator = new SQL(url);
        await migratePostgres(migrator);
        const connections: SQL[] = [migrator];
        return {
          replica: (options = {}) => {
            const sql = new SQL(url);
            connections.push(sql);
            const accountState = new PostgresAccountStateStore(sql);
            const secrets = new SecretCodec(options.secretKey ? SecretBox.fromBase64(options.secretKey) : undefined);
            const accounts = new PostgresAccountStore(sql, secrets);
            return {
              accounts,
              secureAtRest: () => accounts.secureAtRest(),
              clientKeys: new PostgresClientKeyStore(sql),
              accountState,
              accountUsage: new PostgresAccountUsageStore(sql),
              responses: new PostgresResponseStore(sql),
              requestLogs: new PostgresRequestLogStore(sql),
              postgres: { accountState },
            };
          },
          rawCredentials: async (provider, id) => {
            const [row] = (await migrator`SELECT credentials FROM accounts WHERE provider = ${provider} AND id = ${id}`) as Array<{ credentials: string }>;
            return row!.credentials;
          },
          close: async () => {
            for (const sql of connections) await sql.close();
          },
        };
      },
    },
  ];
  return backends.map((backend) => ({ ...backend, withFresh: withFreshOf(() => backend.fresh()) }));
}
