import { base64ByteLength } from "./base64-payload.ts";

/** Base64 characters decoded at a time (a multiple of 4). */
const CHUNK = 64 * 1024;
/** When the page objects are hidden in compressed object streams: a rough size per page. */
const BYTES_PER_PAGE_GUESS = 100 * 1024;

/**
 * The number of pages of a base64 PDF, from its `/Type /Page` objects,
 * decoded a chunk at a time so a large file is never held twice in memory.
 * PDFs that compress their objects hide them; the size then gives a guess.
 * Always at least 1.
 */
export function countPdfPages(base64: string): number {
  // A page object; `/Type /Pages` (the page tree) is excluded by the lookahead.
  const pageObject = /\/Type\s*\/Page(?![a-zA-Z])/g;
  let pages = 0;
  let carry = "";
  for (let start = 0; start < base64.length; start += CHUNK) {
    const text = carry + Buffer.from(base64.slice(start, start + CHUNK), "base64").toString("latin1");
    const last = start + CHUNK >= base64.length;
    pageObject.lastIndex = 0;
    let counted = 0;
    for (let match = pageObject.exec(text); match; match = pageObject.exec(text)) {
      const end = match.index + match[0].length;
      // At a chunk's end, "/Type /Page" may still turn into "/Type /Pages": wait for the next chunk.
      if (end === text.length && !last) break;
      pages += 1;
      counted = end;
    }
    // The tail goes on with the next chunk so that a match split across chunks is found; it never holds a counted match.
    carry = text.slice(Math.max(counted, text.length - 32));
  }
  if (pages > 0) return pages;
  return Math.max(1, Math.round(base64ByteLength(base64) / BYTES_PER_PAGE_GUESS));
}
