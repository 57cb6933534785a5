import { expect, test } from "bun:test";
import { mediaTypeFromFilename } from "./media-type-from-filename.ts";

test.each([
  ["report.PDF", "application/pdf"],
  ["photo.jpeg", "image/jpeg"],
  ["notes.tar.md", "text/markdown"],
  ["no-extension", undefined],
  ["archive.zip", undefined],
  [undefined, undefined],
])("%p → %p", (name, type) => {
  expect(mediaTypeFromFilename(name)).toBe(type);
});
