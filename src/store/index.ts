import type { Database } from "bun:sqlite";
import { openDatabase } from "./db.ts";
import { AccountStore } from "./accounts.ts";
import { AccountStateStore } from "./account-state.ts";
import { RequestLogStore } from "./request-logs.ts";
import { ResponseStore } from "./responses.ts";
import { WriteQueue } from "./write-queue.ts";

export type { StoredAccount } from "./accounts.ts";
export type { CooldownRow } from "./account-state.ts";
export type { RequestLogRow, StoredRequestLog } from "./request-logs.ts";
export type { StoredResponse } from "./responses.ts";

/** The gateway's SQLite store: the only module that touches the database. */
export class Store {
  readonly accounts: AccountStore;
  readonly accountState: AccountStateStore;
  readonly requestLogs: RequestLogStore;
  readonly responses: ResponseStore;
  private readonly queue: WriteQueue;
  private closed = false;

  constructor(readonly db: Database) {
    this.queue = new WriteQueue(db);
    this.accounts = new AccountStore(db);
    this.accountState = new AccountStateStore(db, this.queue);
    this.requestLogs = new RequestLogStore(db, this.queue);
    this.responses = new ResponseStore(db, this.queue);
  }

  static open(path: string): Store {
    return new Store(openDatabase(path));
  }

  /** Writes every queued row now. */
  flush(): void {
    this.queue.flush();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.close();
    this.db.close();
  }
}
