import type { FilePart, ImagePart } from "../../ir/request.ts";

/** Image types by file name extension, for `fileData` that names no media type. */
const imageExtensions: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
};

/** `inlineData {mimeType, data}`: an image when the type says so, any other file otherwise. */
export function decodeInlineData(blob: { mimeType: string; data: string }): ImagePart | FilePart {
  if (blob.mimeType.toLowerCase().startsWith("image/")) return { type: "image", mediaType: blob.mimeType, data: blob.data };
  return { type: "file", mediaType: blob.mimeType, data: blob.data };
}

/**
 * `fileData {mimeType?, fileUri}`: media by URL. Without a type (Gemini
 * allows that for YouTube links and its own File API) an image is guessed
 * from the extension; anything else is an untyped file.
 */
export function decodeFileData(file: { mimeType?: string | null; fileUri: string }): ImagePart | FilePart {
  const mediaType = file.mimeType ?? imageTypeFromUrl(file.fileUri);
  if (mediaType?.toLowerCase().startsWith("image/")) return { type: "image", mediaType, url: file.fileUri };
  return { type: "file", mediaType: mediaType ?? "application/octet-stream", url: file.fileUri };
}

function imageTypeFromUrl(url: string): string | undefined {
  const path = url.split(/[?#]/, 1)[0] ?? "";
  const dot = path.lastIndexOf(".");
  return dot === -1 ? undefined : imageExtensions[path.slice(dot + 1).toLowerCase()];
}
