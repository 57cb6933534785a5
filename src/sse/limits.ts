/** Upstream SSE events larger than this are refused rather than buffered without bound. */
export const DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024;
