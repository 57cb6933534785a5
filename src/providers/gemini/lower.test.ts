import { describe, expect, test } from "bun:test";
import type { ChatRequest, ToolChoice } from "../../ir/request.ts";
import { lowerGeminiRequest } from "./lower.ts";
import type { GeminiToolConfig } from "./types.ts";

const weatherTool = {
  name: "get_weather",
  description: "Get the current weather in a given location",
  parameters: {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: {
      location: { type: "string", description: "The city and state, e.g. San Francisco, CA" },
      unit: { type: "string", enum: ["celsius", "fahrenheit"] },
    },
    required: ["location"],
    additionalProperties: false,
  },
};

describe("lowerGeminiRequest", () => {
  test("a plain chat: only contents", () => {
    const request: ChatRequest = {
      model: "gemini",
      stream: true,
      messages: [{ role: "user", content: [{ type: "text", text: "Hello" }] }],
    };
    expect(lowerGeminiRequest(request, "gemini-2.5-flash")).toEqual({
      contents: [{ role: "user", parts: [{ text: "Hello" }] }],
    });
  });

  test("a full request: system, history with a tool round trip, tools, sampling and thinking", () => {
    const request: ChatRequest = {
      model: "my-gemini",
      stream: false,
      messages: [
        { role: "system", content: [{ type: "text", text: "You are a helpful assistant." }] },
        { role: "user", content: [{ type: "text", text: "What's the weather like in Boston today?" }] },
        {
          role: "assistant",
          content: [
            { type: "reasoning", text: "The user wants the weather.", signature: { family: "gemini", value: "CiQB0e2Kb1" } },
            {
              type: "tool-call",
              id: "call_abc",
              name: "get_weather",
              arguments: '{"location":"Boston, MA"}',
              signature: { family: "gemini", value: "EpEgCo4gAb4" },
            },
          ],
        },
        {
          role: "tool",
          content: [{ type: "tool-result", toolCallId: "call_abc", content: [{ type: "text", text: '{"temperature":22,"unit":"celsius"}' }] }],
        },
      ],
      tools: [weatherTool, { name: "get_time", parameters: { type: "object", properties: {} } }],
      toolChoice: "auto",
      maxOutputTokens: 1024,
      temperature: 0.7,
      topP: 0.9,
      topK: 40,
      stopSequences: ["END"],
      choices: 2,
      seed: 42,
      presencePenalty: 0.5,
      frequencyPenalty: 0.25,
      reasoning: { effort: "high" },
    };
    expect(lowerGeminiRequest(request, "gemini-3-pro-preview")).toEqual({
      systemInstruction: { parts: [{ text: "You are a helpful assistant." }] },
      contents: [
        { role: "user", parts: [{ text: "What's the weather like in Boston today?" }] },
        {
          role: "model",
          parts: [
            { text: "The user wants the weather.", thought: true, thoughtSignature: "CiQB0e2Kb1" },
            { functionCall: { name: "get_weather", args: { location: "Boston, MA" } }, thoughtSignature: "EpEgCo4gAb4" },
          ],
        },
        {
          role: "user",
          parts: [{ functionResponse: { name: "get_weather", response: { temperature: 22, unit: "celsius" } } }],
        },
      ],
      tools: [
        {
          functionDeclarations: [
            {
              name: "get_weather",
              description: "Get the current weather in a given location",
              parameters: {
                type: "object",
                properties: {
                  location: { type: "string", description: "The city and state, e.g. San Francisco, CA" },
                  unit: { type: "string", enum: ["celsius", "fahrenheit"] },
                },
                required: ["location"],
              },
            },
            { name: "get_time" },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: "AUTO" } },
      generationConfig: {
        maxOutputTokens: 1024,
        temperature: 0.7,
        topP: 0.9,
        topK: 40,
        stopSequences: ["END"],
        candidateCount: 2,
        seed: 42,
        presencePenalty: 0.5,
        frequencyPenalty: 0.25,
        thinkingConfig: { thinkingLevel: "high", includeThoughts: true },
      },
    });
  });

  test.each<[ToolChoice, GeminiToolConfig["functionCallingConfig"]]>([
    ["none", { mode: "NONE" }],
    ["required", { mode: "ANY" }],
    [{ name: "get_weather" }, { mode: "ANY", allowedFunctionNames: ["get_weather"] }],
  ])("tool choice %j", (toolChoice, functionCallingConfig) => {
    const request: ChatRequest = {
      model: "m",
      stream: true,
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      tools: [weatherTool],
      toolChoice,
    };
    expect(lowerGeminiRequest(request, "gemini-2.5-flash").toolConfig).toEqual({ functionCallingConfig });
  });

  test("web search becomes Google Search grounding beside the function declarations", () => {
    const body = lowerGeminiRequest(
      {
        model: "m",
        stream: true,
        messages: [{ role: "user", content: [{ type: "text", text: "news?" }] }],
        tools: [{ name: "f", parameters: { type: "object", properties: { a: { type: "string" } } } }],
        webSearch: { maxUses: 3, required: true },
      },
      "gemini-2.5-flash",
    );
    expect(body.tools).toEqual([
      { functionDeclarations: [{ name: "f", parameters: { type: "object", properties: { a: { type: "string" } } } }] },
      { googleSearch: {} },
    ]);
  });

  test("an optional web search is dropped beside function declarations, kept alone", () => {
    const base: ChatRequest = {
      model: "m",
      stream: true,
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      webSearch: { required: false },
    };
    const withFunctions = lowerGeminiRequest({ ...base, tools: [{ name: "f", parameters: { type: "object" } }] }, "gemini-2.5-flash");
    expect(JSON.stringify(withFunctions.tools)).not.toContain("googleSearch");
    expect(lowerGeminiRequest(base, "gemini-2.5-flash").tools).toEqual([{ googleSearch: {} }]);
  });

  test("tool choice without tools is not sent", () => {
    const request: ChatRequest = {
      model: "m",
      stream: true,
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      toolChoice: "none",
    };
    expect(lowerGeminiRequest(request, "gemini-2.5-flash")).toEqual({ contents: [{ role: "user", parts: [{ text: "hi" }] }] });
  });

  test("JSON output with a schema; choices of 1 and empty stop lists are not sent", () => {
    const request: ChatRequest = {
      model: "m",
      stream: true,
      messages: [{ role: "user", content: [{ type: "text", text: "List a cookie recipe" }] }],
      choices: 1,
      stopSequences: [],
      responseFormat: {
        type: "json",
        name: "recipe",
        schema: {
          type: "object",
          properties: {
            recipeName: { type: "string" },
            ingredients: { type: "array", items: { type: "string" } },
          },
          required: ["recipeName"],
          additionalProperties: false,
        },
      },
      reasoning: { effort: "low" },
    };
    expect(lowerGeminiRequest(request, "gemini-2.5-flash").generationConfig).toEqual({
      responseMimeType: "application/json",
      responseSchema: {
        type: "object",
        properties: { recipeName: { type: "string" }, ingredients: { type: "array", items: { type: "string" } } },
        required: ["recipeName"],
      },
      thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
    });
  });

  test("JSON mode without a usable schema sends only the MIME type", () => {
    const base: ChatRequest = { model: "m", stream: true, messages: [{ role: "user", content: [{ type: "text", text: "x" }] }] };
    expect(lowerGeminiRequest({ ...base, responseFormat: { type: "json" } }, "g").generationConfig).toEqual({
      responseMimeType: "application/json",
    });
    expect(
      lowerGeminiRequest({ ...base, responseFormat: { type: "json", schema: { type: "object" } } }, "g").generationConfig,
    ).toEqual({ responseMimeType: "application/json" });
    expect(lowerGeminiRequest({ ...base, responseFormat: { type: "text" } }, "g").generationConfig).toBeUndefined();
  });
});
