import type { SQL } from "bun";
import { conversationItems, MAX_CHAIN, type ResponseRecords, type StoredItem, type StoredResponse } from "../responses.ts";

/**
 * Stored Responses-API responses in Postgres, so `previous_response_id`
 * works whichever replica gets the next turn: a response is written when it
 * is saved (not batched: the client may continue on another replica as soon
 * as it has read the answer), with its output items by id; a chain is
 * followed back in one recursive query.
 */
export class PostgresResponseStore implements ResponseRecords {
  private readonly pending = new Map<string, { stored: StoredResponse; items: ReadonlyArray<StoredItem> }>();

  constructor(private readonly sql: SQL) {}

  /**
   * Written at once, and kept in memory until it is: while Postgres is away
   * this replica still continues the conversation, and `flush` (the store's
   * next write batch) tries again.
   */
  async save(stored: StoredResponse, items: ReadonlyArray<StoredItem> = []): Promise<boolean> {
    this.pending.set(stored.id, { stored, items });
    try {
      await this.write(stored, items);
      if (this.pending.get(stored.id)?.stored === stored) this.pending.delete(stored.id);
    } catch {
      // Left pending: the next flush writes it.
    }
    return true;
  }

  async flush(): Promise<void> {
    for (const [id, { stored, items }] of [...this.pending]) {
      await this.write(stored, items);
      if (this.pending.get(id)?.stored === stored) this.pending.delete(id);
    }
  }

  /** Responses not written yet (the metrics' queue depth). */
  get size(): number {
    return this.pending.size;
  }

  private async write(stored: StoredResponse, items: ReadonlyArray<StoredItem>): Promise<void> {
    const input = JSON.stringify(stored.input);
    const output = JSON.stringify(stored.output);
    const response = JSON.stringify(stored.response);
    const rows = items.map((item) => [item.id, JSON.stringify(item.items)] as const);
    const size = rows.reduce((sum, [, json]) => sum + json.length, input.length + output.length + response.length);
    await this.sql.begin(async (tx) => {
      await tx`
        INSERT INTO responses (id, created_at, previous_response_id, input, output, response, size)
        VALUES (${stored.id}, ${stored.createdAt}, ${stored.previousResponseId ?? null}, ${input}, ${output}, ${response}, ${size})
        ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at, previous_response_id = excluded.previous_response_id,
          input = excluded.input, output = excluded.output, response = excluded.response, size = excluded.size`;
      for (const [id, json] of rows) {
        await tx`INSERT INTO response_items (id, response_id, items) VALUES (${id}, ${stored.id}, ${json})
          ON CONFLICT (id) DO UPDATE SET response_id = excluded.response_id, items = excluded.items`;
      }
    });
  }

  async get(id: string): Promise<StoredResponse | undefined> {
    const waiting = this.pending.get(id);
    if (waiting !== undefined) return waiting.stored;
    const [row] = (await this.sql`SELECT * FROM responses WHERE id = ${id}`) as Array<Record<string, unknown>>;
    return row === undefined ? undefined : fromRow(row);
  }

  async items(ids: ReadonlyArray<string>): Promise<Map<string, unknown[]>> {
    const found = new Map<string, unknown[]>();
    for (const { items } of this.pending.values()) for (const item of items) if (ids.includes(item.id)) found.set(item.id, [...item.items]);
    const rest = ids.filter((id) => !found.has(id));
    if (rest.length === 0) return found;
    const rows = (await this.sql`SELECT id, items FROM response_items WHERE id = ANY(${this.sql.array(rest, "TEXT")})`) as Array<{ id: string; items: string }>;
    for (const row of rows) found.set(row.id, JSON.parse(row.items) as unknown[]);
    return found;
  }

  async delete(id: string): Promise<boolean> {
    if (this.pending.delete(id)) {
      await this.sql`DELETE FROM responses WHERE id = ${id}`;
      return true;
    }
    return (await this.sql`DELETE FROM responses WHERE id = ${id} RETURNING id`).length > 0;
  }

  /**
   * The conversation up to a response: the turns this replica has not written
   * yet from memory, the rest of the chain read back in one recursive query
   * (at most MAX_CHAIN turns in all).
   */
  async conversation(id: string): Promise<unknown[] | undefined> {
    const turns: StoredResponse[] = [];
    let next: string | undefined = id;
    for (let waiting = this.pending.get(next); waiting !== undefined && turns.length < MAX_CHAIN; waiting = next === undefined ? undefined : this.pending.get(next)) {
      turns.push(waiting.stored);
      next = waiting.stored.previousResponseId;
    }
    if (next !== undefined && turns.length < MAX_CHAIN) {
      const rows = (await this.sql`
        WITH RECURSIVE chain AS (
          SELECT *, 1 AS depth FROM responses WHERE id = ${next}
          UNION ALL
          SELECT r.*, chain.depth + 1 FROM responses r JOIN chain ON r.id = chain.previous_response_id WHERE chain.depth < ${MAX_CHAIN - turns.length}
        ) SELECT * FROM chain ORDER BY depth`) as Array<Record<string, unknown>>;
      if (rows.length === 0) return undefined;
      turns.push(...rows.map(fromRow));
    }
    const last = turns.at(-1);
    // A chain that stops at an id no longer stored (deleted, expired) is unknown, as on SQLite.
    if (turns.length === 0 || (last!.previousResponseId !== undefined && turns.length < MAX_CHAIN)) return undefined;
    return conversationItems(turns);
  }

  /** Over `maxBytes` in all, the oldest responses go until they take 90% of it, as on SQLite. */
  async limitBytes(maxBytes: number): Promise<void> {
    await this.sql`
      DELETE FROM responses WHERE (SELECT COALESCE(SUM(size), 0) FROM responses) > ${maxBytes} AND id IN (
        SELECT id FROM (SELECT id, SUM(size) OVER (ORDER BY created_at DESC, id DESC) AS newer FROM responses) ranked WHERE newer > ${maxBytes * 0.9})`;
  }

  async prune(before: number): Promise<number> {
    return (await this.sql`DELETE FROM responses WHERE created_at < ${before} RETURNING id`).length;
  }
}

function fromRow(row: Record<string, unknown>): StoredResponse {
  const stored: StoredResponse = {
    id: row.id as string,
    createdAt: Number(row.created_at),
    input: JSON.parse(row.input as string) as unknown[],
    output: JSON.parse(row.output as string) as unknown[],
    response: JSON.parse(row.response as string),
  };
  if (row.previous_response_id !== null) stored.previousResponseId = row.previous_response_id as string;
  return stored;
}
