import type { SQL } from "bun";
import { tally } from "../tally.ts";



/**
 * Counts waiting to be written (usage per account or key and day): many
 * requests add up to one row per key, written as increments in one
 * transaction. A write that fails puts its rows back, summed with what came
 * meanwhile, so nothing is lost while Postgres is away. What was written is
 * kept apart until `takeWritten`: the replica's own share of the totals it
 * reads back (see PostgresStore's shared usage).
 */
export class PendingTally<Row extends object> {
  private rows = new Map<string, Row>();
  private written = new Map<string, Row>();

  constructor(
    private readonly keyOf: (row: Row) => string,
    private readonly counts: ReadonlyArray<keyof Row>,
  ) {}

  get size(): number {
    return this.rows.size;
  }

  add(row: Row): void {
    tally(this.rows, this.keyOf(row), row, this.counts);
  }

  /** Writes every pending row with `upsert`, in one transaction. */
  async write(sql: SQL, upsert: (tx: SQL, row: Row) => Promise<unknown>): Promise<void> {
    if (this.rows.size === 0) return;
    const rows = [...this.rows.values()];
    this.rows = new Map();
    try {
      await sql.begin(async (tx) => {
        for (const row of rows) await upsert(tx, row);
      });
    } catch (error) {
      for (const row of rows) this.add(row);
      throw error;
    }
    for (const row of rows) tally(this.written, this.keyOf(row), row, this.counts);
  }

  /** The rows written since the last call, summed per key. */
  takeWritten(): Row[] {
    const rows = [...this.written.values()];
    this.written = new Map();
    return rows;
  }
}
