import { describe, expect, test } from "bun:test";
import { parseDataUrl } from "./parse-data-url.ts";

describe("parseDataUrl", () => {
  test("base64 image", () => {
    expect(parseDataUrl("data:image/png;base64,iVBORw0KGgo=")).toEqual({ mediaType: "image/png", data: "iVBORw0KGgo=" });
  });

  test("media type is lower-cased, parameters dropped, BASE64 marker case-insensitive", () => {
    expect(parseDataUrl("DATA:Image/JPEG;name=a.jpg;BASE64,/9j/4AAQ")).toEqual({ mediaType: "image/jpeg", data: "/9j/4AAQ" });
  });

  test("whitespace and percent-escapes inside base64 are tolerated", () => {
    expect(parseDataUrl("data:application/pdf;base64,JVBE\nRi0x")).toEqual({ mediaType: "application/pdf", data: "JVBERi0x" });
    expect(parseDataUrl("data:image/png;base64,ab%2Bc")).toEqual({ mediaType: "image/png", data: "ab+c" });
  });

  test("missing media type gives an empty one", () => {
    expect(parseDataUrl("data:;base64,QUJD")).toEqual({ mediaType: "", data: "QUJD" });
  });

  test.each([
    ["https://example.com/a.png"],
    ["data:image/png;base64"],
    ["data:image/png;base64,"],
    ["data:image/png;base64,not base64!"],
    ["data:image/png;base64,A"],
    ["data:image png;base64,QUJD"],
    ["data:image/png;base64,%ZZ"],
    ["data:text/plain,hello"],
    ["data:image/svg+xml,%3Csvg%2F%3E"],
    ["data:image/png,base64,iVBOR"],
  ])("malformed: %s", (url) => {
    expect(parseDataUrl(url)).toBeUndefined();
  });
});
