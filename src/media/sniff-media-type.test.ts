import { describe, expect, test } from "bun:test";
import { sniffMediaType } from "./sniff-media-type.ts";

const bytes = (...parts: Array<string | number[]>) =>
  new Uint8Array(parts.flatMap((part) => (typeof part === "string" ? Array.from(Buffer.from(part, "latin1")) : part)));

describe("sniffMediaType", () => {
  test.each([
    ["png", bytes([0x89], "PNG\r\n\x1a\n", [0, 0, 0, 13]), "image/png"],
    ["jpeg", bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], "JFIF"), "image/jpeg"],
    ["gif87a", bytes("GIF87a", [1, 0, 1, 0]), "image/gif"],
    ["gif89a", bytes("GIF89a", [1, 0, 1, 0]), "image/gif"],
    ["webp", bytes("RIFF", [0x24, 0, 0, 0], "WEBPVP8 "), "image/webp"],
    ["pdf", bytes("%PDF-1.7\n"), "application/pdf"],
    ["RIFF that is not WebP (WAV)", bytes("RIFF", [0x24, 0, 0, 0], "WAVEfmt "), undefined],
    ["truncated png", bytes([0x89], "PNG\r\n"), undefined],
    ["two jpeg bytes", bytes([0xff, 0xd8]), undefined],
    ["GIF without version", bytes("GIF8"), undefined],
    ["text", bytes("hello, world"), undefined],
    ["empty", bytes(), undefined],
  ] as const)("%s", (_name, input, expected) => {
    expect(sniffMediaType(input)).toBe(expected);
  });
});
