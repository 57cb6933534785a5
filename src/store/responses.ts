import type { Database, Statement } from "bun:sqlite";
import type { WriteQueue } from "./write-queue.ts";

/** A stored Responses-API response: this turn's input items, its output items and the whole response object. */
export interface StoredResponse {
  id: string;
  createdAt: number;
  previousResponseId?: string;
  input: unknown[];
  output: unknown[];
  response: unknown;
}

/** Longest chain of previous_response_id followed back, against cycles and runaway histories. */
export const MAX_CHAIN = 1000;

/**
 * Responses kept for `previous_response_id`, `GET` and `DELETE`. Writes are
 * queued like every other write; until its batch is written a response is
 * served from memory, so a client may continue a conversation at once.
 */
export class ResponseStore {
  private readonly pending = new Map<string, StoredResponse>();
  private readonly insert: Statement;
  private readonly select: Statement;
  private readonly remove: Statement;
  private readonly removeOlder: Statement;

  constructor(
    db: Database,
    private readonly queue: WriteQueue,
  ) {
    this.insert = db.query(
      "INSERT OR REPLACE INTO responses (id, created_at, previous_response_id, input, output, response) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    );
    this.select = db.query("SELECT * FROM responses WHERE id = ?");
    this.remove = db.query("DELETE FROM responses WHERE id = ?");
    this.removeOlder = db.query("DELETE FROM responses WHERE created_at < ?");
  }

  /** Deletes responses created before the given time; returns how many. */
  prune(before: number): number {
    return this.removeOlder.run(before).changes;
  }

  save(stored: StoredResponse): void {
    this.pending.set(stored.id, stored);
    const input = JSON.stringify(stored.input);
    const output = JSON.stringify(stored.output);
    const response = JSON.stringify(stored.response);
    this.queue.enqueue(() => {
      this.insert.run(stored.id, stored.createdAt, stored.previousResponseId ?? null, input, output, response);
      this.pending.delete(stored.id);
    });
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

  /** Deletes a stored response; false when there was none. */
  delete(id: string): boolean {
    const wasPending = this.pending.delete(id);
    this.queue.flush();
    return this.remove.run(id).changes > 0 || wasPending;
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
    const items: unknown[] = [];
    for (let index = turns.length - 1; index >= 0; index--) items.push(...turns[index]!.input, ...turns[index]!.output);
    return items;
  }
}
