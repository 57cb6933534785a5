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
}

export { SecretKeyError } from "./secret-box.ts";

/** The gateway's SQLite store: the only module that touches the database. */
export class Store {
  readonly accounts: AccountStore;
  readonly accountState: AccountStateStore;
  readonly requestLogs: RequestLogStore;
  readonly responses: ResponseStore;
  readonly usage: AccountUsageStore;
  readonly oauthTokens: OAuthTokenStore;
  readonly clientKeys: ClientKeyStore;
  private readonly queue: WriteQueue;
  private closed = false;

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
  }

  static open(path: string, options: StoreOptions = {}): Store {
    const db = openDatabase(path);
    try {
      return new Store(db, options);
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

  /** Queues a write for the next batch: for state changes made on the request path. */
  defer(write: () => void): void {
    this.queue.enqueue(write);
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
    this.queue.close();
    this.db.close();
  }
}
