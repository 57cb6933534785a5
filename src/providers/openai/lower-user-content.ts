import { GatewayError } from "../../ir/errors.ts";
import type { FilePart, ImagePart, UserContent } from "../../ir/request.ts";
import type { OpenAIContentPart } from "./types.ts";

/**
 * Lowers a user turn's parts. A turn of one text part stays a plain string
 * (every compatible server takes that); anything else is an array of
 * content parts. `where` names the message for error parameters.
 */
export function lowerOpenAIUserContent(content: UserContent[], where: string): string | OpenAIContentPart[] {
  const only = content[0];
  if (content.length === 1 && only?.type === "text") return only.text;
  return content.map((part, index) => lowerPart(part, `${where}.content[${index}]`));
}

function lowerPart(part: UserContent, param: string): OpenAIContentPart {
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text };
    case "image":
      return lowerOpenAIImage(part, param);
    case "file":
      return lowerFile(part, param);
  }
}

/** An image by URL as is, an inline one as a `data:` URL. */
export function lowerOpenAIImage(part: ImagePart, param: string): OpenAIContentPart {
  if (part.data !== undefined) return { type: "image_url", image_url: { url: dataUrl(part.mediaType ?? "image/jpeg", part.data) } };
  if (part.url !== undefined) return { type: "image_url", image_url: { url: part.url } };
  throw new GatewayError("invalid_request", "an image has neither data nor a URL", { param });
}

const audioFormats: Record<string, "wav" | "mp3"> = {
  "audio/wav": "wav",
  "audio/wave": "wav",
  "audio/x-wav": "wav",
  "audio/mpeg": "mp3",
  "audio/mp3": "mp3",
};

/**
 * Chat Completions takes images as `image_url`, audio as `input_audio`
 * (wav and mp3 only) and other files (PDFs) as `file` with inline
 * `file_data`; it cannot fetch a file from a URL.
 */
function lowerFile(part: FilePart, param: string): OpenAIContentPart {
  const mediaType = part.mediaType.toLowerCase();
  if (mediaType.startsWith("image/")) return lowerOpenAIImage({ type: "image", mediaType: part.mediaType, data: part.data, url: part.url }, param);
  if (part.data === undefined) {
    throw new GatewayError("invalid_request", `this upstream takes ${part.mediaType} files only inline, not by URL`, { param });
  }
  if (mediaType.startsWith("audio/")) {
    const format = audioFormats[mediaType];
    if (!format) throw new GatewayError("invalid_request", `this upstream takes audio as wav or mp3, not ${part.mediaType}`, { param });
    return { type: "input_audio", input_audio: { data: part.data, format } };
  }
  const extension = mediaType === "application/pdf" ? "pdf" : (mediaType.split("/")[1] ?? "bin");
  return { type: "file", file: { file_data: dataUrl(part.mediaType, part.data), filename: part.filename ?? `file.${extension}` } };
}

function dataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}
