/**
 * A setting the upstream could not honour as asked (a clamped `max_tokens`,
 * `n > 1` on a single-answer upstream, an ignored field). Lowering and
 * decoding report these instead of dropping the setting silently; the
 * gateway sends the codes to the client in `x-agw-warnings` and writes them
 * to the request log.
 */
export interface Warning {
  /** A short, stable code (`max_tokens_clamped`, `n_unsupported`…). */
  code: string;
  /** What happened, for people reading logs. */
  message: string;
}
