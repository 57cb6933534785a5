import type { FilePart, ImagePart, TextPart, UserContent } from "../../ir/request.ts";
import { isTextOrImageBlock } from "./is-known-block.ts";
import type { AnthropicDocumentBlock, AnthropicImageBlock, AnthropicTextBlock } from "./schema.ts";

/** An `image` block: inline base64 or a URL the media resolver fetches later. */
export function decodeImage(block: AnthropicImageBlock): ImagePart {
  const source = block.source;
  if (source.type === "base64") return { type: "image", mediaType: source.media_type, data: source.data };
  return { type: "image", url: source.url };
}

/** Text and image blocks of a nested content array as parts; other block types are dropped. */
export function decodeTextAndImages(
  content: string | ReadonlyArray<AnthropicTextBlock | AnthropicImageBlock | { type: string }>,
): Array<TextPart | ImagePart> {
  if (typeof content === "string") return [{ type: "text", text: content }];
  const parts: Array<TextPart | ImagePart> = [];
  for (const block of content) {
    if (!isTextOrImageBlock(block)) continue;
    parts.push(block.type === "text" ? { type: "text", text: block.text } : decodeImage(block));
  }
  return parts;
}

/**
 * A `document` block. A PDF (base64 or URL) becomes a file part, named by
 * its title; a plain-text source becomes text; a `content` source becomes its
 * own text and images.
 */
export function decodeDocument(block: AnthropicDocumentBlock): UserContent[] {
  const source = block.source;
  switch (source.type) {
    case "base64":
      return [withTitle({ type: "file", mediaType: source.media_type, data: source.data }, block.title)];
    case "url":
      // Anthropic's URL documents are PDFs.
      return [withTitle({ type: "file", mediaType: "application/pdf", url: source.url }, block.title)];
    case "text":
      return [{ type: "text", text: source.data }];
    case "content":
      return decodeTextAndImages(source.content);
  }
}

function withTitle(part: FilePart, title: string | null | undefined): FilePart {
  if (title) part.filename = title;
  return part;
}
