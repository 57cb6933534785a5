import type { GeminiStreamFraming } from "./types.ts";

/** Writes streamed `GenerateContentResponse` chunks in one of Gemini's two framings. */
export interface GeminiFramer {
  frame(chunk: unknown): string;
  /** What closes the stream ("" for SSE, the array's `]` otherwise). */
  end(): string;
}

/**
 * `alt=sse`: `data: {json}` events with CRLF line ends and no event names,
 * as Google sends them.
 */
function sseFramer(): GeminiFramer {
  return {
    frame: (chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`,
    end: () => "",
  };
}

/**
 * Google's default framing: one JSON array written piece by piece, each
 * element pretty-printed with two spaces, `[` glued to the first element,
 * `\n,\r\n` between elements and `\n]` at the end — byte for byte what
 * generativelanguage.googleapis.com sends, so clients that split on those
 * separators instead of parsing the array keep working. An empty stream is `[]`.
 */
function jsonArrayFramer(): GeminiFramer {
  let opened = false;
  let closed = false;
  return {
    frame(chunk) {
      const separator = opened ? "\n,\r\n" : "[";
      opened = true;
      return separator + JSON.stringify(chunk, null, 2);
    },
    end() {
      if (closed) return "";
      closed = true;
      return opened ? "\n]" : "[]";
    },
  };
}

export function createGeminiFramer(framing: GeminiStreamFraming): GeminiFramer {
  return framing === "sse" ? sseFramer() : jsonArrayFramer();
}

/**
 * A keep-alive for the JSON-array framing: whitespace is valid anywhere
 * between JSON tokens, so a streaming JSON parser skips it (clients that
 * split the text on Google's exact separators do not; send it sparingly).
 * The SSE framing uses the usual SSE comment.
 */
export const GEMINI_JSON_ARRAY_KEEPALIVE = "\n";

/** Response headers for the JSON-array framing (the SSE framing uses the usual SSE headers). */
export const GEMINI_JSON_ARRAY_HEADERS: Record<string, string> = {
  "content-type": "application/json; charset=UTF-8",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
};
