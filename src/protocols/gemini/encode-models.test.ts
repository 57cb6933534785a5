import { describe, expect, test } from "bun:test";
import { encodeGeminiCountTokens, encodeGeminiModel, encodeGeminiModelList, knownGeminiModel } from "./encode-models.ts";

const methods = ["generateContent", "countTokens", "streamGenerateContent"];

describe("Gemini models.list / models.get", () => {
  test("a known Gemini model carries Google's published limits", () => {
    expect(encodeGeminiModel("gemini-2.5-flash")).toStrictEqual({
      name: "models/gemini-2.5-flash",
      version: "001",
      displayName: "Gemini 2.5 Flash",
      description: "Gemini 2.5 Flash",
      inputTokenLimit: 1048576,
      outputTokenLimit: 65536,
      temperature: 1,
      topP: 0.95,
      topK: 64,
      maxTemperature: 2,
      thinking: true,
      supportedGenerationMethods: methods,
    });
  });

  test.each([
    ["gemini-2.5-pro", 1048576, 65536],
    ["gemini-2.5-flash-lite", 1048576, 65536],
    ["gemini-2.0-flash", 1048576, 8192],
    ["gemini-3-pro-preview", 1048576, 65536],
    ["models/gemini-2.5-flash", 1048576, 65536],
  ])("%s: %d in, %d out", (id, input, output) => {
    const model = encodeGeminiModel(id);
    expect([model.inputTokenLimit, model.outputTokenLimit]).toEqual([input, output]);
    expect(model.name).toBe(`models/${id.replace("models/", "")}`);
  });

  test("gemini-2.0-flash does not think", () => {
    expect(encodeGeminiModel("gemini-2.0-flash").thinking).toBeUndefined();
  });

  test("another model: named after its id, no invented limits; what the gateway knows overrides", () => {
    expect(encodeGeminiModel("claude-sonnet-4")).toStrictEqual({
      name: "models/claude-sonnet-4",
      version: "claude-sonnet-4",
      displayName: "claude-sonnet-4",
      description: "claude-sonnet-4, served through agw",
      supportedGenerationMethods: methods,
    });
    // An alias described by the model it maps to; an undefined field overrides nothing.
    const alias = encodeGeminiModel("fast", { ...knownGeminiModel("gemini-2.5-flash-lite"), displayName: "Fast", description: undefined });
    expect(alias).toMatchObject({ name: "models/fast", displayName: "Fast", description: "fast, served through agw", version: "001", outputTokenLimit: 65536 });
    expect(knownGeminiModel("gpt-4o")).toBeUndefined();
  });

  test("the list shape", () => {
    const list = encodeGeminiModelList(["gemini-2.5-pro", "my-model"]);
    expect(list.models.map((model) => model.name)).toEqual(["models/gemini-2.5-pro", "models/my-model"]);
    expect(Object.keys(list)).toEqual(["models"]);
  });

  test("countTokens", () => {
    expect(encodeGeminiCountTokens(31)).toStrictEqual({ totalTokens: 31 });
  });
});
