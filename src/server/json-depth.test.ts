import { expect, test } from "bun:test";
import { findExcessiveNesting } from "./json-depth.ts";

test("nesting within the limit passes; past it, the offset where it went too deep", () => {
  expect(findExcessiveNesting('{"a":[1,{"b":[]}]}', 4)).toBe(-1);
  expect(findExcessiveNesting('{"a":[1,{"b":[]}]}', 3)).toBe(13);
  expect(findExcessiveNesting('{"a":[1,{"b":[]}]}', 2)).toBe(8);
  expect(findExcessiveNesting("[".repeat(50_000) + "]".repeat(50_000), 128)).toBe(128);
});

test("brackets inside strings, escaped quotes and backslashes do not count", () => {
  expect(findExcessiveNesting(JSON.stringify({ text: "[[[[{{{{", quote: 'say \\"[[[[\\"', path: "C:\\\\[" }), 1)).toBe(-1);
  expect(findExcessiveNesting(JSON.stringify({ a: "\\", b: [[["x"]]] }), 3)).toBe(16);
});

test("siblings do not add up: depth is nesting, not count", () => {
  expect(findExcessiveNesting(JSON.stringify(Array.from({ length: 1000 }, () => ({ a: [1] }))), 3)).toBe(-1);
});

test("malformed text is left to JSON.parse", () => {
  expect(findExcessiveNesting('{"open": "never closed', 2)).toBe(-1);
  expect(findExcessiveNesting("]]]]", 2)).toBe(-1);
});
