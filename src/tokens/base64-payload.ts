/** The base64 payload of a part's `data`: raw base64 or a `data:` URL, as clients send either. */
export function base64Payload(data: string): string {
  if (!data.startsWith("data:")) return data;
  const comma = data.indexOf(",");
  return comma < 0 ? "" : data.slice(comma + 1);
}

/** How many bytes a base64 text decodes to, without decoding it. */
export function base64ByteLength(base64: string): number {
  let padding = 0;
  if (base64.endsWith("==")) padding = 2;
  else if (base64.endsWith("=")) padding = 1;
  return Math.max(0, Math.floor((base64.length * 3) / 4) - padding);
}

/** Decodes at most the first `maxBytes` bytes of a base64 text (whole 4-character groups only). */
export function decodeBase64Prefix(base64: string, maxBytes: number): Uint8Array {
  const characters = Math.min(base64.length, Math.ceil(maxBytes / 3) * 4);
  return Buffer.from(base64.slice(0, characters), "base64");
}
