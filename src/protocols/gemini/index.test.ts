import { describe, expect, test } from "bun:test";
import { ApiError, FunctionCallingConfigMode, GoogleGenAI } from "@google/genai";
import { GatewayError, toGatewayError } from "../../ir/errors.ts";
import type { StreamEvent } from "../../ir/event.ts";
import type { ChatResponse } from "../../ir/response.ts";
import type { Decoded } from "../types.ts";
import { runMachine } from "../../sse/pipe.ts";
import { type GeminiNativeOptions, encodeGeminiCountTokens, geminiNative } from "./index.ts";

/**
 * The protocol against the official `@google/genai` SDK: what the SDK sends
 * to `models/{model}:{method}` goes through decodeRequest (augmented with
 * model, stream and alt from the URL, as the server does), and what the
 * encoders produce goes back to the SDK through a fetch that never leaves
 * the process.
 */
function gateway(answer: { response?: ChatResponse; events?: StreamEvent[]; error?: GatewayError }) {
  const received: Array<Decoded<GeminiNativeOptions>> = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    try {
      const match = /\/models\/([^/:]+):(\w+)$/.exec(url.pathname);
      if (!match) throw new GatewayError("not_found", `no route ${url.pathname}`);
      const [, model, method] = match as unknown as [string, string, string];
      const body = JSON.parse(String(init?.body));
      if (method === "countTokens") return Response.json(encodeGeminiCountTokens(42));
      const stream = method === "streamGenerateContent";
      const decoded = geminiNative.decodeRequest({ ...body, model, stream, alt: url.searchParams.get("alt") ?? undefined });
      received.push(decoded as Decoded<GeminiNativeOptions>);
      if (answer.error) throw answer.error;
      const context = { id: "resp-test", model: decoded.request.model, created: 1700000000, options: decoded.options };
      if (!stream) return Response.json(geminiNative.encodeResponse(answer.response as ChatResponse, context));
      const frames = runMachine(geminiNative.encodeStream(context), answer.events ?? []);
      return new Response(frames.join(""), { headers: { "content-type": "text/event-stream" } });
    } catch (error) {
      const { status, body } = geminiNative.encodeError(toGatewayError(error));
      return Response.json(body, { status });
    }
  };
  const client = new GoogleGenAI({ apiKey: "test-key", httpOptions: { baseUrl: "http://gateway.test", fetch } });
  return { client, received };
}

const weather = {
  name: "get_weather",
  description: "Gets the weather",
  parametersJsonSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe("geminiNative with the official @google/genai SDK", () => {
  test("names", () => {
    expect(geminiNative.name).toBe("gemini");
    expect(geminiNative.idPrefix).toBe("");
    expect(geminiNative.keepAliveFrame).toBe(": keep-alive\n\n");
  });

  test("generateContent: the SDK's request decoded, the response read back", async () => {
    const { client, received } = gateway({
      response: {
        choices: [
          {
            index: 0,
            content: [
              { type: "reasoning", text: "Looking up Paris.", signature: { family: "gemini", value: "c2lnLXQ=" } },
              { type: "text", text: "Let me check." },
              { type: "tool-call", id: "toolu_01", name: "get_weather", arguments: '{"city":"Paris"}' },
            ],
            finishReason: { unified: "tool-calls" },
          },
        ],
        usage: { input: { total: 20 }, output: { total: 30, reasoning: 12 } },
      },
    });
    const response = await client.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "What's the weather in Paris?",
      config: {
        systemInstruction: "Be brief.",
        temperature: 0.5,
        maxOutputTokens: 256,
        tools: [{ functionDeclarations: [weather] }],
        toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.AUTO } },
        thinkingConfig: { thinkingBudget: 512, includeThoughts: true },
      },
    });
    expect(received[0]).toStrictEqual({
      request: {
        model: "gemini-2.5-flash",
        messages: [
          { role: "system", content: [{ type: "text", text: "Be brief." }] },
          { role: "user", content: [{ type: "text", text: "What's the weather in Paris?" }] },
        ],
        stream: false,
        tools: [{ name: "get_weather", description: "Gets the weather", parameters: weather.parametersJsonSchema }],
        toolChoice: "auto",
        temperature: 0.5,
        maxOutputTokens: 256,
        reasoning: { budgetTokens: 512 },
      },
      options: { framing: "json-array", includeThoughts: true },
    });
    expect(response.text).toBe("Let me check.");
    expect(response.functionCalls).toEqual([{ name: "get_weather", args: { city: "Paris" } }]);
    expect(response.candidates?.[0]?.finishReason).toBe("STOP" as never);
    expect(response.candidates?.[0]?.content?.parts?.[0]).toEqual({ text: "Looking up Paris.", thought: true, thoughtSignature: "c2lnLXQ=" });
    expect(response.usageMetadata).toEqual({ promptTokenCount: 20, candidatesTokenCount: 18, totalTokenCount: 50, thoughtsTokenCount: 12 });
    expect(response.responseId).toBe("resp-test");
    expect(response.modelVersion).toBe("gemini-2.5-flash");
  });

  test("generateContentStream: alt=sse chunks parsed by the SDK", async () => {
    const { client, received } = gateway({
      events: [
        { type: "message-start" },
        { type: "text-delta", text: "Hello" },
        { type: "text-delta", text: " world" },
        { type: "tool-call-start", id: "c1", name: "get_weather" },
        { type: "tool-call-delta", id: "c1", argumentsDelta: '{"city":' },
        { type: "tool-call-delta", id: "c1", argumentsDelta: '"Oslo"}' },
        { type: "tool-call-end", id: "c1" },
        { type: "finish", reason: { unified: "tool-calls" } },
        { type: "usage", usage: { input: { total: 3 }, output: { total: 4 } } },
      ],
    });
    const stream = await client.models.generateContentStream({ model: "gemini-2.5-pro", contents: "Hi" });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(received[0]?.options.framing).toBe("sse");
    expect(received[0]?.request.stream).toBe(true);
    expect(chunks.map((chunk) => chunk.text ?? null)).toEqual(["Hello", " world", null, ""]);
    expect(chunks[2]?.functionCalls).toEqual([{ name: "get_weather", args: { city: "Oslo" } }]);
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe("STOP" as never);
    expect(chunks.at(-1)?.usageMetadata?.totalTokenCount).toBe(7);
  });

  test("a history with a signed function call and its response round-trips through the SDK", async () => {
    const { client, received } = gateway({
      response: { choices: [{ index: 0, content: [{ type: "text", text: "Sunny." }], finishReason: { unified: "stop" } }] },
    });
    await client.models.generateContent({
      model: "gemini-3-pro-preview",
      contents: [
        { role: "user", parts: [{ text: "Weather in Oslo?" }] },
        { role: "model", parts: [{ functionCall: { name: "get_weather", args: { city: "Oslo" } }, thoughtSignature: "c2ln" }] },
        { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { output: "sunny" } } }] },
      ],
      config: { tools: [{ functionDeclarations: [weather] }] },
    });
    expect(received[0]?.request.messages.slice(1)).toStrictEqual([
      {
        role: "assistant",
        content: [
          { type: "tool-call", id: "call_0", name: "get_weather", arguments: '{"city":"Oslo"}', signature: { family: "gemini", value: "c2ln" } },
        ],
      },
      {
        role: "tool",
        content: [{ type: "tool-result", toolCallId: "call_0", name: "get_weather", content: [{ type: "text", text: '{"output":"sunny"}' }] }],
      },
    ]);
  });

  test("a refused request is an ApiError with Google's status and the field in the message", async () => {
    const { client } = gateway({});
    const error = await client.models
      .generateContent({ model: "claude-sonnet-4", contents: "x", config: { tools: [{ codeExecution: {} }] } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.message).toContain('"status":"INVALID_ARGUMENT"');
    expect(error.message).toContain("tools[0].codeExecution: code execution is only available on Gemini models");
  });

  test("an error mid-stream reaches the SDK as an ApiError after the text before it", async () => {
    const { client } = gateway({
      events: [
        { type: "text-delta", text: "partial" },
        { type: "error", error: new GatewayError("overloaded", "The model is overloaded. Please try again later.") },
      ],
    });
    const stream = await client.models.generateContentStream({ model: "m", contents: "Hi" });
    const texts: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) texts.push(chunk.text ?? "");
    })().catch((e) => e);
    expect(texts).toEqual(["partial"]);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(503);
  });

  test("countTokens", async () => {
    const { client } = gateway({});
    expect((await client.models.countTokens({ model: "gemini-2.5-flash", contents: "Hello" })).totalTokens).toBe(42);
  });
});
