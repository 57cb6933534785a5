import { describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import { decodeUserContent } from "./decode-user-content.ts";
import type { OpenAIChatUserPart } from "./schema.ts";

const path = ["messages", 3, "content"];

function rejection(part: OpenAIChatUserPart): GatewayError {
  try {
    decodeUserContent([part], path);
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

describe("decodeUserContent", () => {
  test("a string is one text part", () => {
    expect(decodeUserContent("Hello!", path)).toStrictEqual([{ type: "text", text: "Hello!" }]);
  });

  test("images: base64 data URL inline, http(s) by URL; detail is dropped", () => {
    expect(
      decodeUserContent(
        [
          { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/4AAQSkZJRg==", detail: "high" } },
          { type: "image_url", image_url: { url: "http://example.com/cat.png", detail: "low" } },
          { type: "image_url", image_url: { url: "HTTPS://example.com/dog.webp" } },
        ],
        path,
      ),
    ).toStrictEqual([
      { type: "image", mediaType: "image/jpeg", data: "/9j/4AAQSkZJRg==" },
      { type: "image", url: "http://example.com/cat.png" },
      { type: "image", url: "HTTPS://example.com/dog.webp" },
    ]);
  });

  test("input_audio: wav and mp3", () => {
    expect(
      decodeUserContent(
        [
          { type: "input_audio", input_audio: { data: "UklGRg==", format: "wav" } },
          { type: "input_audio", input_audio: { data: "SUQz", format: "mp3" } },
        ],
        path,
      ),
    ).toStrictEqual([
      { type: "file", mediaType: "audio/wav", data: "UklGRg==" },
      { type: "file", mediaType: "audio/mpeg", data: "SUQz" },
    ]);
  });

  test("file_data: data URL, bare base64 typed by file name or as PDF, images as image parts", () => {
    expect(
      decodeUserContent(
        [
          { type: "file", file: { file_data: "data:text/csv;base64,YSxiCg==", filename: "t.csv" } },
          { type: "file", file: { file_data: "aGVsbG8=", filename: "notes.txt" } },
          { type: "file", file: { file_data: "JVBERi0xLjQK" } },
          { type: "file", file: { file_data: "data:image/png;base64,iVBORw0KGgo=" } },
        ],
        path,
      ),
    ).toStrictEqual([
      { type: "file", mediaType: "text/csv", data: "YSxiCg==", filename: "t.csv" },
      { type: "file", mediaType: "text/plain", data: "aGVsbG8=", filename: "notes.txt" },
      { type: "file", mediaType: "application/pdf", data: "JVBERi0xLjQK" },
      { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
    ]);
  });

  test.each([
    [{ type: "image_url", image_url: { url: "ftp://example.com/a.png" } }, "image_url.url", "only data: and http(s) image URLs are accepted"],
    [{ type: "image_url", image_url: { url: "file:///tmp/a.png" } }, "image_url.url", "only data: and http(s) image URLs are accepted"],
    [{ type: "image_url", image_url: { url: "cat.png" } }, "image_url.url", "only data: and http(s) image URLs are accepted"],
    [{ type: "image_url", image_url: { url: "iVBORw0KGgo=" } }, "image_url.url", "only data: and http(s) image URLs are accepted"],
    [{ type: "image_url", image_url: { url: "https://" } }, "image_url.url", "only data: and http(s) image URLs are accepted"],
    [
      { type: "image_url", image_url: { url: "data:image/png,base64,iVBOR" } },
      "image_url.url",
      "malformed data URL, expected data:<media type>;base64,<data>",
    ],
    [
      { type: "image_url", image_url: { url: "data:;base64,iVBORw0KGgo=" } },
      "image_url.url",
      "malformed data URL, expected data:<media type>;base64,<data>",
    ],
    [{ type: "input_audio", input_audio: { data: "not base64!", format: "wav" } }, "input_audio.data", "expected base64-encoded audio"],
    [
      { type: "file", file: { file_id: "file-abc123" } },
      "file.file_id",
      "uploaded file ids are not supported, send the file inline as file_data",
    ],
    [{ type: "file", file: { filename: "a.pdf" } }, "file.file_data", "missing, expected a data URL or base64 data"],
    [
      { type: "file", file: { file_data: "data:application/pdf;base64,@@" } },
      "file.file_data",
      "malformed data URL, expected data:<media type>;base64,<data>",
    ],
    [{ type: "file", file: { file_data: "not base64!" } }, "file.file_data", "expected a data URL or base64 data"],
  ] as Array<[OpenAIChatUserPart, string, string]>)("rejects %j", (part, field, expected) => {
    const error = rejection(part);
    expect(error.kind).toBe("invalid_request");
    expect(error.param).toBe(`messages[3].content[0].${field}`);
    expect(error.message).toBe(`messages[3].content[0].${field}: ${expected}`);
  });
});
