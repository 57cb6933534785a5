export interface ImageSize {
  width: number;
  height: number;
}

/**
 * The pixel size of a PNG, GIF, WebP or JPEG image from its first bytes, or
 * undefined when the format is unknown or the header is cut short. JPEG keeps
 * its size in a frame header after any metadata segments, so pass enough of
 * the file to cover those (64 KB is plenty for almost every photo).
 */
export function readImageSize(bytes: Uint8Array): ImageSize | undefined {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return readPng(bytes);
  if (bytes[0] === 0x47 && bytes[1] === 0x49 && bytes[2] === 0x46) return readGif(bytes);
  if (bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[2] === 0x46 && bytes[3] === 0x46) return readWebp(bytes);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return readJpeg(bytes);
  return undefined;
}

/** IHDR is always the first chunk: width and height are big-endian at 16 and 20. */
function readPng(bytes: Uint8Array): ImageSize | undefined {
  if (bytes.length < 24) return undefined;
  return valid(uint32(bytes, 16), uint32(bytes, 20));
}

/** The logical screen size, little-endian at 6 and 8. */
function readGif(bytes: Uint8Array): ImageSize | undefined {
  if (bytes.length < 10) return undefined;
  return valid(byte(bytes, 6) | (byte(bytes, 7) << 8), byte(bytes, 8) | (byte(bytes, 9) << 8));
}

function readWebp(bytes: Uint8Array): ImageSize | undefined {
  if (bytes.length < 30) return undefined;
  const chunk = String.fromCharCode(byte(bytes, 12), byte(bytes, 13), byte(bytes, 14), byte(bytes, 15));
  if (chunk === "VP8 ") {
    // Lossy: 14-bit sizes after the frame tag and start code.
    return valid((byte(bytes, 26) | (byte(bytes, 27) << 8)) & 0x3fff, (byte(bytes, 28) | (byte(bytes, 29) << 8)) & 0x3fff);
  }
  if (chunk === "VP8L") {
    // Lossless: two 14-bit fields (minus one) packed after the signature byte 0x2f.
    const b1 = byte(bytes, 21);
    const b2 = byte(bytes, 22);
    const b3 = byte(bytes, 23);
    const b4 = byte(bytes, 24);
    return valid(1 + (((b2 & 0x3f) << 8) | b1), 1 + (((b4 & 0x0f) << 10) | (b3 << 2) | ((b2 & 0xc0) >> 6)));
  }
  if (chunk === "VP8X") {
    // Extended: 24-bit canvas sizes (minus one).
    return valid(1 + uint24le(bytes, 24), 1 + uint24le(bytes, 27));
  }
  return undefined;
}

/** Walks the segments up to the first start-of-frame marker, which holds height then width. */
function readJpeg(bytes: Uint8Array): ImageSize | undefined {
  let offset = 2;
  while (offset + 9 < bytes.length) {
    if (byte(bytes, offset) !== 0xff) return undefined;
    const marker = byte(bytes, offset + 1);
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      offset += 2; // markers without a length
      continue;
    }
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return valid(uint16(bytes, offset + 7), uint16(bytes, offset + 5));
    offset += 2 + uint16(bytes, offset + 2);
  }
  return undefined;
}

function valid(width: number, height: number): ImageSize | undefined {
  return width > 0 && height > 0 ? { width, height } : undefined;
}

function byte(bytes: Uint8Array, offset: number): number {
  return bytes[offset] ?? 0;
}

function uint16(bytes: Uint8Array, offset: number): number {
  return (byte(bytes, offset) << 8) | byte(bytes, offset + 1);
}

function uint24le(bytes: Uint8Array, offset: number): number {
  return byte(bytes, offset) | (byte(bytes, offset + 1) << 8) | (byte(bytes, offset + 2) << 16);
}

function uint32(bytes: Uint8Array, offset: number): number {
  return ((byte(bytes, offset) << 24) >>> 0) + (byte(bytes, offset + 1) << 16) + (byte(bytes, offset + 2) << 8) + byte(bytes, offset + 3);
}
