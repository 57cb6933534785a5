/**
 * The official OpenAI SDK against the real gateway (in-process, port 0),
 * backed by a fake Gemini upstream speaking the real wire format.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { startFakeGemini, type FakeGemini } from "../harness/fake-gemini.ts";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";

let gemini: FakeGemini;
let agw: TestGateway;
let client: OpenAI;

beforeAll(() => {
  gemini = startFakeGemini();
  agw = startTestGateway({
    providers: {
      gemini: {
        type: "gemini",
        baseUrl: gemini.url,
        accounts: [{ id: "alice@example.com", apiKey: "good-key" }],
        models: ["gemini-2.5-flash", "gemini-2.5-pro"],
      },
      // Two accounts: the first is rate limited, the second answers.
      rotating: {
        type: "gemini",
        baseUrl: gemini.url,
        accounts: [
          { id: "limited@example.com", apiKey: "key-429" },
          { id: "spare@example.com", apiKey: "good-key-2" },
        ],
      },
      limited: { type: "gemini", baseUrl: gemini.url, accounts: [{ id: "only@example.com", apiKey: "key-429" }] },
      broken: { type: "gemini", baseUrl: gemini.url, accounts: [{ id: "b@example.com", apiKey: "key-500" }] },
      midstream: { type: "gemini", baseUrl: gemini.url, accounts: [{ id: "m@example.com", apiKey: "key-midstream-error" }] },
      demo: { type: "mock" },
    },
    models: {
      "gpt-4o": "gemini/gemini-2.5-flash",
      "claude-*": "gemini/gemini-2.5-pro",
      "rotate-me": "rotating/gemini-2.5-flash",
      "always-429": "limited/gemini-2.5-flash",
      "always-500": "broken/gemini-2.5-flash",
      "breaks-midway": "midstream/gemini-2.5-flash",
    },
    media: { allowPrivateNetworks: true },
  });
  client = new OpenAI({ baseURL: `${agw.url}/v1`, apiKey: "unused", maxRetries: 0 });
});

afterAll(async () => {
  await agw.stop();
  await gemini.stop();
});

afterEach(() => gemini.setScript(undefined));

const lastRequest = () => gemini.requests.at(-1)!;

describe("OpenAI SDK → agw → Gemini", () => {
  test("plain chat: the answer, usage, and the gateway's headers", async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: "gpt-4o",
        messages: [
          { role: "system", content: "You are terse." },
          { role: "user", content: "Hello there" },
        ],
        temperature: 0.2,
        max_tokens: 50,
      })
      .withResponse();
    expect(data.object).toBe("chat.completion");
    expect(data.model).toBe("gpt-4o");
    expect(data.choices[0]!.message.content).toBe("Echo: Hello there");
    expect(data.choices[0]!.finish_reason).toBe("stop");
    expect(data.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage!.total_tokens).toBe(data.usage!.prompt_tokens + data.usage!.completion_tokens);
    expect(response.headers.get("x-mapped-model")).toBe("gemini-2.5-flash");
    expect(response.headers.get("x-account-email")).toBe("alice@example.com");
    const requestId = response.headers.get("x-request-id")!;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

    const upstream = lastRequest();
    expect(upstream.model).toBe("gemini-2.5-flash");
    expect(upstream.action).toBe("streamGenerateContent");
    expect(upstream.apiKey).toBe("good-key");
    expect(upstream.body.systemInstruction).toEqual({ parts: [{ text: "You are terse." }] });
    expect(upstream.body.generationConfig).toMatchObject({ temperature: 0.2, maxOutputTokens: 50 });

    agw.gateway.store.flush();
    expect(agw.gateway.store.requestLogs.get(requestId)).toMatchObject({
      route: "/v1/chat/completions",
      protocol: "openai-chat",
      requestedModel: "gpt-4o",
      mappedModel: "gemini-2.5-flash",
      provider: "gemini",
      accountId: "alice@example.com",
      status: 200,
      stream: false,
      attempts: 1,
      inputTokens: data.usage!.prompt_tokens,
      outputTokens: data.usage!.completion_tokens,
    });
  });

  test("streaming: role first, content deltas, finish, usage when asked, [DONE]", async () => {
    const stream = await client.chat.completions.create({
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: "Stream me a reply please" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]!.choices[0]!.delta.role).toBe("assistant");
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    expect(text).toBe("Echo: Stream me a reply please");
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBeGreaterThan(1);
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]!.finish_reason).toBe("stop");
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage!.total_tokens).toBeGreaterThan(0);
    expect(lastRequest().model).toBe("gemini-2.5-pro");
  });

  test("streaming without include_usage sends no usage chunk", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.some((c) => c.usage)).toBe(false);
  });

  const weatherTool: OpenAI.Chat.Completions.ChatCompletionTool = {
    type: "function",
    function: {
      name: "get_weather",
      description: "Current weather for a city",
      parameters: {
        $schema: "http://json-schema.org/draft-07/schema#",
        type: "object",
        properties: { city: { type: "string" }, unit: { type: ["string", "null"], enum: ["c", "f", null] } },
        required: ["city"],
        additionalProperties: false,
      },
    },
  };

  test("tools round trip, non-streaming", async () => {
    const messages: OpenAI.Chat.Completions.ChatCompletionMessageParam[] = [
      { role: "user", content: "What is the weather in Paris?" },
    ];
    const first = await client.chat.completions.create({ model: "gpt-4o", messages, tools: [weatherTool], tool_choice: "auto" });
    const call = first.choices[0]!.message.tool_calls![0]!;
    expect(first.choices[0]!.finish_reason).toBe("tool_calls");
    expect(call.type).toBe("function");
    if (call.type !== "function") throw new Error("expected a function call");
    expect(call.function.name).toBe("get_weather");
    expect(JSON.parse(call.function.arguments)).toEqual({ city: "Paris" });
    expect(call.id).toBeTruthy();

    const declared = lastRequest().body.tools[0].functionDeclarations[0];
    expect(declared.name).toBe("get_weather");
    expect(declared.parameters.$schema).toBeUndefined();
    expect(declared.parameters.additionalProperties).toBeUndefined();
    expect(lastRequest().body.toolConfig).toEqual({ functionCallingConfig: { mode: "AUTO" } });

    messages.push(first.choices[0]!.message, { role: "tool", tool_call_id: call.id, content: '{"temperature":21}' });
    const second = await client.chat.completions.create({ model: "gpt-4o", messages, tools: [weatherTool] });
    expect(second.choices[0]!.message.content).toBe('The result was: {"temperature":21}');
    const contents = lastRequest().body.contents;
    expect(contents.at(-2).role).toBe("model");
    expect(contents.at(-2).parts.find((p: any) => p.functionCall).functionCall).toMatchObject({ name: "get_weather", args: { city: "Paris" } });
    expect(contents.at(-1).parts[0].functionResponse).toMatchObject({ name: "get_weather", response: { temperature: 21 } });
  });

  test("tools round trip, streaming, with the SDK's stream helper", async () => {
    const runner = client.chat.completions.stream({
      model: "gpt-4o",
      messages: [{ role: "user", content: "weather in Paris, please" }],
      tools: [weatherTool],
      tool_choice: { type: "function", function: { name: "get_weather" } },
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]!;
    if (call.type !== "function") throw new Error("expected a function call");
    expect(call.function.name).toBe("get_weather");
    expect(JSON.parse(call.function.arguments)).toEqual({ city: "Paris" });
    expect(final.choices[0]!.finish_reason).toBe("tool_calls");
    expect(lastRequest().body.toolConfig).toEqual({
      functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_weather"] },
    });

    const followUp = client.chat.completions.stream({
      model: "gpt-4o",
      messages: [
        { role: "user", content: "weather in Paris, please" },
        final.choices[0]!.message as OpenAI.Chat.Completions.ChatCompletionMessageParam,
        { role: "tool", tool_call_id: call.id, content: "sunny" },
      ],
      tools: [weatherTool],
    });
    expect((await followUp.finalChatCompletion()).choices[0]!.message.content).toBe('The result was: {"result":"sunny"}');
  });

  test("JSON-schema output", async () => {
    const answer = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Answer in JSON" }],
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "answer",
          strict: true,
          schema: { type: "object", properties: { answer: { type: "string" } }, required: ["answer"], additionalProperties: false },
        },
      },
    });
    expect(JSON.parse(answer.choices[0]!.message.content!)).toHaveProperty("answer");
    const config = lastRequest().body.generationConfig;
    expect(config.responseMimeType).toBe("application/json");
    expect(config.responseSchema).toEqual({ type: "object", properties: { answer: { type: "string" } }, required: ["answer"] });
  });

  test("json_object output", async () => {
    await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "JSON please" }],
      response_format: { type: "json_object" },
    });
    expect(lastRequest().body.generationConfig.responseMimeType).toBe("application/json");
  });

  const png = Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
    "base64",
  );

  test("image input as a data URL", async () => {
    const answer = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image_url", image_url: { url: `data:image/png;base64,${png.toString("base64")}` } },
          ],
        },
      ],
    });
    expect(answer.choices[0]!.message.content).toBe(`I see an image of image/png with ${png.length} bytes`);
    expect(lastRequest().body.contents[0].parts[1]).toEqual({ inlineData: { mimeType: "image/png", data: png.toString("base64") } });
  });

  test("image input as an http URL is fetched and inlined", async () => {
    const images = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response(png, { headers: { "content-type": "image/png" } }) });
    try {
      const answer = await client.chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: `${images.url}cat.png` } }] }],
      });
      expect(answer.choices[0]!.message.content).toBe(`I see an image of image/png with ${png.length} bytes`);
    } finally {
      images.stop(true);
    }
  });

  test("a local file path as image URL is refused with 400 naming the field", async () => {
    const error = await client.chat.completions
      .create({
        model: "gpt-4o",
        messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "file:///etc/passwd" } }] }],
      })
      .catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.error.param).toBe("messages[0].content[0].image_url.url");
  });

  test("reasoning: reasoning_effort → thinkingConfig, thoughts → reasoning_content", async () => {
    const answer = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Think first" }],
      reasoning_effort: "low",
    });
    const message = answer.choices[0]!.message as OpenAI.Chat.Completions.ChatCompletionMessage & { reasoning_content?: string };
    expect(message.reasoning_content).toBe("Thinking about it.");
    expect(message.content).toBe("Echo: Think first");
    expect(lastRequest().body.generationConfig.thinkingConfig).toEqual({ thinkingBudget: 1024, includeThoughts: true });
    expect(answer.usage!.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);

    const stream = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "Think first" }],
      reasoning_effort: "high",
      stream: true,
    });
    let reasoning = "";
    let content = "";
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { reasoning_content?: string; content?: string } | undefined;
      reasoning += delta?.reasoning_content ?? "";
      content += delta?.content ?? "";
    }
    expect(reasoning).toBe("Thinking about it.");
    expect(content).toBe("Echo: Think first");
  });

  test("an upstream 429 rotates to the next account", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "rotate-me", messages: [{ role: "user", content: "rotate" }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe("Echo: rotate");
    expect(response.headers.get("x-account-email")).toBe("spare@example.com");
    agw.gateway.store.flush();
    expect(agw.gateway.store.requestLogs.get(response.headers.get("x-request-id")!)?.attempts).toBe(2);
  });

  test("an upstream 429 with no account left stays 429 with Retry-After", async () => {
    const error = await client.chat.completions
      .create({ model: "always-429", messages: [{ role: "user", content: "x" }] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(Number(error.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(error.headers.get("retry-after"))).toBeLessThanOrEqual(2);
    expect(error.headers.get("x-mapped-model")).toBe("gemini-2.5-flash");
  });

  test("an upstream 500 becomes 502 after the retries", async () => {
    const before = gemini.requests.length;
    const error = await client.chat.completions
      .create({ model: "always-500", messages: [{ role: "user", content: "x" }] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBe(502);
    expect(error.error.type).toBe("server_error");
    expect(gemini.requests.length - before).toBe(3);
  });

  test("an unreachable upstream is a 502 with the reason", async () => {
    const closed = Bun.serve({ port: 0, fetch: () => new Response() });
    const deadUrl = closed.url.href;
    closed.stop(true);
    const lonely = startTestGateway({
      providers: { g: { type: "gemini", baseUrl: deadUrl, accounts: [{ id: "a", apiKey: "k" }] } },
      models: { "*": "g/gemini-2.5-flash" },
      retry: { maxAttempts: 1 },
    });
    try {
      const error = await new OpenAI({ baseURL: `${lonely.url}/v1`, apiKey: "x", maxRetries: 0 }).chat.completions
        .create({ model: "m", messages: [{ role: "user", content: "x" }] })
        .catch((e) => e);
      expect(error.status).toBe(502);
      expect(error.message).toContain("could not reach the upstream");
    } finally {
      await lonely.stop();
    }
  });

  test("an error after streaming began reaches the client as an error in the stream", async () => {
    const stream = await client.chat.completions.create({
      model: "breaks-midway",
      messages: [{ role: "user", content: "x" }],
      stream: true,
    });
    let text = "";
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().catch((e) => e);
    expect(text).toBe("Partial answer");
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(String(error.message)).toContain("internal error");
  });

  test("the mock provider answers every client with no network", async () => {
    const answer = await client.chat.completions.create({ model: "demo/echo", messages: [{ role: "user", content: "ping" }] });
    expect(answer.choices[0]!.message.content).toBe("ping");
  });
});

describe("errors in OpenAI's shape", () => {
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${agw.url}${path}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } });

  test("bad JSON → 400", async () => {
    const response = await post("/v1/chat/completions", "{not json");
    expect(response.status).toBe(400);
    const body = (await response.json()) as any;
    expect(body.error.type).toBe("invalid_request_error");
    expect(body.error.message).toContain("not valid JSON");
    expect(response.headers.get("x-request-id")).toBeTruthy();
  });

  test("a request failing validation → 400 naming the field", async () => {
    const response = await post("/v1/chat/completions", JSON.stringify({ model: "gpt-4o", messages: [{ role: "bot", content: "x" }] }));
    expect(response.status).toBe(400);
    const body = (await response.json()) as any;
    expect(body.error.param).toBe("messages[0].role");
    expect(body.error.message).toContain("messages[0].role");
  });

  test("unknown model with no default → 404 model_not_found listing the models", async () => {
    const error = await client.chat.completions.create({ model: "gpt-17", messages: [{ role: "user", content: "x" }] }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.error.code).toBe("model_not_found");
    expect(error.message).toContain("gpt-4o");
    expect(error.message).toContain("gemini-2.5-pro");
  });

  test("/v1/models lists mapped names and provider models", async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model);
    const ids = models.map((m) => m.id);
    expect(ids).toContain("gpt-4o");
    expect(ids).toContain("gemini-2.5-pro");
    expect(ids).not.toContain("claude-*");
    expect(models.find((m) => m.id === "gpt-4o")).toMatchObject({ object: "model", owned_by: "gemini" });
  });

  test("404 hints for base-URL mistakes", async () => {
    const doubled = await post("/v1/v1/chat/completions", "{}");
    expect(doubled.status).toBe(404);
    expect(((await doubled.json()) as any).error.message).toContain("repeats /v1");
    const missing = await post("/chat/completions", "{}");
    expect(((await missing.json()) as any).error.message).toContain("Did you mean /v1/chat/completions?");
  });

  test("wrong method → 405 with Allow", async () => {
    const response = await fetch(`${agw.url}/v1/chat/completions`);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(((await response.json()) as any).error.type).toBe("invalid_request_error");
  });

  test("a body over the limit → 413", async () => {
    const small = startTestGateway({ providers: { demo: { type: "mock" } }, models: { "*": "demo/echo" }, limits: { maxBodyBytes: 1000 } });
    try {
      const big = JSON.stringify({ model: "x", messages: [{ role: "user", content: "a".repeat(5000) }] });
      const response = await fetch(`${small.url}/v1/chat/completions`, { method: "POST", body: big });
      expect(response.status).toBe(413);
      expect(((await response.json()) as any).error.message).toContain("limits.maxBodyBytes");
      // A chunked upload (no Content-Length) is refused too.
      const chunked = await fetch(`${small.url}/v1/chat/completions`, {
        method: "POST",
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(big));
            controller.close();
          },
        }),
      });
      expect(chunked.status).toBe(413);
    } finally {
      await small.stop();
    }
  });
});

describe("a client that goes away", () => {
  test("mid-stream: the upstream read stops and the log row says 499", async () => {
    const slow = startFakeGemini({ pieceDelayMs: 20 });
    slow.setScript(() => ({
      type: "stream",
      chunks: Array.from({ length: 50 }, (_, i) => ({
        candidates: [{ content: { role: "model", parts: [{ text: `piece ${i} ` }] }, index: 0, ...(i === 49 ? { finishReason: "STOP" } : {}) }],
      })),
    }));
    const gateway = startTestGateway({
      providers: { g: { type: "gemini", baseUrl: slow.url, accounts: [{ id: "a", apiKey: "k" }] } },
      models: { "*": "g/gemini-2.5-flash" },
    });
    try {
      const abort = new AbortController();
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: "POST",
        signal: abort.signal,
        body: JSON.stringify({ model: "x", stream: true, messages: [{ role: "user", content: "long" }] }),
      });
      const reader = response.body!.getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toContain("chat.completion.chunk");
      abort.abort();
      await Bun.sleep(300);
      gateway.gateway.store.flush();
      expect(gateway.gateway.store.requestLogs.get(response.headers.get("x-request-id")!)).toMatchObject({
        status: 499,
        errorClass: "client_closed",
        stream: true,
      });
    } finally {
      await gateway.stop();
      await slow.stop();
    }
  });
});
