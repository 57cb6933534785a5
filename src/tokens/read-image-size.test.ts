import { describe, expect, test } from "bun:test";
import { readImageSize } from "./read-image-size.ts";

function pngHeader(width: number, height: number): Uint8Array {
  const bytes = new Uint8Array(33);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const view = new DataView(bytes.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return bytes;
}

function jpeg(width: number, height: number): Uint8Array {
  const app0 = [0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
  // A long metadata segment before the frame, as EXIF makes.
  const app1 = [0xff, 0xe1, 0x01, 0x02, ...new Array<number>(0x100).fill(0x41)];
  const frame = [0xff, 0xc2, 0, 17, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  return new Uint8Array([0xff, 0xd8, ...app0, 0xff, ...app1, ...frame, 0xff, 0xd9]);
}

function webp(chunk: string, payload: number[]): Uint8Array {
  const bytes = new Uint8Array(40);
  bytes.set(Array.from("RIFF\0\0\0\0WEBP" + chunk, (character) => character.charCodeAt(0)));
  bytes.set(payload, 16);
  return bytes;
}

describe("readImageSize", () => {
  test("PNG", () => {
    expect(readImageSize(pngHeader(1024, 768))).toEqual({ width: 1024, height: 768 });
    expect(readImageSize(pngHeader(1024, 768).slice(0, 20))).toBeUndefined();
  });

  test("GIF", () => {
    const gif = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x40, 0x01, 0xf0, 0x00, 0, 0, 0]);
    expect(readImageSize(gif)).toEqual({ width: 320, height: 240 });
  });

  test("JPEG, past a fill byte and metadata segments", () => {
    expect(readImageSize(jpeg(4032, 3024))).toEqual({ width: 4032, height: 3024 });
    expect(readImageSize(jpeg(4032, 3024).slice(0, 100))).toBeUndefined();
  });

  test("WebP: lossy, lossless and extended", () => {
    const lossy = webp("VP8 ", [0, 0, 0, 0, 0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01]);
    expect(readImageSize(lossy)).toEqual({ width: 640, height: 480 });
    const packed = (400 - 1) | ((300 - 1) << 14);
    const lossless = webp("VP8L", [0, 0, 0, 0, 0x2f, packed & 0xff, (packed >> 8) & 0xff, (packed >> 16) & 0xff, (packed >>> 24) & 0xff]);
    expect(readImageSize(lossless)).toEqual({ width: 400, height: 300 });
    const extended = webp("VP8X", [10, 0, 0, 0, 0, 0, 0, 0, 0xff, 0x0e, 0x00, 0x37, 0x04, 0x00]);
    expect(readImageSize(extended)).toEqual({ width: 3840, height: 1080 });
  });

  test("an unknown format or an empty buffer has no size", () => {
    expect(readImageSize(new Uint8Array([0x25, 0x50, 0x44, 0x46]))).toBeUndefined();
    expect(readImageSize(new Uint8Array())).toBeUndefined();
    expect(readImageSize(pngHeader(0, 10))).toBeUndefined();
  });
});
