import type { FilePart } from "../ir/request.ts";
import { base64ByteLength, base64Payload } from "./base64-payload.ts";
import { countPdfPages } from "./count-pdf-pages.ts";
import { estimateTextTokens } from "./estimate-tokens.ts";

/** A PDF page: its extracted text plus the page image (Anthropic quotes 1,500–3,000 per page). */
export const PDF_PAGE_TOKENS = 1500;
/** A file we cannot look into (audio, video, a URL): a guess of one page's worth. */
export const UNKNOWN_FILE_TOKENS = 1500;
/** Text documents larger than this are estimated from their size instead of decoded. */
const MAX_DECODED_TEXT_BYTES = 4 * 1024 * 1024;

/**
 * The input tokens of a non-image file: a text document by its text, a PDF
 * by its page count, anything else (or a file given by URL) at a flat guess.
 */
export function estimateFileTokens(file: FilePart): number {
  const nameTokens = file.filename ? estimateTextTokens(file.filename) : 0;
  if (file.data === undefined) return nameTokens + UNKNOWN_FILE_TOKENS;
  const base64 = base64Payload(file.data);
  const mediaType = file.mediaType.toLowerCase();
  if (mediaType === "application/pdf") return nameTokens + countPdfPages(base64) * PDF_PAGE_TOKENS;
  if (isTextType(mediaType)) {
    const bytes = base64ByteLength(base64);
    // ~4 bytes a token for ordinary text; decoding a huge document is not worth it.
    if (bytes > MAX_DECODED_TEXT_BYTES) return nameTokens + Math.ceil(bytes / 4);
    return nameTokens + estimateTextTokens(Buffer.from(base64, "base64").toString("utf8"));
  }
  return nameTokens + UNKNOWN_FILE_TOKENS;
}

function isTextType(mediaType: string): boolean {
  return (
    mediaType.startsWith("text/") ||
    mediaType.endsWith("+json") ||
    mediaType.endsWith("+xml") ||
    mediaType === "application/json" ||
    mediaType === "application/xml" ||
    mediaType === "application/javascript" ||
    mediaType === "application/x-yaml" ||
    mediaType === "application/yaml"
  );
}
