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
      body: { contents: [{ role: "user", parts: [{ text: "Hello" }] }] },
      warnings: [],
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
    const { body, warnings } = lowerGeminiRequest(request, "gemini-3-pro-preview", { outputLimit: 65536 });
    expect(warnings).toEqual([]);
    expect(body).toEqual({
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
    expect(lowerGeminiRequest(request, "gemini-2.5-flash").body.toolConfig).toEqual({ functionCallingConfig });
  });

  test("web search becomes Google Search grounding beside the function declarations; its use limit is reported as ignored", () => {
    const { body, warnings } = lowerGeminiRequest(
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
    expect(warnings).toEqual([
      {
        code: "web_search_filters_ignored",
        message: "Google Search grounding has no allowed or blocked domains and no use limit; the search runs without them",
      },
    ]);
  });

  test("an optional web search is dropped beside function declarations (reported), kept alone", () => {
    const base: ChatRequest = {
      model: "m",
      stream: true,
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      webSearch: { required: false },
    };
    const withFunctions = lowerGeminiRequest({ ...base, tools: [{ name: "f", parameters: { type: "object" } }] }, "gemini-2.5-flash");
    expect(withFunctions).toEqual({
      body: {
        contents: [{ role: "user", parts: [{ text: "hi" }] }],
        tools: [{ functionDeclarations: [{ name: "f" }] }],
      },
      warnings: [
        {
          code: "web_search_dropped",
          message: "Gemini cannot search the web beside function declarations; the optional web search was left out",
        },
      ],
    });
    expect(lowerGeminiRequest(base, "gemini-2.5-flash")).toEqual({
      body: { contents: [{ role: "user", parts: [{ text: "hi" }] }], tools: [{ googleSearch: {} }] },
      warnings: [],
    });
  });

  test("tool choice without tools is not sent", () => {
    const request: ChatRequest = {
      model: "m",
      stream: true,
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      toolChoice: "none",
    };
    expect(lowerGeminiRequest(request, "gemini-2.5-flash")).toEqual({ body: { contents: [{ role: "user", parts: [{ text: "hi" }] }] }, warnings: [] });
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
    expect(lowerGeminiRequest(request, "gemini-2.5-flash").body.generationConfig).toEqual({
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
    expect(lowerGeminiRequest({ ...base, responseFormat: { type: "json" } }, "g").body.generationConfig).toEqual({
      responseMimeType: "application/json",
    });
    expect(
      lowerGeminiRequest({ ...base, responseFormat: { type: "json", schema: { type: "object" } } }, "g").body.generationConfig,
    ).toEqual({ responseMimeType: "application/json" });
    expect(lowerGeminiRequest({ ...base, responseFormat: { type: "text" } }, "g").body.generationConfig).toBeUndefined();
  });

  test("maxOutputTokens above the model's limit is clamped to it and reported; at the limit or unknown, untouched", () => {
    const ask = (maxOutputTokens: number): ChatRequest => ({
      model: "claude-sonnet-4-5",
      stream: true,
      messages: [{ role: "user", content: [{ type: "text", text: "Write an essay" }] }],
      maxOutputTokens,
    });
    expect(lowerGeminiRequest(ask(128000), "gemini-2.5-flash", { outputLimit: 65536 })).toEqual({
      body: {
        contents: [{ role: "user", parts: [{ text: "Write an essay" }] }],
        generationConfig: { maxOutputTokens: 65536 },
      },
      warnings: [
        { code: "max_tokens_clamped", message: "max_tokens 128000 is above gemini-2.5-flash's output limit of 65536; 65536 was sent" },
      ],
    });
    expect(lowerGeminiRequest(ask(65536), "gemini-2.5-flash", { outputLimit: 65536 })).toMatchObject({
      body: { generationConfig: { maxOutputTokens: 65536 } },
      warnings: [],
    });
    expect(lowerGeminiRequest(ask(128000), "gemini-next")).toMatchObject({ body: { generationConfig: { maxOutputTokens: 128000 } }, warnings: [] });
  });

  test("thinking Gemini cannot switch off, and a budget out of the model's range, are reported", () => {
    const ask = (reasoning: ChatRequest["reasoning"]): ChatRequest => ({
      model: "m",
      stream: true,
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      reasoning,
    });
    expect(lowerGeminiRequest(ask({ effort: "none" }), "gemini-3-pro-preview")).toEqual({
      body: { contents: [{ role: "user", parts: [{ text: "hi" }] }], generationConfig: { thinkingConfig: { thinkingLevel: "low" } } },
      warnings: [
        { code: "reasoning_off_unsupported", message: "gemini-3-pro-preview cannot switch thinking off; it thinks at the lowest level instead" },
      ],
    });
    expect(lowerGeminiRequest(ask({ budgetTokens: 50000 }), "gemini-2.5-flash")).toEqual({
      body: {
        contents: [{ role: "user", parts: [{ text: "hi" }] }],
        generationConfig: { thinkingConfig: { thinkingBudget: 24576, includeThoughts: true } },
      },
      warnings: [
        {
          code: "thinking_budget_clamped",
          message: "a thinking budget of 50000 tokens is outside gemini-2.5-flash's range; 24576 was sent",
        },
      ],
    });
  });
});
