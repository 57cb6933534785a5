import { describe, expect, test } from "bun:test";
import { formatPath } from "./format-path.ts";

describe("formatPath", () => {
  test.each([
    [[], ""],
    [["model"], "model"],
    [["messages", 2, "content"], "messages[2].content"],
    [["messages", 0, "content", 1, "image_url", "url"], "messages[0].content[1].image_url.url"],
    [["tools", 0, "function", "name"], "tools[0].function.name"],
  ] as Array<[PropertyKey[], string]>)("%j → %s", (path, expected) => {
    expect(formatPath(path)).toBe(expected);
  });
});
