import { describe, expect, test } from "bun:test";
import { lowerAnthropicThinking } from "./lower-thinking.ts";

describe("lowerAnthropicThinking", () => {
  test("no reasoning settings, effort none or a zero budget: thinking stays off", () => {
    expect(lowerAnthropicThinking(undefined, 4096)).toEqual({ maxTokens: 4096 });
    expect(lowerAnthropicThinking({ effort: "none" }, 4096)).toEqual({ maxTokens: 4096 });
    expect(lowerAnthropicThinking({ budgetTokens: 0 }, 4096)).toEqual({ maxTokens: 4096 });
    expect(lowerAnthropicThinking({ budgetTokens: 5000, effort: "none" }, 4096)).toEqual({ maxTokens: 4096 });
  });

  test.each([
    ["minimal", 1024],
    ["low", 2048],
    ["medium", 8192],
    ["high", 16384],
    ["xhigh", 24576],
  ] as const)("effort %s → budget %d", (effort, budget) => {
    expect(lowerAnthropicThinking({ effort }, 64000).budgetTokens).toBe(budget);
  });

  test("an explicit budget wins over the effort and is raised to Anthropic's minimum", () => {
    expect(lowerAnthropicThinking({ budgetTokens: 3000, effort: "high" }, 16000)).toEqual({ budgetTokens: 3000, maxTokens: 16000 });
    expect(lowerAnthropicThinking({ budgetTokens: 100 }, 16000)).toEqual({ budgetTokens: 1024, maxTokens: 16000 });
  });

  test("max_tokens grows above the budget by the answer room the client asked for", () => {
    expect(lowerAnthropicThinking({ effort: "medium" }, 4096)).toEqual({ budgetTokens: 8192, maxTokens: 12288 });
    expect(lowerAnthropicThinking({ budgetTokens: 2000 }, 2000)).toEqual({ budgetTokens: 2000, maxTokens: 4000 });
    expect(lowerAnthropicThinking({ effort: "xhigh" }, 4096).maxTokens).toBeLessThan(32000);
  });
});
