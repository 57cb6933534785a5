import { expect, test } from "bun:test";
import { Pricing } from "./index.ts";

test("exact names, vendor prefixes and the most specific glob; the config's prices win", () => {
  const pricing = new Pricing({ "gemini-2.5-flash": { input: 1, output: 2 }, "gemini-*": { input: 9, output: 9 } });
  expect(pricing.priceOf("gemini-2.5-flash")).toEqual({ input: 1, output: 2 });
  expect(pricing.priceOf("models/gemini-2.5-pro")).toEqual({ input: 1.25, output: 10, cachedInput: 0.125 });
  expect(pricing.priceOf("gemini-2.5-flash-lite-preview-09-2025")).toEqual({ input: 0.1, output: 0.4, cachedInput: 0.01 });
  expect(pricing.priceOf("gemini-exp-1206")).toEqual({ input: 9, output: 9 });
  expect(pricing.priceOf("anthropic/claude-sonnet-4-5-20250929")).toEqual({ input: 3, output: 15, cachedInput: 0.3 });
  expect(pricing.priceOf("my-local-llama")).toBeUndefined();
});

test("cost: cached input and reasoning at their own prices, images per image; no price, no cost", () => {
  const pricing = new Pricing({ m: { input: 2, output: 10, cachedInput: 0.5, reasoning: 20, image: 0.04 } });
  const usage = { input: { total: 1_000_000, cacheRead: 400_000 }, output: { total: 300_000, reasoning: 100_000 } };
  // 600k × $2 + 400k × $0.5 + 200k × $10 + 100k × $20 = 1.2 + 0.2 + 2 + 2
  expect(pricing.cost("m", usage)).toBeCloseTo(5.4, 10);
  expect(pricing.cost("m", undefined, 3)).toBeCloseTo(0.12, 10);
  expect(pricing.cost("unknown", usage)).toBeUndefined();
  expect(pricing.cost("m", undefined)).toBeUndefined();
});
