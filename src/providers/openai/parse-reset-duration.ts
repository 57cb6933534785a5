const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

const part = /(\d+(?:\.\d*)?|\.\d+)(ms|h|m|s)/y;

/**
 * Parses the durations of OpenAI's `x-ratelimit-reset-requests` and
 * `x-ratelimit-reset-tokens` headers ("1s", "6m0s", "20ms", "1h2m3.5s",
 * "0.5s") into milliseconds, rounded up. Some compatible servers send a bare
 * number of seconds ("7.66"), which is read as such. Anything else is undefined.
 */
export function parseResetDuration(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  let total = 0;
  part.lastIndex = 0;
  while (part.lastIndex < text.length) {
    const start = part.lastIndex;
    const match = part.exec(text);
    if (!match || match.index !== start) return undefined;
    const [, amount = "", unit = ""] = match;
    total += Number(amount) * (units[unit] ?? Number.NaN);
  }
  return Number.isFinite(total) ? Math.ceil(total) : undefined;
}
