import { expect, test } from "bun:test";
import { parseResetDuration } from "./parse-reset-duration.ts";

test.each([
  // The examples of OpenAI's rate-limit guide.
  ["1s", 1000],
  ["6m0s", 360_000],
  ["20ms", 20],
  ["17ms", 17],
  ["1h2m3s", 3_723_000],
  ["0.5s", 500],
  ["2.345s", 2345],
  ["59m59.999s", 3_599_999],
  ["1.5ms", 2],
  ["7.66", 7660],
  [" 3s ", 3000],
] as const)("%p → %p ms", (text, ms) => {
  expect(parseResetDuration(text)).toBe(ms);
});

test.each([undefined, null, "", "soon", "1d", "s", "1s later", "-1s", "1 s"])("%p is not a duration", (text) => {
  expect(parseResetDuration(text)).toBeUndefined();
});
