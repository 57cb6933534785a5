import { describe, expect, test } from "bun:test";
import type { Message } from "../../ir/request.ts";
import { decodeGeminiAugmentedRequest, decodeGeminiCountTokensRequest, decodeGeminiRequest } from "./decode-request.ts";
import { fixture } from "./test-fixtures.ts";

const user = (text: string): Message => ({ role: "user", content: [{ type: "text", text }] });

describe("decodeGeminiRequest: documented requests", () => {
  test("text: one user message, model from the URL, nothing else set", async () => {
    expect(decodeGeminiRequest(await fixture("text-request.json"), "gemini-2.5-flash", false)).toStrictEqual({
      request: { model: "gemini-2.5-flash", messages: [user("How does AI work?")], stream: false },
      options: { framing: "json-array", includeThoughts: false },
    });
  });

  test("system instruction in snake_case and the generation config", async () => {
    const { request } = decodeGeminiRequest(await fixture("system-instruction-request.json"), "models/gemini-2.5-flash", true, "sse");
    expect(request).toStrictEqual({
      model: "gemini-2.5-flash",
      messages: [{ role: "system", content: [{ type: "text", text: "You are a cat. Your name is Neko." }] }, user("Hello there")],
      stream: true,
      temperature: 1,
      topP: 0.8,
      topK: 10,
      maxOutputTokens: 800,
      stopSequences: ["Title"],
    });
  });

  test("a multi-turn chat", async () => {
    const { request } = decodeGeminiRequest(await fixture("chat-request.json"), "gemini-2.5-flash", false);
    expect(request.messages).toStrictEqual([
      user("Hello"),
      { role: "assistant", content: [{ type: "text", text: "Great to meet you. What would you like to know?" }] },
      user("I have two dogs in my house. How many paws are in my house?"),
    ]);
  });

  test("media: inline images and files, File API and image URLs", async () => {
    const { request } = decodeGeminiRequest(await fixture("media-request.json"), "gemini-2.5-flash", false);
    expect(request.messages).toStrictEqual([
      {
        role: "user",
        content: [
          { type: "image", mediaType: "image/jpeg", data: "/9j/4AAQSkZJRgABAQ==" },
          { type: "text", text: "Caption this image." },
          { type: "file", mediaType: "application/pdf", data: "JVBERi0xLjQK" },
          { type: "file", mediaType: "audio/mpeg", url: "https://generativelanguage.googleapis.com/v1beta/files/hi4xcgd2lbz4" },
          { type: "image", mediaType: "image/png", url: "https://storage.googleapis.com/generativeai-downloads/images/scones.png" },
        ],
      },
    ]);
  });

  test("function declarations: Gemini Schema converted, JSON Schema kept; ANY with one allowed name", async () => {
    const { request } = decodeGeminiRequest(await fixture("function-declarations-request.json"), "gemini-2.5-flash", false);
    // allowedFunctionNames narrows what the model sees to the one function it must call.
    expect(request.tools).toStrictEqual([
      {
        name: "schedule_meeting",
        description: "Schedules a meeting with specified attendees at a given time and date.",
        parameters: {
          type: "object",
          properties: {
            attendees: { type: "array", description: "List of people attending the meeting.", items: { type: "string" } },
            date: { type: "string", description: "Date of the meeting (e.g., '2024-07-29')" },
            time: { type: "string", description: "Time of the meeting (e.g., '15:00')" },
            topic: { type: "string", description: "The subject or topic of the meeting." },
          },
          required: ["attendees", "date", "time", "topic"],
        },
      },
    ]);
    expect(request.toolChoice).toStrictEqual({ name: "schedule_meeting" });
  });

  test("function declarations without a calling config: all three, upper-case types lowered", async () => {
    const body = (await fixture("function-declarations-request.json")) as Record<string, unknown>;
    delete body.tool_config;
    const { request } = decodeGeminiRequest(body, "gemini-2.5-flash", false);
    expect(request.toolChoice).toBeUndefined();
    expect(request.tools?.map((tool) => tool.name)).toEqual(["schedule_meeting", "set_light_values", "get_current_temperature"]);
    expect(request.tools?.[1]?.parameters).toStrictEqual({
      type: "object",
      properties: {
        brightness: { type: "integer", description: "Light level from 0 to 100. Zero is off and 100 is full brightness" },
        // A property name in snake_case stays as the client wrote it.
        color_temp: {
          type: "string",
          description: "Color temperature of the light fixture, which can be `daylight`, `cool` or `warm`.",
          enum: ["daylight", "cool", "warm"],
        },
      },
      required: ["brightness", "color_temp"],
    });
    expect(request.tools?.[2]?.parameters).toStrictEqual({
      type: "object",
      properties: { location: { type: "string", description: "The city name, e.g. San Francisco" } },
      required: ["location"],
    });
  });

  test("function history: thoughts, signed calls, responses paired by name and order", async () => {
    const { request } = decodeGeminiRequest(await fixture("function-history-request.json"), "gemini-3-pro-preview", false);
    expect(request.messages).toStrictEqual([
      user("What's the weather like in London and Paris?"),
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "**Checking both cities**\n\nI need the weather for two places." },
          {
            type: "tool-call",
            id: "call_0",
            name: "get_current_weather",
            arguments: '{"location":"London"}',
            signature: { family: "gemini", value: "CiQB0e2Kb1kq9xJ0" },
          },
          { type: "tool-call", id: "call_1", name: "get_current_weather", arguments: '{"location":"Paris"}' },
        ],
      },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "call_0", name: "get_current_weather", content: [{ type: "text", text: '{"temperature":"18C"}' }] },
          { type: "tool-result", toolCallId: "call_1", name: "get_current_weather", content: [{ type: "text", text: '{"temperature":"21C"}' }] },
        ],
      },
      {
        role: "assistant",
        content: [
          // A signature on a text part signs that text (Gemini 3 puts it on a text answer's last part).
          { type: "text", text: "It is 18°C in London and 21°C in Paris.", signature: { family: "gemini", value: "EpEgCo4gAb4+9vvW" } },
        ],
      },
      user("And in Tokyo?"),
    ]);
  });

  test("thinking: a budget and includeThoughts", async () => {
    const { request, options } = decodeGeminiRequest(await fixture("thinking-request.json"), "gemini-2.5-pro", true);
    expect(request.reasoning).toStrictEqual({ budgetTokens: 1024 });
    expect(options.includeThoughts).toBe(true);
  });

  test("structured output: the response schema as JSON Schema", async () => {
    const { request } = decodeGeminiRequest(await fixture("structured-output-request.json"), "gemini-2.5-flash", false);
    expect(request.responseFormat).toStrictEqual({
      type: "json",
      schema: {
        type: "array",
        items: {
          type: "object",
          properties: { recipeName: { type: "string" }, ingredients: { type: "array", items: { type: "string" } } },
        },
      },
    });
  });

  test("Google Search grounding is a required web search", async () => {
    const { request } = decodeGeminiRequest(await fixture("google-search-request.json"), "gemini-2.5-flash", false);
    expect(request.webSearch).toStrictEqual({ required: true });
    expect(request.tools).toBeUndefined();
  });
});

describe("decodeGeminiRequest: the rest of the format", () => {
  const decode = (body: Record<string, unknown>) =>
    decodeGeminiRequest({ contents: [{ parts: [{ text: "hi" }] }], ...body }, "m", false);

  test.each([
    [{ thinkingBudget: 0 }, { effort: "none" }],
    [{ thinkingBudget: -1 }, undefined],
    [{ thinkingLevel: "low" }, { effort: "low" }],
    [{ thinkingLevel: "HIGH" }, { effort: "high" }],
    [{ thinkingLevel: "MINIMAL", thinkingBudget: 2048 }, { effort: "minimal", budgetTokens: 2048 }],
    [{ includeThoughts: true }, undefined],
  ])("thinkingConfig %j → %j", (thinkingConfig, reasoning) => {
    expect<unknown>(decode({ generationConfig: { thinkingConfig } }).request.reasoning).toStrictEqual(reasoning);
  });

  test("every generation setting", () => {
    const { request } = decode({
      generationConfig: {
        candidateCount: 2,
        seed: 7,
        presencePenalty: 0.5,
        frequencyPenalty: -0.5,
        responseMimeType: "application/json",
        responseModalities: ["TEXT"],
      },
    });
    expect(request).toMatchObject({ choices: 2, seed: 7, presencePenalty: 0.5, frequencyPenalty: -0.5, responseFormat: { type: "json" } });
  });

  test("responseJsonSchema is kept as given; a text mime type asks for nothing", () => {
    const schema = { type: "object", properties: { a: { type: "string" } }, additionalProperties: false };
    expect(decode({ generationConfig: { responseJsonSchema: schema } }).request.responseFormat).toStrictEqual({ type: "json", schema });
    expect(decode({ generationConfig: { responseMimeType: "text/plain" } }).request.responseFormat).toBeUndefined();
  });

  test.each([
    [{ mode: "AUTO" }, "auto"],
    [{ mode: "NONE" }, "none"],
    [{ mode: "ANY" }, "required"],
    [{ mode: "VALIDATED" }, "auto"],
    [{ mode: "MODE_UNSPECIFIED" }, undefined],
  ])("functionCallingConfig %j → %j", (functionCallingConfig, toolChoice) => {
    const tools = [{ functionDeclarations: [{ name: "a" }, { name: "b" }] }];
    const { request } = decode({ tools, toolConfig: { functionCallingConfig } });
    expect<unknown>(request.toolChoice).toStrictEqual(toolChoice);
    expect(request.tools).toStrictEqual([
      { name: "a", parameters: { type: "object", properties: {} } },
      { name: "b", parameters: { type: "object", properties: {} } },
    ]);
  });

  test("ANY with several allowed names: only those functions, one of them required", () => {
    const tools = [{ functionDeclarations: [{ name: "a" }, { name: "b" }, { name: "c" }] }];
    const { request } = decode({ tools, toolConfig: { functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["a", "c"] } } });
    expect(request.tools?.map((tool) => tool.name)).toEqual(["a", "c"]);
    expect(request.toolChoice).toBe("required");
  });

  test("a string system instruction; safety settings and cached content kept for a pass-through", () => {
    const safetySettings = [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_ONLY_HIGH" }];
    const { request, options } = decode({ systemInstruction: "Be brief.", safetySettings, cachedContent: "cachedContents/abc" });
    expect(request.messages[0]).toStrictEqual({ role: "system", content: [{ type: "text", text: "Be brief." }] });
    expect(options).toStrictEqual({ framing: "json-array", includeThoughts: false, safetySettings, cachedContent: "cachedContents/abc" });
  });

  test("function calls and responses with ids pair by id; an unanswerable response becomes user text", () => {
    const { request } = decode({
      contents: [
        { role: "user", parts: [{ text: "go" }] },
        { role: "model", parts: [{ functionCall: { id: "fc-1", name: "f", args: {} } }, { functionCall: { id: "fc-2", name: "f" } }] },
        {
          role: "user",
          parts: [
            { functionResponse: { id: "fc-2", name: "f", response: { error: "boom" } } },
            { functionResponse: { id: "fc-1", name: "f", response: { output: 1 } } },
            { functionResponse: { name: "g", response: { output: 2 } } },
            { text: "thanks" },
          ],
        },
      ],
    });
    expect(request.messages.slice(1)).toStrictEqual([
      {
        role: "assistant",
        content: [
          { type: "tool-call", id: "fc-1", name: "f", arguments: "{}" },
          { type: "tool-call", id: "fc-2", name: "f", arguments: "{}" },
        ],
      },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "fc-2", name: "f", content: [{ type: "text", text: '{"error":"boom"}' }], isError: true },
          { type: "tool-result", toolCallId: "fc-1", name: "f", content: [{ type: "text", text: '{"output":1}' }] },
        ],
      },
      {
        role: "user",
        content: [
          { type: "text", text: 'Result of function g:\n{"output":2}' },
          { type: "text", text: "thanks" },
        ],
      },
    ]);
  });

  test("a function response with media (Gemini 3 parts)", () => {
    const { request } = decode({
      contents: [
        { role: "model", parts: [{ functionCall: { name: "shot", args: {} } }] },
        {
          role: "user",
          parts: [
            {
              functionResponse: {
                name: "shot",
                response: { taken: true },
                parts: [{ inlineData: { mimeType: "image/png", data: "iVBORw0K" } }],
              },
            },
          ],
        },
      ],
    });
    expect(request.messages[1]).toStrictEqual({
      role: "tool",
      content: [
        {
          type: "tool-result",
          toolCallId: "call_0",
          name: "shot",
          content: [
            { type: "text", text: '{"taken":true}' },
            { type: "image", mediaType: "image/png", data: "iVBORw0K" },
          ],
        },
      ],
    });
  });

  test("thought parts, signatures alone, model media and code execution history", () => {
    const { request } = decode({
      contents: [
        { role: "user", parts: [{ text: "hi" }] },
        {
          role: "model",
          parts: [
            { text: "thinking", thought: true, thoughtSignature: "sig-1" },
            { inlineData: { mimeType: "image/png", data: "iVBORw0K" } },
            { executableCode: { language: "PYTHON", code: "print(1)" } },
            { codeExecutionResult: { outcome: "OUTCOME_OK", output: "1\n" } },
            { text: "", thoughtSignature: "sig-2" },
          ],
        },
      ],
    });
    expect(request.messages[1]).toStrictEqual({
      role: "assistant",
      content: [
        { type: "reasoning", text: "thinking", signature: { family: "gemini", value: "sig-1" } },
        { type: "text", text: "```python\nprint(1)\n```" },
        // An empty text part's signature goes to the text just before it.
        { type: "text", text: "1\n", signature: { family: "gemini", value: "sig-2" } },
      ],
    });
  });

  test("a snake_case request decodes like its camelCase twin; args and property names stay untouched", () => {
    const snake = {
      contents: [
        { role: "model", parts: [{ function_call: { name: "f", args: { user_id: 1 } }, thought_signature: "s" }] },
        { role: "user", parts: [{ function_response: { name: "f", response: { found_it: true } } }] },
      ],
      tools: [{ function_declarations: [{ name: "f", parameters: { type: "OBJECT", properties: { user_id: { type: "INTEGER" } } } }] }],
      generation_config: { max_output_tokens: 5, thinking_config: { thinking_budget: 0, include_thoughts: false } },
    };
    const camel = {
      contents: [
        { role: "model", parts: [{ functionCall: { name: "f", args: { user_id: 1 } }, thoughtSignature: "s" }] },
        { role: "user", parts: [{ functionResponse: { name: "f", response: { found_it: true } } }] },
      ],
      tools: [{ functionDeclarations: [{ name: "f", parameters: { type: "OBJECT", properties: { user_id: { type: "INTEGER" } } } }] }],
      generationConfig: { maxOutputTokens: 5, thinkingConfig: { thinkingBudget: 0, includeThoughts: false } },
    };
    const decoded = decodeGeminiRequest(snake, "m", false);
    expect(decoded).toStrictEqual(decodeGeminiRequest(camel, "m", false));
    expect(decoded.request.messages[0]).toMatchObject({ content: [{ arguments: '{"user_id":1}' }] });
    expect(decoded.request.tools?.[0]?.parameters).toStrictEqual({ type: "object", properties: { user_id: { type: "integer" } } });
  });
});

describe("decodeGeminiAugmentedRequest and count tokens", () => {
  test("the server's augmented body: model, stream and alt beside the request", async () => {
    const body = { ...((await fixture("text-request.json")) as object), model: "models/gemini-2.5-pro", stream: true, alt: "sse" };
    expect(decodeGeminiAugmentedRequest(body)).toStrictEqual({
      request: { model: "gemini-2.5-pro", messages: [user("How does AI work?")], stream: true },
      options: { framing: "sse", includeThoughts: false },
    });
  });

  test("without alt the stream is Google's JSON array; stream defaults to false", async () => {
    const decoded = decodeGeminiAugmentedRequest({ ...((await fixture("text-request.json")) as object), model: "m" });
    expect(decoded.options.framing).toBe("json-array");
    expect(decoded.request.stream).toBe(false);
  });

  test("countTokens with contents, or with a whole generateContentRequest", async () => {
    expect(decodeGeminiCountTokensRequest(await fixture("count-tokens-request.json"), "gemini-2.5-flash").request.messages).toStrictEqual([
      user("The quick brown fox jumps over the lazy dog."),
    ]);
    const wrapped = { generate_content_request: { model: "models/x", ...((await fixture("system-instruction-request.json")) as object) } };
    const { request } = decodeGeminiCountTokensRequest(wrapped, "gemini-2.5-flash");
    expect(request.messages.map((message) => message.role)).toEqual(["system", "user"]);
    expect(request.stream).toBe(false);
  });
});

test("an Anthropic upstream's signature, tagged, returns to the thinking it signed, also when it rode on the call after it", () => {
  const { request } = decodeGeminiRequest(
    {
      contents: [
        { role: "user", parts: [{ text: "weather?" }] },
        {
          role: "model",
          parts: [{ text: "Thinking.", thought: true }, { functionCall: { name: "get_weather", args: {} }, thoughtSignature: "agw1.anthropic.t.EqQB" }],
        },
        { role: "user", parts: [{ functionResponse: { name: "get_weather", response: { result: "sunny" } } }] },
        { role: "model", parts: [{ text: "Again.", thought: true, thoughtSignature: "agw1.anthropic.t.EqQC" }, { text: "Sunny." }] },
      ],
    },
    "m",
    false,
  );
  expect(request.messages[1]).toEqual({
    role: "assistant",
    content: [
      { type: "reasoning", text: "Thinking.", signature: { family: "anthropic", value: "EqQB" } },
      { type: "tool-call", id: "call_0", name: "get_weather", arguments: "{}" },
    ],
  });
  expect(request.messages[3]).toEqual({
    role: "assistant",
    content: [
      { type: "reasoning", text: "Again.", signature: { family: "anthropic", value: "EqQC" } },
      { type: "text", text: "Sunny." },
    ],
  });
});
