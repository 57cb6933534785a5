import { parseRetryAfter } from "../http/parse-retry-after.ts";
/** The limits Anthropic reports in `anthropic-ratelimit-<limit>-remaining` / `-reset` headers. */
const LIMITS = ["requests", "tokens", "input-tokens", "output-tokens"] as const;

/**
 * How long Anthropic asked us to wait, in milliseconds, from a 429's (or
 * 529's) headers. `retry-after` (seconds, or an HTTP date; `retry-after-ms`
 * when a proxy sends it) is the upstream's own answer and wins. Without it,
 * the `anthropic-ratelimit-*-reset` times (RFC 3339) say when each limit
 * refills: the ones whose `-remaining` is 0 are the exhausted ones, and all
 * of them must refill, so the latest of those counts; when no `-remaining`
 * says which, the earliest reset is the best guess. `now` is injectable for tests.
 */
export function parseAnthropicRetryDelay(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const stated = parseStatedDelay(headers, now);
  if (stated !== undefined) return stated;

  const exhausted: number[] = [];
  const all: number[] = [];
  for (const limit of LIMITS) {
    const reset = parseRfc3339(headers.get(`anthropic-ratelimit-${limit}-reset`));
    if (reset === undefined) continue;
    const delay = Math.max(0, reset - now);
    all.push(delay);
    if (headers.get(`anthropic-ratelimit-${limit}-remaining`)?.trim() === "0") exhausted.push(delay);
  }
  if (exhausted.length > 0) return Math.max(...exhausted);
  return all.length > 0 ? Math.min(...all) : undefined;
}

function parseStatedDelay(headers: Headers, now: number): number | undefined {
  const milliseconds = headers.get("retry-after-ms")?.trim();
  if (milliseconds && /^\d+(\.\d+)?$/.test(milliseconds)) return Math.round(Number(milliseconds));
  return parseRetryAfter(headers.get("retry-after"), now);
}

function parseRfc3339(value: string | null): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  // Date.parse takes ISO 8601 loosely; insist on a date and a time so a bare number is not read as a year.
  if (!/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}/.test(trimmed)) return undefined;
  const time = Date.parse(trimmed);
  return Number.isNaN(time) ? undefined : time;
}
