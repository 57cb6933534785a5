import { describe, expect, test } from "bun:test";
import { decodeOpenAIChatRequest } from "./decode-request.ts";
import audioInput from "./fixtures/audio-input-request.json";
import defaultRequest from "./fixtures/default-request.json";
import fileInput from "./fixtures/file-input-request.json";
import functionsRequest from "./fixtures/functions-request.json";
import imageInput from "./fixtures/image-input-request.json";
import legacyFunctions from "./fixtures/legacy-functions-request.json";
import reasoningRequest from "./fixtures/reasoning-request.json";
import streamingRequest from "./fixtures/streaming-request.json";
import structuredOutput from "./fixtures/structured-output-request.json";
import toolResult from "./fixtures/tool-result-request.json";

const weatherParameters = functionsRequest.tools[0]?.function.parameters;

const hello = [{ role: "user", content: "Hello!" }];

describe("decodeOpenAIChatRequest: documented examples", () => {
  test("default", () => {
    expect(decodeOpenAIChatRequest(defaultRequest)).toStrictEqual({
      request: {
        model: "gpt-4o",
        messages: [
          { role: "system", content: [{ type: "text", text: "You are a helpful assistant." }] },
          { role: "user", content: [{ type: "text", text: "Hello!" }] },
        ],
        stream: false,
      },
      options: { includeUsage: false },
    });
  });

  test("image input", () => {
    const { request } = decodeOpenAIChatRequest(imageInput);
    expect(request.maxOutputTokens).toBe(300);
    expect(request.messages).toStrictEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "What's in this image?" },
          {
            type: "image",
            url: "https://upload.wikimedia.org/wikipedia/commons/thumb/d/dd/Gfp-wisconsin-madison-the-nature-boardwalk.jpg/2560px-Gfp-wisconsin-madison-the-nature-boardwalk.jpg",
          },
        ],
      },
    ]);
  });

  test("streaming with include_usage; developer becomes system", () => {
    expect(decodeOpenAIChatRequest(streamingRequest)).toStrictEqual({
      request: {
        model: "gpt-4o",
        messages: [
          { role: "system", content: [{ type: "text", text: "You are a helpful assistant." }] },
          { role: "user", content: [{ type: "text", text: "Hello!" }] },
        ],
        stream: true,
      },
      options: { includeUsage: true },
    });
  });

  test("functions (tools)", () => {
    const { request } = decodeOpenAIChatRequest(functionsRequest);
    expect(request.tools).toStrictEqual([
      {
        name: "get_current_weather",
        description: "Get the current weather in a given location",
        parameters: weatherParameters as Record<string, unknown>,
      },
    ]);
    expect(request.toolChoice).toBe("auto");
  });

  test("tool result conversation: call, result with the call's name, strict tool", () => {
    const { request } = decodeOpenAIChatRequest(toolResult);
    expect(request.messages).toStrictEqual([
      { role: "user", content: [{ type: "text", text: "What's the weather like in Paris today?" }] },
      {
        role: "assistant",
        content: [
          {
            type: "tool-call",
            id: "call_12345xyz",
            name: "get_weather",
            arguments: '{"latitude":48.8566,"longitude":2.3522}',
          },
        ],
      },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "call_12345xyz", name: "get_weather", content: [{ type: "text", text: "14" }] },
        ],
      },
    ]);
    expect(request.tools?.[0]?.strict).toBe(true);
  });

  test("legacy functions, function_call and function role", () => {
    const { request } = decodeOpenAIChatRequest(legacyFunctions);
    expect(request.messages).toStrictEqual([
      { role: "user", content: [{ type: "text", text: "What is the weather like in Boston?" }] },
      {
        role: "assistant",
        content: [
          { type: "tool-call", id: "call_legacy_1", name: "get_current_weather", arguments: '{ "location": "Boston, MA"}' },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "call_legacy_1",
            name: "get_current_weather",
            content: [{ type: "text", text: '{"temperature": "22", "unit": "celsius", "description": "Sunny"}' }],
          },
        ],
      },
    ]);
    expect(request.tools).toStrictEqual([
      {
        name: "get_current_weather",
        description: "Get the current weather in a given location",
        parameters: legacyFunctions.functions[0]?.parameters as Record<string, unknown>,
      },
    ]);
    expect(request.toolChoice).toBe("auto");
  });

  test("structured output", () => {
    const { request } = decodeOpenAIChatRequest(structuredOutput);
    expect(request.responseFormat).toStrictEqual({
      type: "json",
      name: "math_reasoning",
      schema: structuredOutput.response_format.json_schema.schema,
      strict: true,
    });
  });

  test("reasoning effort", () => {
    expect(decodeOpenAIChatRequest(reasoningRequest).request.reasoning).toStrictEqual({ effort: "medium" });
  });

  test("audio input (modalities and audio are accepted and ignored)", () => {
    const { request } = decodeOpenAIChatRequest(audioInput);
    expect(request.messages[0]?.content).toStrictEqual([
      { type: "text", text: "What is in this recording?" },
      { type: "file", mediaType: "audio/wav", data: "UklGRiQAAABXQVZF" },
    ]);
  });

  test("PDF file input", () => {
    const { request } = decodeOpenAIChatRequest(fileInput);
    expect(request.messages[0]?.content).toStrictEqual([
      { type: "file", mediaType: "application/pdf", data: "JVBERi0xLjQK", filename: "draconomicon.pdf" },
      { type: "text", text: "What is the first dragon in the book?" },
    ]);
  });
});

describe("decodeOpenAIChatRequest: fields", () => {
  test("every sampling field", () => {
    const { request, options } = decodeOpenAIChatRequest({
      model: "gpt-4o",
      messages: hello,
      temperature: 0.7,
      top_p: 0.9,
      max_tokens: 100,
      stop: ["\n\n", "END"],
      n: 3,
      seed: 42,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
      reasoning_effort: "xhigh",
      parallel_tool_calls: false,
      stream: true,
      stream_options: { include_usage: false },
      user: "user-1234",
    });
    expect(request).toStrictEqual({
      model: "gpt-4o",
      messages: [{ role: "user", content: [{ type: "text", text: "Hello!" }] }],
      parallelToolCalls: false,
      maxOutputTokens: 100,
      temperature: 0.7,
      topP: 0.9,
      stopSequences: ["\n\n", "END"],
      choices: 3,
      seed: 42,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
      reasoning: { effort: "xhigh" },
      stream: true,
      user: "user-1234",
    });
    expect(options).toStrictEqual({ includeUsage: false });
  });

  test("max_completion_tokens wins over max_tokens", () => {
    const { request } = decodeOpenAIChatRequest({ model: "m", messages: hello, max_tokens: 10, max_completion_tokens: 20 });
    expect(request.maxOutputTokens).toBe(20);
  });

  test("a stop string becomes a one-element list", () => {
    expect(decodeOpenAIChatRequest({ model: "m", messages: hello, stop: "END" }).request.stopSequences).toEqual(["END"]);
  });

  test("response_format text and json_object", () => {
    const decode = (format: unknown) => decodeOpenAIChatRequest({ model: "m", messages: hello, response_format: format });
    expect(decode({ type: "text" }).request.responseFormat).toStrictEqual({ type: "text" });
    expect(decode({ type: "json_object" }).request.responseFormat).toStrictEqual({ type: "json" });
    expect(decode({ type: "json_schema", json_schema: { name: "x" } }).request.responseFormat).toStrictEqual({
      type: "json",
      name: "x",
    });
  });

  test("tool_choice forms", () => {
    const decode = (choice: unknown) => decodeOpenAIChatRequest({ model: "m", messages: hello, tool_choice: choice });
    expect(decode("none").request.toolChoice).toBe("none");
    expect(decode("required").request.toolChoice).toBe("required");
    expect(decode({ type: "function", function: { name: "get_weather" } }).request.toolChoice).toStrictEqual({
      name: "get_weather",
    });
  });

  test("a tool without parameters gets an empty object schema", () => {
    const { request } = decodeOpenAIChatRequest({
      model: "m",
      messages: hello,
      tools: [{ type: "function", function: { name: "now" } }],
    });
    expect(request.tools).toStrictEqual([{ name: "now", parameters: { type: "object", properties: {} } }]);
  });

  test("nulls mean not set", () => {
    const { request, options } = decodeOpenAIChatRequest({
      model: "m",
      messages: hello,
      temperature: null,
      max_tokens: null,
      stop: null,
      tools: null,
      tool_choice: null,
      response_format: null,
      stream: null,
      stream_options: null,
      user: null,
      seed: null,
    });
    expect(request).toStrictEqual({ model: "m", messages: [{ role: "user", content: [{ type: "text", text: "Hello!" }] }], stream: false });
    expect(options).toStrictEqual({ includeUsage: false });
  });

  test("unknown and ignored fields are accepted", () => {
    const { request } = decodeOpenAIChatRequest({
      model: "m",
      messages: hello,
      logprobs: true,
      top_logprobs: 3,
      metadata: { a: "b" },
      store: true,
      service_tier: "flex",
      logit_bias: { "50256": -100 },
      modalities: ["text"],
      prediction: { type: "content", content: "x" },
      audio: { voice: "alloy", format: "wav" },
      web_search_options: {},
      verbosity: "low",
      safety_identifier: "abc",
      prompt_cache_key: "k",
      some_future_field: { nested: true },
    });
    expect(request).toStrictEqual({ model: "m", messages: [{ role: "user", content: [{ type: "text", text: "Hello!" }] }], stream: false });
  });
});
