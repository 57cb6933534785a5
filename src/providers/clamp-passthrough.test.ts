import { describe, expect, test } from "bun:test";
import type { Warning } from "../ir/warning.ts";
import { clampAnthropicPassthrough } from "./anthropic/clamp-passthrough.ts";
import { clampGeminiPassthrough } from "./gemini/clamp-passthrough.ts";
import { clampOpenAIPassthrough } from "./openai/clamp-passthrough.ts";

/** A client's own body on its way through: only an output budget above the model's limit changes, in a copy. */
describe("clamping a passed-through body", () => {
  test("Anthropic: max_tokens to the limit, a thinking budget that no longer fits shrunk, the rest untouched", () => {
    const warnings: Warning[] = [];
    const fields = {
      model: "claude-sonnet-4-5",
      max_tokens: 128000,
      thinking: { type: "enabled", budget_tokens: 100000 },
      messages: [{ role: "user", content: "hi" }],
      context_management: { edits: [] },
    };
    expect(clampAnthropicPassthrough(fields, 64000, "claude-sonnet-4-5", warnings)).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 64000,
      thinking: { type: "enabled", budget_tokens: 36000 },
      messages: [{ role: "user", content: "hi" }],
      context_management: { edits: [] },
    });
    expect(warnings).toEqual([
      { code: "max_tokens_clamped", message: "max_tokens 128000 is above claude-sonnet-4-5's output limit of 64000; 64000 was sent" },
      {
        code: "thinking_budget_clamped",
        message: "a thinking budget of 100000 tokens does not fit the model's output limit of 64000 beside the answer; 36000 was sent",
      },
    ]);
    expect(fields.max_tokens).toBe(128000);
  });

  test("Anthropic: within the limit, or an unknown model, the very same fields", () => {
    const warnings: Warning[] = [];
    const fields = { model: "m", max_tokens: 32000, thinking: { type: "enabled", budget_tokens: 31999 } };
    expect(clampAnthropicPassthrough(fields, 32000, "claude-opus-4-1", warnings)).toBe(fields);
    expect(clampAnthropicPassthrough({ ...fields, max_tokens: 500000 }, undefined, "glm-4.6", warnings)).toEqual({ ...fields, max_tokens: 500000 });
    expect(warnings).toEqual([]);
  });

  test("Anthropic: a budget that fits beside the clamped max_tokens stays", () => {
    const warnings: Warning[] = [];
    expect(clampAnthropicPassthrough({ max_tokens: 128000, thinking: { type: "enabled", budget_tokens: 10000 } }, 64000, "m", warnings)).toEqual({
      max_tokens: 64000,
      thinking: { type: "enabled", budget_tokens: 10000 },
    });
    expect(warnings.map((warning) => warning.code)).toEqual(["max_tokens_clamped"]);
  });

  test("OpenAI: either field name", () => {
    const warnings: Warning[] = [];
    expect(clampOpenAIPassthrough({ model: "gpt-4o", max_tokens: 200000, logprobs: true }, 16384, "gpt-4o", warnings)).toEqual({
      model: "gpt-4o",
      max_tokens: 16384,
      logprobs: true,
    });
    expect(clampOpenAIPassthrough({ max_completion_tokens: 20000 }, 16384, "gpt-4o", warnings)).toEqual({ max_completion_tokens: 16384 });
    const fine = { max_completion_tokens: 100 };
    expect(clampOpenAIPassthrough(fine, 16384, "gpt-4o", warnings)).toBe(fine);
    expect(warnings).toEqual([
      { code: "max_tokens_clamped", message: "max_tokens 200000 is above gpt-4o's output limit of 16384; 16384 was sent" },
    ]);
  });

  test("Gemini: generationConfig.maxOutputTokens, in either spelling", () => {
    const warnings: Warning[] = [];
    const contents = [{ role: "user", parts: [{ text: "hi" }] }];
    expect(clampGeminiPassthrough({ contents, generationConfig: { maxOutputTokens: 200000, temperature: 0.2 } }, 65536, "gemini-2.5-flash", warnings)).toEqual({
      contents,
      generationConfig: { maxOutputTokens: 65536, temperature: 0.2 },
    });
    expect(clampGeminiPassthrough({ contents, generation_config: { max_output_tokens: 70000 } }, 65536, "gemini-2.5-flash", warnings)).toEqual({
      contents,
      generation_config: { max_output_tokens: 65536 },
    });
    const fine = { contents, generationConfig: { maxOutputTokens: 100 } };
    expect(clampGeminiPassthrough(fine, 65536, "gemini-2.5-flash", warnings)).toBe(fine);
    expect(clampGeminiPassthrough({ contents }, 65536, "gemini-2.5-flash", warnings)).toEqual({ contents });
    expect(warnings).toEqual([
      { code: "max_tokens_clamped", message: "max_tokens 200000 is above gemini-2.5-flash's output limit of 65536; 65536 was sent" },
    ]);
  });
});
