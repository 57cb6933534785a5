import type { FilePart, ImagePart } from "../../ir/request.ts";
import type { AnthropicDocumentBlock, AnthropicImageBlock, AnthropicTextBlock } from "./types.ts";

/**
 * An image as an `image` block: inline base64 (raw or a `data:` URL, which
 * clients send either way) or a `url` source, which Anthropic fetches itself.
 * An image with neither gives no block.
 */
export function lowerImage(part: ImagePart): AnthropicImageBlock[] {
  const inline = part.data ?? (part.url?.startsWith("data:") ? part.url : undefined);
  if (inline !== undefined) {
    const { mediaType, data } = splitDataUrl(inline);
    return [{ type: "image", source: { type: "base64", media_type: part.mediaType ?? mediaType ?? sniffImageType(data), data } }];
  }
  if (part.url !== undefined) return [{ type: "image", source: { type: "url", url: part.url } }];
  return [];
}

/**
 * A file as a `document` block: PDFs inline or by URL (Anthropic's URL
 * documents are PDFs), plain text as a text source. An image sent as a file
 * becomes an image. Other kinds (audio, video, office files) have no
 * Anthropic equivalent and are dropped, as the IR's lowering contract allows.
 */
export function lowerFile(part: FilePart): Array<AnthropicDocumentBlock | AnthropicImageBlock | AnthropicTextBlock> {
  const inline = part.data ?? (part.url?.startsWith("data:") ? part.url : undefined);
  const split = inline === undefined ? undefined : splitDataUrl(inline);
  const mediaType = (part.mediaType || split?.mediaType || "").toLowerCase();
  const titled = (block: AnthropicDocumentBlock): AnthropicDocumentBlock => (part.filename ? { ...block, title: part.filename } : block);

  if (mediaType.startsWith("image/")) {
    return lowerImage({ type: "image", mediaType, ...(inline !== undefined ? { data: inline } : part.url ? { url: part.url } : {}) });
  }
  if (mediaType === "application/pdf") {
    if (split) return [titled({ type: "document", source: { type: "base64", media_type: "application/pdf", data: split.data } })];
    if (part.url !== undefined) return [titled({ type: "document", source: { type: "url", url: part.url } })];
    return [];
  }
  if (mediaType.startsWith("text/") && split) {
    const text = Buffer.from(split.data, "base64").toString("utf8");
    return [titled({ type: "document", source: { type: "text", media_type: "text/plain", data: text } })];
  }
  return [];
}

/** Accepts both raw base64 and a `data:` URL. */
export function splitDataUrl(data: string): { mediaType?: string; data: string } {
  const match = /^data:([^;,]+)?(?:;[^,]*)?,/.exec(data);
  if (!match) return { data };
  return match[1] ? { mediaType: match[1], data: data.slice(match[0].length) } : { data: data.slice(match[0].length) };
}

/** Anthropic requires a media type; base64 magic numbers give it when the client did not. */
function sniffImageType(base64: string): string {
  if (base64.startsWith("iVBOR")) return "image/png";
  if (base64.startsWith("R0lGOD")) return "image/gif";
  if (base64.startsWith("UklGR")) return "image/webp";
  return "image/jpeg";
}
