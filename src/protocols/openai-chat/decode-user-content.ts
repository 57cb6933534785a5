import type { FilePart, ImagePart, UserContent } from "../../ir/request.ts";
import type { OpenAIChatUserPart } from "./schema.ts";
import { invalidField } from "../shared/invalid-field.ts";
import { parseDataUrl } from "../shared/parse-data-url.ts";
import { mediaTypeFromFilename } from "../shared/media-type-from-filename.ts";

type Path = ReadonlyArray<PropertyKey>;

const audioMediaTypes = { wav: "audio/wav", mp3: "audio/mpeg" } as const;


/** Converts a user message's `content` (at `path`) into IR parts. */
export function decodeUserContent(content: string | OpenAIChatUserPart[], path: Path): UserContent[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return content.map((part, index) => decodeUserPart(part, [...path, index]));
}

function decodeUserPart(part: OpenAIChatUserPart, path: Path): UserContent {
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text };
    case "image_url":
      return decodeImageUrl(part.image_url.url, [...path, "image_url", "url"]);
    case "input_audio": {
      const mediaType = audioMediaTypes[part.input_audio.format];
      // The SDK sends bare base64 here; checking it as a data URL validates it.
      const parsed = parseDataUrl(`data:${mediaType};base64,${part.input_audio.data}`);
      if (!parsed) throw invalidField([...path, "input_audio", "data"], "expected base64-encoded audio");
      return { type: "file", mediaType, data: parsed.data };
    }
    case "file":
      return decodeFile(part.file, [...path, "file"]);
  }
}

function decodeImageUrl(url: string, path: Path): ImagePart {
  if (/^data:/i.test(url)) {
    const parsed = parseDataUrl(url);
    if (!parsed || parsed.mediaType === "") {
      throw invalidField(path, "malformed data URL, expected data:<media type>;base64,<data>");
    }
    return { type: "image", mediaType: parsed.mediaType, data: parsed.data };
  }
  if (/^https?:\/\//i.test(url) && URL.canParse(url)) return { type: "image", url };
  throw invalidField(path, "only data: and http(s) image URLs are accepted");
}

function decodeFile(
  file: { file_data?: string | null; file_id?: string | null; filename?: string | null },
  path: Path,
): FilePart | ImagePart {
  if (file.file_id != null) {
    throw invalidField([...path, "file_id"], "uploaded file ids are not supported, send the file inline as file_data");
  }
  if (file.file_data == null) throw invalidField([...path, "file_data"], "missing, expected a data URL or base64 data");
  const filename = file.filename ?? undefined;
  const isDataUrl = /^data:/i.test(file.file_data);
  // OpenAI documents file_data as a data URL; bare base64 is accepted with the type taken from the file name
  // (Chat Completions only takes PDFs this way, hence the default).
  const parsed = parseDataUrl(isDataUrl ? file.file_data : `data:;base64,${file.file_data}`);
  if (!parsed) {
    const expected = isDataUrl
      ? "malformed data URL, expected data:<media type>;base64,<data>"
      : "expected a data URL or base64 data";
    throw invalidField([...path, "file_data"], expected);
  }
  const mediaType = parsed.mediaType || mediaTypeFromFilename(filename) || "application/pdf";
  if (mediaType.startsWith("image/")) return { type: "image", mediaType, data: parsed.data };
  const part: FilePart = { type: "file", mediaType, data: parsed.data };
  if (filename !== undefined) part.filename = filename;
  return part;
}
