/** The parts of a base64 `data:` URL. */
export interface DataUrl {
  /** Lower-cased, without parameters; empty when the URL names none. */
  mediaType: string;
  /** The payload as standard base64, whitespace removed. */
  data: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MEDIA_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/;

/**
 * Parses `data:[<media type>][;<parameter>]*;base64,<data>` (RFC 2397).
 * Returns undefined unless it is a well-formed base64 data URL: model inputs
 * are binary, and a percent-encoded payload there is nearly always a typo
 * (`data:image/png,base64,…`) rather than intent.
 */
export function parseDataUrl(url: string): DataUrl | undefined {
  if (!/^data:/i.test(url)) return undefined;
  const comma = url.indexOf(",");
  if (comma === -1) return undefined;
  const header = url.slice(5, comma).split(";").map((piece) => piece.trim());
  if (header.length < 2 || header.at(-1)?.toLowerCase() !== "base64") return undefined;
  const mediaType = (header[0] ?? "").toLowerCase();
  if (mediaType !== "" && !MEDIA_TYPE.test(mediaType)) return undefined;
  let payload = url.slice(comma + 1);
  if (payload.includes("%")) {
    // Some clients URL-encode the base64 (`%2B` for `+`).
    try {
      payload = decodeURIComponent(payload);
    } catch {
      return undefined;
    }
  }
  const data = payload.replace(/\s+/g, "");
  if (!BASE64.test(data) || data.length % 4 === 1) return undefined;
  return { mediaType, data };
}
