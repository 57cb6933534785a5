import type { FilePart, ImagePart } from "../../ir/request.ts";
import { invalidField } from "../shared/invalid-field.ts";
import { parseDataUrl } from "../shared/parse-data-url.ts";
import { mediaTypeFromFilename } from "../shared/media-type-from-filename.ts";

type Path = ReadonlyArray<PropertyKey>;


const noFileIds = "uploaded file ids are not supported, send the content inline";

/** An `input_image` part (at `path`): a base64 data URL or an http(s) URL; uploaded file ids are refused. */
export function decodeInputImage(
  part: { image_url?: string | null; file_id?: string | null },
  path: Path,
): ImagePart {
  if (part.image_url == null) {
    if (part.file_id != null) throw invalidField([...path, "file_id"], `${noFileIds} as image_url (a data URL)`);
    throw invalidField([...path, "image_url"], "missing, expected a data URL or an http(s) URL");
  }
  const url = part.image_url;
  if (/^data:/i.test(url)) {
    const parsed = parseDataUrl(url);
    if (!parsed || parsed.mediaType === "") {
      throw invalidField([...path, "image_url"], "malformed data URL, expected data:<media type>;base64,<data>");
    }
    return { type: "image", mediaType: parsed.mediaType, data: parsed.data };
  }
  if (/^https?:\/\//i.test(url) && URL.canParse(url)) return { type: "image", url };
  throw invalidField([...path, "image_url"], "only data: and http(s) image URLs are accepted");
}

/**
 * An `input_file` part (at `path`): `file_data` as a data URL (or bare base64,
 * typed by the file name), or `file_url`; uploaded file ids are refused. An
 * image file becomes an image part.
 */
export function decodeInputFile(
  part: { file_data?: string | null; file_url?: string | null; file_id?: string | null; filename?: string | null },
  path: Path,
): FilePart | ImagePart {
  const filename = part.filename ?? undefined;
  if (part.file_data != null) {
    const isDataUrl = /^data:/i.test(part.file_data);
    const parsed = parseDataUrl(isDataUrl ? part.file_data : `data:;base64,${part.file_data}`);
    if (!parsed) {
      const expected = isDataUrl ? "malformed data URL, expected data:<media type>;base64,<data>" : "expected a data URL or base64 data";
      throw invalidField([...path, "file_data"], expected);
    }
    const mediaType = parsed.mediaType || mediaTypeFromFilename(filename) || "application/pdf";
    if (mediaType.startsWith("image/")) return { type: "image", mediaType, data: parsed.data };
    return withFilename({ type: "file", mediaType, data: parsed.data }, filename);
  }
  if (part.file_url != null) {
    if (!/^https?:\/\//i.test(part.file_url) || !URL.canParse(part.file_url)) {
      throw invalidField([...path, "file_url"], "only http(s) file URLs are accepted");
    }
    const mediaType = mediaTypeFromFilename(filename ?? new URL(part.file_url).pathname) ?? "application/pdf";
    if (mediaType.startsWith("image/")) return { type: "image", mediaType, url: part.file_url };
    return withFilename({ type: "file", mediaType, url: part.file_url }, filename);
  }
  if (part.file_id != null) throw invalidField([...path, "file_id"], `${noFileIds} as file_data (a data URL)`);
  throw invalidField([...path, "file_data"], "missing, expected a data URL, base64 data or a file_url");
}

function withFilename(part: FilePart, filename: string | undefined): FilePart {
  if (filename !== undefined) part.filename = filename;
  return part;
}
