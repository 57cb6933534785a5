import { describe, expect, test } from "bun:test";
import { mapAnthropicUsage, mergeAnthropicUsage } from "./map-usage.ts";

describe("mapAnthropicUsage", () => {
  test("cache reads and writes are part of the input total", () => {
    expect(
      mapAnthropicUsage({ input_tokens: 21, cache_read_input_tokens: 188086, cache_creation_input_tokens: 393, output_tokens: 393 }),
    ).toEqual({ input: { total: 188500, cacheRead: 188086, cacheWrite: 393 }, output: { total: 393 } });
  });

  test("no cache fields: no cache counts; thinking tokens become reasoning", () => {
    expect(mapAnthropicUsage({ input_tokens: 25, output_tokens: 15, output_tokens_details: { thinking_tokens: 9 } })).toEqual({
      input: { total: 25 },
      output: { total: 15, reasoning: 9 },
    });
  });

  test("nulls and missing usage count 0", () => {
    expect(mapAnthropicUsage({ input_tokens: null, output_tokens: 3, cache_read_input_tokens: null })).toEqual({
      input: { total: 0 },
      output: { total: 3 },
    });
    expect(mapAnthropicUsage(undefined)).toEqual({ input: { total: 0 }, output: { total: 0 } });
  });
});

describe("mergeAnthropicUsage", () => {
  test("message_delta's counts replace message_start's; missing or null ones keep them", () => {
    const start = { input_tokens: 472, output_tokens: 2, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 };
    expect(mergeAnthropicUsage(start, { output_tokens: 89 })).toEqual({ ...start, output_tokens: 89 });
    expect(mergeAnthropicUsage({ input_tokens: 0, output_tokens: 1 }, { input_tokens: 9, output_tokens: 4, cache_read_input_tokens: null })).toEqual({
      input_tokens: 9,
      output_tokens: 4,
    });
  });
});
