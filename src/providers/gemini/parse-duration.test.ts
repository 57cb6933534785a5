import { describe, expect, test } from "bun:test";
import { parseGoogleDuration } from "./parse-duration.ts";

describe("parseGoogleDuration", () => {
  test.each([
    ["37s", 37_000],
    ["34.4s", 34_400],
    ["1.5s", 1500],
    ["0s", 0],
    ["3.000000001s", 3001],
    ["510.7ms", 511],
    ["250ms", 250],
    ["1m", 60_000],
    ["2h1m1s", 7_261_000],
    ["2h1m1.5s", 7_261_500],
    ["1m30.25s", 90_250],
    ["100us", 1],
    [" 5s ", 5000],
  ])("%p → %p ms", (text, expected) => {
    expect(parseGoogleDuration(text)).toBe(expected);
  });

  test.each(["", "37", "s", "abc", "5 s", "1.5x", "-3s", "1h-1m"])("%p is not a duration", (text) => {
    expect(parseGoogleDuration(text)).toBeUndefined();
  });
});
