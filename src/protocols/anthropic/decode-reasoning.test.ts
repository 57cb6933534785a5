import { describe, expect, test } from "bun:test";
import { decodeReasoning, decodeResponseFormat } from "./decode-reasoning.ts";

describe("decodeReasoning", () => {
  test("enabled: the budget, with an effort when one is stated", () => {
    expect(decodeReasoning({ type: "enabled", budget_tokens: 2048 }, undefined)).toEqual({ budgetTokens: 2048 });
    expect(decodeReasoning({ type: "enabled", budget_tokens: 2048 }, { effort: "high" })).toEqual({
      budgetTokens: 2048,
      effort: "high",
    });
  });

  test("disabled wins over any effort", () => {
    expect(decodeReasoning({ type: "disabled" }, { effort: "high" })).toEqual({ effort: "none" });
  });

  test("adaptive: the stated effort, else medium", () => {
    expect(decodeReasoning({ type: "adaptive" }, null)).toEqual({ effort: "medium" });
    expect(decodeReasoning({ type: "adaptive" }, { effort: "low" })).toEqual({ effort: "low" });
  });

  test.each([
    ["low", "low"],
    ["medium", "medium"],
    ["high", "high"],
    ["xhigh", "xhigh"],
    ["max", "xhigh"],
  ] as const)("effort %s alone → %s", (effort, expected) => {
    expect(decodeReasoning(undefined, { effort })).toEqual({ effort: expected });
  });

  test("nothing stated, nothing decided", () => {
    expect(decodeReasoning(undefined, undefined)).toBeUndefined();
    expect(decodeReasoning(null, { effort: null, format: null })).toBeUndefined();
  });
});

describe("decodeResponseFormat", () => {
  test("json_schema → json with the schema", () => {
    const schema = { type: "object", required: ["a"] };
    expect(decodeResponseFormat({ format: { type: "json_schema", schema } })).toEqual({ type: "json", schema });
    expect(decodeResponseFormat({ effort: "low" })).toBeUndefined();
  });
});
