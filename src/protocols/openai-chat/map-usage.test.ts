import { describe, expect, test } from "bun:test";
import { mapUsageToOpenAI } from "./map-usage.ts";

describe("mapUsageToOpenAI", () => {
  test("plain counts get zero details", () => {
    expect(mapUsageToOpenAI({ input: { total: 9 }, output: { total: 12 } })).toStrictEqual({
      prompt_tokens: 9,
      completion_tokens: 12,
      total_tokens: 21,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    });
  });

  test("cached, cache-write and reasoning tokens", () => {
    expect(
      mapUsageToOpenAI({ input: { total: 2006, cacheRead: 1920, cacheWrite: 64 }, output: { total: 300, reasoning: 192 } }),
    ).toStrictEqual({
      prompt_tokens: 2006,
      completion_tokens: 300,
      total_tokens: 2306,
      prompt_tokens_details: { cached_tokens: 1920, cache_write_tokens: 64 },
      completion_tokens_details: { reasoning_tokens: 192 },
    });
  });
});
