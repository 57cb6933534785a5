import { expect, test } from "bun:test";
import { mapUsageToGemini } from "./map-usage.ts";

test("candidates exclude thoughts; optional counts only when reported", () => {
  expect(mapUsageToGemini({ input: { total: 9 }, output: { total: 29 } })).toStrictEqual({
    promptTokenCount: 9,
    candidatesTokenCount: 29,
    totalTokenCount: 38,
  });
  expect(mapUsageToGemini({ input: { total: 9, cacheRead: 4, cacheWrite: 2 }, output: { total: 285, reasoning: 256 } })).toStrictEqual({
    promptTokenCount: 9,
    candidatesTokenCount: 29,
    totalTokenCount: 294,
    thoughtsTokenCount: 256,
    cachedContentTokenCount: 4,
  });
});
