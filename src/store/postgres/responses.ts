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
  constructor(private readonly sql: SQL) {}

  async save(stored: StoredResponse, items: ReadonlyArray<StoredItem> = []): Promise<boolean> {
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
    return true;
  }

  /** Nothing waits: every response is written when it is saved. */
  flush(): void {}

  async get(id: string): Promise<StoredResponse | undefined> {
    const [row] = (await this.sql`SELECT * FROM responses WHERE id = ${id}`) as Array<Record<string, unknown>>;
    return row === undefined ? undefined : fromRow(row);
  }

  async items(ids: ReadonlyArray<string>): Promise<Map<string, unknown[]>> {
    if (ids.length === 0) return new Map();
    const rows = (await this.sql`SELECT id, items FROM response_items WHERE id = ANY(${this.sql.array([...ids], "TEXT")})`) as Array<{ id: string; items: string }>;
    return new Map(rows.map((row) => [row.id, JSON.parse(row.items) as unknown[]]));
  }

  async delete(id: string): Promise<boolean> {
    return (await this.sql`DELETE FROM responses WHERE id = ${id} RETURNING id`).length > 0;
  }

  /** The conversation up to a response, its chain read back in one recursive query (at most MAX_CHAIN turns). */
  async conversation(id: string): Promise<unknown[] | undefined> {
    const rows = (await this.sql`
      WITH RECURSIVE chain AS (
        SELECT *, 1 AS depth FROM responses WHERE id = ${id}
        UNION ALL
        SELECT r.*, chain.depth + 1 FROM responses r JOIN chain ON r.id = chain.previous_response_id WHERE chain.depth < ${MAX_CHAIN}
      ) SELECT * FROM chain ORDER BY depth`) as Array<Record<string, unknown>>;
    const turns = rows.map(fromRow);
    const last = turns.at(-1);
    // A chain that stops at an id no longer stored (deleted, expired) is unknown, as on SQLite.
    if (turns.length === 0 || (last!.previousResponseId !== undefined && turns.length < MAX_CHAIN)) return undefined;
    return conversationItems(turns);
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
