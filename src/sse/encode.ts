const encoder = new TextEncoder();

/**
 * Formats one SSE frame. Data containing line breaks is split over several
 * `data:` lines, as the SSE grammar requires (JSON text never contains any).
 */
export function formatSse(data: string, event?: string): string {
  const head = event === undefined ? "" : `event: ${event}\n`;
  if (data.indexOf("\n") === -1 && data.indexOf("\r") === -1) return `${head}data: ${data}\n\n`;
  return `${head}${data
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}`)
    .join("\n")}\n\n`;
}

export function sseBytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** A comment frame: keeps idle connections open without producing an event. */
export const SSE_KEEPALIVE = ": keep-alive\n\n";

export const SSE_HEADERS: Record<string, string> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  connection: "keep-alive",
  "x-accel-buffering": "no",
};
