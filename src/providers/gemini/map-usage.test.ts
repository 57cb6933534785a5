import { describe, expect, test } from "bun:test";
import { mapGeminiUsage } from "./map-usage.ts";

describe("mapGeminiUsage", () => {
  test("a thinking answer: reasoning counts as output", () => {
    // From a Gemini 3 Pro stream: 9 prompt, 23 candidates, 302 thoughts, 334 total.
    const usage = mapGeminiUsage({
      promptTokenCount: 9,
      candidatesTokenCount: 23,
      totalTokenCount: 334,
      thoughtsTokenCount: 302,
    });
    expect(usage).toEqual({ input: { total: 9 }, output: { total: 325, reasoning: 302 } });
  });

  test("cached content and tool-use prompt tokens", () => {
    const usage = mapGeminiUsage({
      promptTokenCount: 2000,
      cachedContentTokenCount: 1500,
      toolUsePromptTokenCount: 120,
      candidatesTokenCount: 40,
      totalTokenCount: 2160,
    });
    expect(usage).toEqual({ input: { total: 2120, cacheRead: 1500 }, output: { total: 40 } });
  });

  test("a blocked prompt has no candidates count", () => {
    expect(mapGeminiUsage({ promptTokenCount: 9, totalTokenCount: 9 })).toEqual({
      input: { total: 9 },
      output: { total: 0 },
    });
  });

  test("missing metadata is zero usage", () => {
    expect(mapGeminiUsage(undefined)).toEqual({ input: { total: 0 }, output: { total: 0 } });
  });
});
