const units: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
  us: 0.001,
  "µs": 0.001,
  ns: 0.000001,
};

const part = /(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|ns)/y;

/**
 * Parses the durations Google puts in error details, in milliseconds
 * (rounded up): protobuf `Duration` JSON such as `"37s"` or `"1.5s"`
 * (RetryInfo.retryDelay) and Go-style sums such as `"510.7ms"` or
 * `"2h1m1.5s"` (ErrorInfo quotaResetDelay). Anything else is undefined.
 */
export function parseGoogleDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  let total = 0;
  part.lastIndex = 0;
  while (part.lastIndex < trimmed.length) {
    const start = part.lastIndex;
    const match = part.exec(trimmed);
    if (!match || match.index !== start) return undefined;
    const [, amount = "", unit = ""] = match;
    const factor = units[unit];
    if (factor === undefined) return undefined;
    total += Number(amount) * factor;
  }
  return Number.isFinite(total) ? Math.ceil(total) : undefined;
}
