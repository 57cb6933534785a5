import type { Usage } from "../ir/usage.ts";
import { utcDay, type SharedUsage, type Store } from "../store/index.ts";
import { then, type Awaitable } from "../util/awaitable.ts";

interface DayTotals {
  requests: number;
  tokens: number;
}

const key = (provider: string, id: string) => `${provider}\u0000${id}`;

/** The next UTC midnight after a time: when daily limits reset. */
export function nextUtcMidnight(now = Date.now()): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1);
}

/**
 * Each account's requests and tokens today (UTC), for daily limits and
 * least-used scheduling. Kept in memory, seeded from the store at start-up,
 * persisted per model through the store's write queue; a new day starts
 * from zero.
 */
export class UsageMeter {
  private day: string;
  /** When the current day ends: checking a number is cheaper than formatting a date per call. */
  private dayEnds: number;
  private totals = new Map<string, DayTotals>();

  /** Done when today's usage has been read (at once on SQLite). */
  readonly loaded: Awaitable<void>;

  constructor(
    private readonly store: Store,
    now = Date.now(),
  ) {
    this.day = utcDay(now);
    this.dayEnds = nextUtcMidnight(now);
    const day = this.day;
    this.loaded = then(store.usage.day(day), (rows) => {
      if (day !== this.day) return;
      for (const row of rows) {
        const totals = this.entry(row.provider, row.accountId);
        totals.requests += row.requests;
        totals.tokens += row.inputTokens + row.outputTokens;
      }
    });
  }

  /** Adds what other replicas served today (see Store.onSharedUsage). */
  addShared(usage: SharedUsage, now = Date.now()): void {
    this.roll(now);
    for (const row of usage.accounts) {
      const totals = this.entry(row.provider, row.accountId);
      totals.requests += row.requests;
      totals.tokens += row.tokens;
    }
  }

  today(provider: string, id: string, now = Date.now()): DayTotals {
    this.roll(now);
    return this.totals.get(key(provider, id)) ?? { requests: 0, tokens: 0 };
  }

  /** Counts a request as soon as an account has started answering it, so concurrent requests see it. */
  countRequest(provider: string, id: string, now = Date.now()): void {
    this.roll(now);
    this.entry(provider, id).requests += 1;
  }

  /** Adds a finished request's tokens and writes its usage (one request) for that model. */
  record(provider: string, id: string, model: string, usage: Usage | undefined, now = Date.now()): void {
    this.roll(now);
    const input = usage?.input.total ?? 0;
    const output = usage?.output.total ?? 0;
    this.entry(provider, id).tokens += input + output;
    this.store.usage.record({ provider, accountId: id, model, day: this.day, requests: 1, inputTokens: input, outputTokens: output });
  }

  private entry(provider: string, id: string): DayTotals {
    const k = key(provider, id);
    let totals = this.totals.get(k);
    if (!totals) {
      totals = { requests: 0, tokens: 0 };
      this.totals.set(k, totals);
    }
    return totals;
  }

  private roll(now: number): void {
    if (now < this.dayEnds) return;
    this.day = utcDay(now);
    this.dayEnds = nextUtcMidnight(now);
    this.totals = new Map();
  }
}
