/**
 * One client key's counters, in memory: the current minute (requests and
 * tokens, reserved ones included), the current UTC day, and the spend of the
 * current UTC month. Windows are fixed (a minute from :00, a day from
 * midnight UTC, a month from its first day), so the time until a limit frees
 * up is exact and the same for every caller. Pure: the time is passed in.
 */
export class KeyCounters {
  minuteStart = -1;
  minuteRequests = 0;
  minuteTokens = 0;
  dayStart = -1;
  dayRequests = 0;
  dayTokens = 0;
  monthStart = -1;
  monthCostUsd = 0;

  /** Moves the windows to the time given, starting a fresh one where it has passed. */
  roll(now: number): void {
    const minute = now - (now % MINUTE_MS);
    if (minute !== this.minuteStart) {
      this.minuteStart = minute;
      this.minuteRequests = 0;
      this.minuteTokens = 0;
    }
    const day = now - (now % DAY_MS);
    if (day === this.dayStart) return;
    this.dayStart = day;
    this.dayRequests = 0;
    this.dayTokens = 0;
    // A month starts at a UTC midnight, so it can only have changed with the day (a Date per day, not per request).
    const month = monthStart(now);
    if (month !== this.monthStart) {
      this.monthStart = month;
      this.monthCostUsd = 0;
    }
  }

  /** Counts an admitted request and the tokens reserved for it. */
  admit(tokens: number): void {
    this.minuteRequests += 1;
    this.dayRequests += 1;
    this.minuteTokens += tokens;
    this.dayTokens += tokens;
  }

  /**
   * Replaces a reservation made at `admittedAt` with the tokens really used.
   * A window that has moved on since keeps what it counted; the new one gets
   * the tokens as used now.
   */
  settle(admittedAt: number, reserved: number, used: number, costUsd: number, now: number): void {
    this.roll(now);
    const sameMinute = admittedAt - (admittedAt % MINUTE_MS) === this.minuteStart;
    const sameDay = admittedAt - (admittedAt % DAY_MS) === this.dayStart;
    this.minuteTokens = Math.max(0, this.minuteTokens + used - (sameMinute ? reserved : 0));
    this.dayTokens = Math.max(0, this.dayTokens + used - (sameDay ? reserved : 0));
    this.monthCostUsd += costUsd;
  }
}

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** The first moment of the UTC month of a time. */
export function monthStart(time: number): number {
  const date = new Date(time);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/** The first moment of the next UTC month. */
export function nextMonthStart(time: number): number {
  const date = new Date(time);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** A wait as OpenAI's `x-ratelimit-reset-*` headers write it: `850ms`, `17s`, `6m0s`, `3h12m5s`. */
export function formatResetDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const total = Math.ceil(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}
