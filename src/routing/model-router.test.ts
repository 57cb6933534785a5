import { describe, expect, test } from "bun:test";
import { ModelRouter } from "./model-router.ts";

const router = new ModelRouter(
  {
    "gpt-4o": "gemini/gemini-2.5-flash",
    "claude-*": "gemini/gemini-2.5-pro",
    "claude-opus-*": "gemini/gemini-3-pro",
    "*-mini": "demo/mini",
    "*": "gemini/gemini-2.5-flash",
  },
  { gemini: ["gemini-2.5-flash", "gemini-2.5-pro", "shared"], demo: ["echo", "shared"] },
);

describe("ModelRouter", () => {
  test.each([
    ["gpt-4o", "gemini", "gemini-2.5-flash"],
    ["claude-sonnet-4-5", "gemini", "gemini-2.5-pro"],
    ["claude-opus-4-1", "gemini", "gemini-3-pro"],
    ["o4-mini", "demo", "mini"],
    ["demo/anything", "demo", "anything"],
    ["gemini/gemini-2.5-pro", "gemini", "gemini-2.5-pro"],
    ["echo", "demo", "echo"],
    ["gemini-2.5-pro", "gemini", "gemini-2.5-pro"],
    ["shared", "gemini", "gemini-2.5-flash"],
    ["unknown/model", "gemini", "gemini-2.5-flash"],
    ["something-else", "gemini", "gemini-2.5-flash"],
  ])("%s → %s/%s", (requested, provider, model) => {
    expect(router.resolve(requested)).toEqual({ provider, model });
  });

  test("the most specific pattern wins whatever the config order", () => {
    const reversed = new ModelRouter({ "claude-opus-*": "a/opus", "claude-*": "a/any" }, { a: [] });
    expect(reversed.resolve("claude-opus-4")).toEqual({ provider: "a", model: "opus" });
    expect(reversed.resolve("claude-haiku")).toEqual({ provider: "a", model: "any" });
  });

  test("no fallback → undefined for an unknown name", () => {
    const strict = new ModelRouter({ "gpt-4o": "a/x" }, { a: ["y"] });
    expect(strict.resolve("gpt-5")).toBeUndefined();
    expect(strict.resolve("y")).toEqual({ provider: "a", model: "y" });
  });

  test("a pattern's other characters are literal, not regex", () => {
    const dotted = new ModelRouter({ "gpt-4.1*": "a/x" }, { a: [] });
    expect(dotted.resolve("gpt-4.1-mini")).toEqual({ provider: "a", model: "x" });
    expect(dotted.resolve("gpt-4x1-mini")).toBeUndefined();
  });

  test("listModels has exact mappings and listed models, once each", () => {
    expect(router.listModels().map((m) => m.id).sort()).toEqual(
      ["echo", "gemini-2.5-flash", "gemini-2.5-pro", "gpt-4o", "shared"].sort(),
    );
  });
});
