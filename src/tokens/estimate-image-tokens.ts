import type { ImagePart } from "../ir/request.ts";
import { base64Payload, decodeBase64Prefix } from "./base64-payload.ts";
import { readImageSize } from "./read-image-size.ts";

/** What an image of unknown size costs: about the most Anthropic charges for one. */
export const UNKNOWN_IMAGE_TOKENS = 1600;

/** Anthropic scales an image down until its long edge fits this many pixels. */
const MAX_LONG_EDGE = 1568;
/** Bytes of an inline image read to find its size: JPEG metadata can come before the frame header. */
const HEADER_BYTES = 64 * 1024;

/**
 * The input tokens of an image by Anthropic's rule of thumb, width × height
 * / 750 after scaling the long edge down to 1568 px, capped at 1600. An image
 * given by URL, or in a format whose size we cannot read, counts 1600.
 */
export function estimateImageTokens(image: ImagePart): number {
  if (image.data === undefined) return UNKNOWN_IMAGE_TOKENS;
  const size = readImageSize(decodeBase64Prefix(base64Payload(image.data), HEADER_BYTES));
  if (!size) return UNKNOWN_IMAGE_TOKENS;
  const scale = Math.min(1, MAX_LONG_EDGE / Math.max(size.width, size.height));
  const tokens = Math.ceil((size.width * scale * (size.height * scale)) / 750);
  return Math.max(1, Math.min(UNKNOWN_IMAGE_TOKENS, tokens));
}
