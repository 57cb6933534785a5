/** Upstream SSE events larger than this are refused rather than buffered without bound. */
// Generated images arrive whole in one event: a 4K picture is tens of MB of base64.
export const DEFAULT_MAX_EVENT_BYTES = 64 * 1024 * 1024;
