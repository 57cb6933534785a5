import { describe, expect, test } from "bun:test";
import type { ReasoningConfig } from "../../ir/request.ts";
import { isGemini3, lowerGeminiThinking } from "./lower-thinking.ts";

describe("lowerGeminiThinking", () => {
  test("nothing asked, nothing sent", () => {
    expect(lowerGeminiThinking(undefined, "gemini-2.5-flash")).toBeUndefined();
    expect(lowerGeminiThinking({}, "gemini-3-pro-preview")).toBeUndefined();
  });

  test.each<[ReasoningConfig, object]>([
    [{ effort: "none" }, { thinkingLevel: "low" }],
    [{ effort: "minimal" }, { thinkingLevel: "low", includeThoughts: true }],
    [{ effort: "low" }, { thinkingLevel: "low", includeThoughts: true }],
    [{ effort: "medium" }, { thinkingLevel: "high", includeThoughts: true }],
    [{ effort: "high" }, { thinkingLevel: "high", includeThoughts: true }],
    [{ effort: "xhigh" }, { thinkingLevel: "high", includeThoughts: true }],
    [{ budgetTokens: 2048 }, { thinkingLevel: "low", includeThoughts: true }],
    [{ budgetTokens: 16000 }, { thinkingLevel: "high", includeThoughts: true }],
  ])("Gemini 3 takes a level: %j", (reasoning, expected) => {
    expect(lowerGeminiThinking(reasoning, "gemini-3-flash-preview")).toEqual(expected);
  });

  test.each<[ReasoningConfig, object]>([
    [{ effort: "none" }, { thinkingBudget: 0 }],
    [{ effort: "minimal" }, { thinkingBudget: 512, includeThoughts: true }],
    [{ effort: "low" }, { thinkingBudget: 1024, includeThoughts: true }],
    [{ effort: "medium" }, { thinkingBudget: 8192, includeThoughts: true }],
    [{ effort: "high" }, { thinkingBudget: 24576, includeThoughts: true }],
    [{ effort: "xhigh" }, { thinkingBudget: 24576, includeThoughts: true }],
    [{ effort: "low", budgetTokens: 3000 }, { thinkingBudget: 3000, includeThoughts: true }],
    [{ budgetTokens: 0 }, { thinkingBudget: 0 }],
  ])("Gemini 2.5 Flash takes a budget: %j", (reasoning, expected) => {
    expect(lowerGeminiThinking(reasoning, "gemini-2.5-flash")).toEqual(expected);
  });

  test("Gemini 2.5 Pro cannot stop thinking and allows a larger budget", () => {
    expect(lowerGeminiThinking({ effort: "none" }, "gemini-2.5-pro")).toEqual({ thinkingBudget: 128 });
    expect(lowerGeminiThinking({ effort: "xhigh" }, "gemini-2.5-pro")).toEqual({
      thinkingBudget: 32768,
      includeThoughts: true,
    });
  });

  test("recognises Gemini 3 model names", () => {
    expect(isGemini3("gemini-3-pro-preview")).toBe(true);
    expect(isGemini3("gemini-3.1-flash-lite")).toBe(true);
    expect(isGemini3("models/gemini-3-flash")).toBe(true);
    expect(isGemini3("gemini-2.5-flash")).toBe(false);
    expect(isGemini3("gemini-30")).toBe(false);
  });
});
