import { describe, expect, test } from "bun:test";
import type { Warning } from "../ir/warning.ts";
import { clampOutputTokens, createOutputLimits, knownOutputLimit } from "./output-limits.ts";

describe("knownOutputLimit", () => {
  test.each([
    ["gemini-2.5-flash", 65_536],
    ["gemini-2.5-pro", 65_536],
    ["gemini-2.5-flash-lite-preview-09-2025", 65_536],
    ["gemini-3-pro-preview", 65_536],
    ["gemini-3.1-flash-lite", 65_536],
    ["models/gemini-3-flash-preview", 65_536],
    ["gemini-flash-latest", 65_536],
    ["gemini-2.0-flash", 8_192],
    ["gemini-2.0-flash-lite-001", 8_192],
    ["gemini-2.5-flash-image", 32_768],
    ["claude-opus-4-6", 128_000],
    ["claude-sonnet-4-6", 128_000],
    ["claude-opus-5", 128_000],
    ["claude-sonnet-4-5-20250929", 64_000],
    ["claude-opus-4-5", 64_000],
    ["claude-haiku-4-5", 64_000],
    ["claude-opus-4-1-20250805", 32_000],
    ["claude-opus-4-20250514", 32_000],
    ["claude-opus-4-0", 32_000],
    ["claude-sonnet-4-20250514", 64_000],
    ["claude-3-7-sonnet-latest", 64_000],
    ["claude-3-5-haiku-20241022", 8_192],
    ["claude-3-haiku-20240307", 4_096],
    ["gpt-5", 128_000],
    ["gpt-5.1-codex-max", 128_000],
    ["gpt-5-mini-2025-08-07", 128_000],
    ["gpt-5-chat-latest", 16_384],
    ["gpt-4.1-mini", 32_768],
    ["gpt-4o", 16_384],
    ["gpt-4o-2024-05-13", 4_096],
    ["o4-mini", 100_000],
    ["o1-mini", 65_536],
    ["openai/gpt-4o-mini", 16_384],
    ["google/gemini-2.5-pro", 65_536],
  ])("%s → %d", (model, limit) => {
    expect(knownOutputLimit(model)).toBe(limit);
  });

  test.each(["glm-4.6", "kimi-k2", "deepseek-chat", "llama3", "gpt-5-pro", "claude-mythos-5", "my-gemini"])("%s is unknown", (model) => {
    expect(knownOutputLimit(model)).toBeUndefined();
  });
});

describe("createOutputLimits", () => {
  test("the config's exact names beat its globs, the longer glob the shorter, and both beat the table", () => {
    const limits = createOutputLimits({ "gemini-2.5-flash": 1000, "gemini-*": 2000, "gemini-2.5-*": 3000, "glm-*": 131_072 });
    expect(limits("gemini-2.5-flash")).toBe(1000);
    expect(limits("gemini-2.5-pro")).toBe(3000);
    expect(limits("gemini-3-pro-preview")).toBe(2000);
    expect(limits("glm-4.6")).toBe(131_072);
    expect(limits("claude-sonnet-4-5")).toBe(64_000);
    expect(limits("unknown-model")).toBeUndefined();
    // Asked again: the same answers (remembered).
    expect([limits("gemini-2.5-flash"), limits("unknown-model")]).toEqual([1000, undefined]);
  });

  test("without overrides, the built-in table", () => {
    expect(createOutputLimits()("gemini-2.5-flash")).toBe(65_536);
  });
});

describe("clampOutputTokens", () => {
  test("above the limit: the limit, and one warning however often it is asked", () => {
    const warnings: Warning[] = [];
    expect(clampOutputTokens(128_000, 65_536, "gemini-2.5-flash", warnings)).toBe(65_536);
    expect(clampOutputTokens(128_000, 65_536, "gemini-2.5-flash", warnings)).toBe(65_536);
    expect(warnings).toEqual([
      { code: "max_tokens_clamped", message: "max_tokens 128000 is above gemini-2.5-flash's output limit of 65536; 65536 was sent" },
    ]);
  });

  test("at or under the limit, or with no known limit: as asked, no warning", () => {
    const warnings: Warning[] = [];
    expect(clampOutputTokens(65_536, 65_536, "m", warnings)).toBe(65_536);
    expect(clampOutputTokens(1_000_000, undefined, "m", warnings)).toBe(1_000_000);
    expect(warnings).toEqual([]);
  });
});
