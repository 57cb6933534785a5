import { expect, test } from "bun:test";
import { mapUsage } from "./map-usage.ts";

test("input_tokens excludes cache reads and writes, which are reported beside it", () => {
  expect(mapUsage({ input: { total: 2000, cacheRead: 1500, cacheWrite: 300 }, output: { total: 120, reasoning: 80 } })).toEqual({
    input_tokens: 200,
    output_tokens: 120,
    cache_creation_input_tokens: 300,
    cache_read_input_tokens: 1500,
  });
});

test("absent cache counts are 0", () => {
  expect(mapUsage({ input: { total: 25 }, output: { total: 15 } })).toEqual({
    input_tokens: 25,
    output_tokens: 15,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  });
});

test("an upstream that counts cache outside its total never gives a negative input", () => {
  expect(mapUsage({ input: { total: 10, cacheRead: 50 }, output: { total: 1 } }).input_tokens).toBe(0);
});
