/**
 * A network failure's message for a client or a log: Bun's own text without
 * the advice it appends for developers ("For more information, pass
 * `verbose: true` in the second argument to fetch()"), which tells a
 * gateway's client nothing it can act on.
 */
export function describeNetworkError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*For more information, pass `verbose: true`[^.]*\.?/g, "").trim() || "unknown network error";
}
