import type { Database, Statement } from "bun:sqlite";
import type { WriteQueue } from "./write-queue.ts";
import type { Awaitable } from "../util/awaitable.ts";

/** A stored Responses-API response: this turn's input items, its output items and the whole response object. */
export interface StoredResponse {
  id: string;
  createdAt: number;
  previousResponseId?: string;
  input: unknown[];
  output: unknown[];
  response: unknown;
}

/**
 * An output item by the id the client saw, and what an input item that
 * references the id stands for: the item as stored, preceded by any items the
 * client was not shown (a signature it did not ask for).
 */
export interface StoredItem {
  id: string;
  items: unknown[];
}

/** Longest chain of previous_response_id followed back, against cycles and runaway histories. */
export const MAX_CHAIN = 1000;

/** What every stored-responses store does, SQLite or Postgres (the shared suite: responses.contract.test.ts). */
export interface ResponseRecords {
  save(stored: StoredResponse, items?: ReadonlyArray<StoredItem>): Awaitable<boolean>;
  flush(): Awaitable<void>;
  get(id: string): Awaitable<StoredResponse | undefined>;
  items(ids: ReadonlyArray<string>): Awaitable<Map<string, unknown[]>>;
  delete(id: string): Awaitable<boolean>;
  conversation(id: string): Awaitable<unknown[] | undefined>;
  prune(before: number): Awaitable<number>;
}

/**
 * Responses kept for `previous_response_id`, `GET` and `DELETE`, and their
 * output items by id for item references. Writes are queued like every other
 * write; until its batch is written a response (and its items) is served from
 * memory, so a client may continue a conversation at once.
 */
export class ResponseStore implements ResponseRecords {
  private readonly pending = new Map<string, StoredResponse>();
  private readonly pendingItems = new Map<string, { responseId: string; items: unknown[] }>();
  private readonly insert: Statement;
  private readonly select: Statement;
  private readonly remove: Statement;
  private readonly removeOlder: Statement;
  private readonly insertItem: Statement;
  private readonly selectItems: Statement;
  private readonly selectOldest: Statement;
  /** Bytes the stored responses take (their JSON texts and items), kept as rows come and go. */
  private storedBytes: number;
  /** responses.maxStoredBytes: past it the oldest responses go. */
  private maxBytes = Number.POSITIVE_INFINITY;

  constructor(
    db: Database,
    private readonly queue: WriteQueue,
  ) {
    this.insert = db.query(
      "INSERT OR REPLACE INTO responses (id, created_at, previous_response_id, input, output, response, size) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    );
    this.select = db.query("SELECT * FROM responses WHERE id = ?");
    this.remove = db.query("DELETE FROM responses WHERE id = ? RETURNING size");
    this.removeOlder = db.query("DELETE FROM responses WHERE created_at < ? RETURNING size");
    this.selectOldest = db.query("SELECT id FROM responses ORDER BY created_at, id LIMIT 256");
    this.storedBytes = (db.query("SELECT COALESCE(SUM(size), 0) AS bytes FROM responses").get() as { bytes: number }).bytes;
    this.insertItem = db.query("INSERT OR REPLACE INTO response_items (id, response_id, items) VALUES (?1, ?2, ?3)");
    // One statement for any number of ids: they come as one JSON array.
    this.selectItems = db.query("SELECT id, items FROM response_items WHERE id IN (SELECT value FROM json_each(?1))");
  }

  /** Deletes responses created before the given time; returns how many. */
  prune(before: number): number {
    const removed = this.removeOlder.all(before) as Array<{ size: number }>;
    for (const row of removed) this.storedBytes -= row.size;
    return removed.length;
  }

  /**
   * Holds the stored responses under `maxBytes` (responses.maxStoredBytes):
   * past it, the oldest go first, down to nine tenths of it, so a busy
   * gateway trims in batches rather than on every write.
   */
  limitBytes(maxBytes: number): void {
    this.maxBytes = maxBytes;
    this.trim();
  }

  /** The bytes the stored responses take now (what is written; queued ones not yet). */
  get bytes(): number {
    return this.storedBytes;
  }

  private trim(): void {
    if (this.storedBytes <= this.maxBytes) return;
    const target = this.maxBytes * 0.9;
    while (this.storedBytes > target) {
      const oldest = this.selectOldest.all() as Array<{ id: string }>;
      if (oldest.length === 0) break;
      for (const { id } of oldest) {
        const row = this.remove.get(id) as { size: number } | null;
        if (row) this.storedBytes -= row.size;
        if (this.storedBytes <= target) break;
      }
    }
  }

  /**
   * Stores a response and, for item references, its output items by id. A
   * response larger than the whole of responses.maxStoredBytes is not kept
   * (false): continuing from it answers 404, as after its retention.
   */
  save(stored: StoredResponse, items: ReadonlyArray<StoredItem> = []): boolean {
    const input = JSON.stringify(stored.input);
    const output = JSON.stringify(stored.output);
    const response = JSON.stringify(stored.response);
    const rows = items.map((item) => [item.id, JSON.stringify(item.items)] as const);
    // Characters, not bytes: the same for the ASCII JSON that makes up nearly all of it, and free to count.
    const size = rows.reduce((sum, [, json]) => sum + json.length, input.length + output.length + response.length);
    if (size > this.maxBytes) return false;
    this.pending.set(stored.id, stored);
    for (const item of items) this.pendingItems.set(item.id, { responseId: stored.id, items: item.items });
    this.queue.enqueue(() => {
      this.insert.run(stored.id, stored.createdAt, stored.previousResponseId ?? null, input, output, response, size);
      for (const [id, json] of rows) this.insertItem.run(id, stored.id, json);
      this.storedBytes += size;
      this.pending.delete(stored.id);
      for (const item of items) this.pendingItems.delete(item.id);
      this.trim();
    });
    return true;
  }

  /**
   * What each known item id stands for (see StoredItem); unknown ids are
   * absent. One indexed read for all the ids, none when every one is still
   * waiting to be written.
   */
  items(ids: ReadonlyArray<string>): Map<string, unknown[]> {
    const found = new Map<string, unknown[]>();
    const onDisk: string[] = [];
    for (const id of ids) {
      const pending = this.pendingItems.get(id);
      if (pending) found.set(id, pending.items);
      else onDisk.push(id);
    }
    if (onDisk.length === 0) return found;
    const rows = this.selectItems.all(JSON.stringify(onDisk)) as Array<{ id: string; items: string }>;
    for (const row of rows) found.set(row.id, JSON.parse(row.items) as unknown[]);
    return found;
  }

  get(id: string): StoredResponse | undefined {
    const pending = this.pending.get(id);
    if (pending) return pending;
    const row = this.select.get(id) as Record<string, unknown> | null;
    if (row === null) return undefined;
    const stored: StoredResponse = {
      id: row.id as string,
      createdAt: row.created_at as number,
      input: JSON.parse(row.input as string) as unknown[],
      output: JSON.parse(row.output as string) as unknown[],
      response: JSON.parse(row.response as string),
    };
    if (row.previous_response_id !== null) stored.previousResponseId = row.previous_response_id as string;
    return stored;
  }

  /** Writes every queued write now. */
  flush(): void {
    this.queue.flush();
  }

  /** Deletes a stored response and its items; false when there was none. */
  delete(id: string): boolean {
    const wasPending = this.pending.delete(id);
    for (const [itemId, pending] of this.pendingItems) if (pending.responseId === id) this.pendingItems.delete(itemId);
    this.queue.flush();
    const row = this.remove.get(id) as { size: number } | null;
    if (row) this.storedBytes -= row.size;
    return row !== null || wasPending;
  }

  /**
   * The whole conversation up to and including a stored response, oldest
   * first: every turn's input items followed by its output items. Undefined
   * when the id (or one on its chain) is unknown.
   */
  conversation(id: string): unknown[] | undefined {
    const turns: StoredResponse[] = [];
    for (let next: string | undefined = id; next !== undefined; ) {
      if (turns.length >= MAX_CHAIN) break;
      const stored = this.get(next);
      if (stored === undefined) return undefined;
      turns.push(stored);
      next = stored.previousResponseId;
    }
    return conversationItems(turns);
  }
}

/** A conversation's items, oldest first, from its turns newest first: each turn's input, then its output. */
export function conversationItems(turns: readonly StoredResponse[]): unknown[] {
  const items: unknown[] = [];
  for (let index = turns.length - 1; index >= 0; index--) items.push(...turns[index]!.input, ...turns[index]!.output);
  return items;
}
