import type { Database } from "bun:sqlite";
import { openDatabase } from "./db.ts";
import { AccountStore } from "./accounts.ts";
import { AccountStateStore } from "./account-state.ts";
import { RequestLogStore } from "./request-logs.ts";
import { ResponseStore } from "./responses.ts";
import { AccountUsageStore } from "./account-usage.ts";
import { OAuthTokenStore } from "./oauth-tokens.ts";
import { WriteQueue } from "./write-queue.ts";
import { SecretBox, SecretCodec } from "./secret-box.ts";
import { ClientKeyStore } from "./client-keys.ts";
import { BackgroundCheckpoints } from "./background-checkpoints.ts";
import type { AccountRecords } from "./accounts.ts";
import type { AccountStateRecords } from "./account-state.ts";
import type { AccountUsageRecords } from "./account-usage.ts";
import type { ClientKeyRecords } from "./client-keys.ts";
import type { OAuthTokenRecords } from "./oauth-tokens.ts";
import type { RequestLogRecords } from "./request-logs.ts";
import type { ResponseRecords } from "./responses.ts";
import type { Awaitable } from "../util/awaitable.ts";
import { isPostgresUrl } from "../util/postgres-url.ts";

export type { StoredAccount, NewAccount, AccountCredentials, OAuthGrant } from "./accounts.ts";
export type { UsageRow } from "./account-usage.ts";
export { utcDay } from "./account-usage.ts";
export type { StoredToken } from "./oauth-tokens.ts";
export type { CooldownRow } from "./account-state.ts";
export type { RequestLogRow, StoredRequestLog, RequestLogQuery, AccountFailure, RequestLogStats, RequestSummaryRow } from "./request-logs.ts";
export { bucketLatencyMs } from "./request-logs.ts";
export type { StoredResponse } from "./responses.ts";
export type { StoredClientKey, NewClientKey, ClientKeyLimits, ClientKeyTotals, ClientKeyUsageRow } from "./client-keys.ts";

export interface StoreOptions {
  /** secrets.key: 32 bytes in base64; credentials and OAuth tokens are then encrypted at rest. */
  secretKey?: string;
  /** Postgres: follow the other replicas (LISTEN, the sync beat); false for a one-off command (the CLI). Default true. */
  watch?: boolean;
  /**
   * SQLite file: WAL checkpoints on a worker thread of their own instead of in
   * whichever commit crosses SQLite's threshold (see background-checkpoints.ts);
   * for the gateway, not a one-off command. Default false.
   */
  checkpointInBackground?: boolean;
}

export { SecretKeyError } from "./secret-box.ts";

/** Usage another replica added today (UTC), per account and per client key: see `Store.onSharedUsage`. */
export interface SharedUsage {
  accounts: Array<{ provider: string; accountId: string; requests: number; tokens: number }>;
  keys: Array<{ keyId: string; requests: number; tokens: number; costUsd: number }>;
  /** The current minute's requests and tokens per client key (for rpm and tpm). */
  minute: { start: number; keys: Array<{ keyId: string; requests: number; tokens: number }> };
}

/** How long the gateway keeps what, applied at start-up and on each config reload. */
export interface Retention {
  logsBefore: number;
  responsesBefore: number;
  responsesMaxBytes: number;
}

/**
 * The gateway's store, whichever database holds it: SQLite (SqliteStore, the
 * default, synchronous) or Postgres (PostgresStore, for replicas sharing one
 * state; its reads return promises). Code that runs on both continues from a
 * read with `then` (util/awaitable.ts). The request path never reads: it
 * works from memory and queues writes (`record`, `save`, `defer`).
 */
export interface Store {
  readonly kind: "sqlite" | "postgres";
  readonly accounts: AccountRecords;
  readonly accountState: AccountStateRecords;
  readonly requestLogs: RequestLogRecords;
  readonly responses: ResponseRecords;
  readonly usage: AccountUsageRecords;
  readonly oauthTokens: OAuthTokenRecords;
  readonly clientKeys: ClientKeyRecords;
  /** A number that changes when someone else (the CLI, another replica) changed the accounts, keys or cooldowns. */
  externalVersion(): number;
  /** Calls `listener` soon after someone else changed the accounts, keys or cooldowns; returns how to stop. */
  onExternalChange(listener: () => void, intervalMs?: number): () => void;
  /** Calls `listener` with the usage other replicas added (Postgres; never on SQLite, which one gateway holds). */
  onSharedUsage(listener: (usage: SharedUsage) => void): () => void;
  /** Queues a write for the next batch: for state changes made on the request path. */
  defer(write: () => Awaitable<unknown>): void;
  /** Writes queued and not yet written (the metrics' `agw_log_queue_depth`). */
  readonly queuedWrites: number;
  /** Why the store does not take writes now (closed, the last batch failed), or undefined: `/readyz`. */
  problem(): string | undefined;
  /** Deletes what is past its retention; with several replicas, one at a time. */
  applyRetention(retention: Retention): Awaitable<void>;
  /** Writes every queued row now. */
  flush(): Awaitable<void>;
  close(): Awaitable<void>;
}

export { isPostgresUrl };

/**
 * Opens the store the config's `database` names: a Postgres URL (migrated,
 * listening for the other replicas' changes) or a SQLite file. The Postgres
 * client is only loaded when one is named.
 */
export async function openStore(database: string, options: StoreOptions = {}): Promise<Store> {
  if (!isPostgresUrl(database)) return SqliteStore.open(database, options);
  const { PostgresStore } = await import("./postgres/index.ts");
  return PostgresStore.open(database, options);
}

/** The gateway's SQLite store: the only module that touches the database. */
export class SqliteStore implements Store {
  readonly kind = "sqlite";
  readonly accounts: AccountStore;
  readonly accountState: AccountStateStore;
  readonly requestLogs: RequestLogStore;
  readonly responses: ResponseStore;
  readonly usage: AccountUsageStore;
  readonly oauthTokens: OAuthTokenStore;
  readonly clientKeys: ClientKeyStore;
  private readonly queue: WriteQueue;
  private closed = false;
  /** Checkpoints on a worker thread, with checkpointInBackground (a database file, not `:memory:`). */
  readonly checkpoints: BackgroundCheckpoints | undefined;

  /**
   * With `secretKey` (secrets.key), credentials and OAuth tokens are stored
   * encrypted. Throws SecretKeyError when the stored ones do not open with
   * the key given (or are encrypted and no key is given).
   */
  constructor(
    readonly db: Database,
    options: StoreOptions = {},
  ) {
    const secrets = new SecretCodec(options.secretKey ? SecretBox.fromBase64(options.secretKey) : undefined);
    // Encrypted secrets must not survive in plain text in freed pages after they are sealed or replaced.
    if (secrets.encrypting) db.run("PRAGMA secure_delete = ON");
    this.queue = new WriteQueue(db);
    this.accounts = new AccountStore(db, secrets);
    this.accountState = new AccountStateStore(db, this.queue);
    this.requestLogs = new RequestLogStore(db, this.queue);
    this.responses = new ResponseStore(db, this.queue);
    this.usage = new AccountUsageStore(db, this.queue);
    this.oauthTokens = new OAuthTokenStore(db, secrets);
    this.clientKeys = new ClientKeyStore(db, this.queue);
    this.accounts.secureAtRest();
    this.oauthTokens.secureAtRest();
    if (options.checkpointInBackground && db.filename !== ":memory:") {
      const checkpoints = new BackgroundCheckpoints(db, db.filename);
      this.checkpoints = checkpoints;
      // The worker starts with the writes it is there for (see BackgroundCheckpoints).
      this.queue.beforeFirstWrite = () => void checkpoints.start();
    }
  }

  static open(path: string, options: StoreOptions = {}): SqliteStore {
    const db = openDatabase(path);
    try {
      return new SqliteStore(db, options);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /**
   * A number that changes when another connection (the accounts CLI, another
   * process) commits to the database: the server polls it to reload accounts.
   */
  externalVersion(): number {
    return (this.db.query("PRAGMA data_version").get() as { data_version: number }).data_version;
  }

  private readonly watchers = new Set<() => void>();
  private watchTimer: ReturnType<typeof setInterval> | undefined;
  private watchedVersion = -1;

  /**
   * Calls `listener` within `intervalMs` of another process (the CLI)
   * committing to the database; returns how to stop. One timer serves every
   * listener: a cheap version read per interval, no query otherwise.
   */
  onExternalChange(listener: () => void, intervalMs = 1_000): () => void {
    if (this.watchers.size === 0) {
      this.watchedVersion = this.externalVersion();
      this.watchTimer = setInterval(() => {
        if (this.closed) return;
        const version = this.externalVersion();
        if (version === this.watchedVersion) return;
        this.watchedVersion = version;
        for (const watcher of [...this.watchers]) watcher();
      }, intervalMs);
      this.watchTimer.unref?.();
    }
    this.watchers.add(listener);
    return () => {
      this.watchers.delete(listener);
      if (this.watchers.size === 0) {
        clearInterval(this.watchTimer);
        this.watchTimer = undefined;
      }
    };
  }

  /** One gateway holds a SQLite database: no other replica adds usage. */
  onSharedUsage(): () => void {
    return () => {};
  }

  /** Queues a write for the next batch: for state changes made on the request path. */
  defer(write: () => unknown): void {
    this.queue.enqueue(() => void write());
  }

  applyRetention(retention: Retention): void {
    this.requestLogs.prune(retention.logsBefore);
    this.responses.prune(retention.responsesBefore);
    this.responses.limitBytes(retention.responsesMaxBytes);
  }

  /** Writes queued and not yet written (the metrics' `agw_log_queue_depth`). */
  get queuedWrites(): number {
    return this.queue.size;
  }

  /**
   * Whether the store takes writes: undefined when it does, else why not
   * (closed, or the last batch failed — a full disk, a broken file). Read by
   * `/readyz`; a successful batch clears it.
   */
  problem(): string | undefined {
    if (this.closed) return "the database is closed";
    return this.queue.lastFailure === undefined ? undefined : `the last write to the database failed: ${this.queue.lastFailure}`;
  }

  /** Writes every queued row now. */
  flush(): void {
    this.queue.flush();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.watchTimer);
    this.checkpoints?.stop();
    this.queue.close();
    this.db.close();
  }
}
