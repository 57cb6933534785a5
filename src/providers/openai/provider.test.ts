import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import type { StreamEvent } from "../../ir/event.ts";
import type { ChatRequest } from "../../ir/request.ts";
import { startFakeOpenAI } from "../../../test/harness/fake-openai.ts";
import type { ProviderCall, ProviderSettings } from "../types.ts";
import { createOpenAIProvider, DEFAULT_OPENAI_BASE_URL } from "./provider.ts";

const openai = startFakeOpenAI();
afterAll(() => openai.stop());
beforeEach(() => {
  openai.setScript(undefined);
  openai.requests.length = 0;
});

const settings = (extra: Partial<ProviderSettings> = {}): ProviderSettings => ({
  name: "openrouter",
  type: "openai",
  baseUrl: `${openai.url}//`,
  timeoutMs: 5000,
  headers: { "HTTP-Referer": "https://agw.example", "X-Title": "agw" },
  ...extra,
});

const call = (apiKey = "sk-test", signal = new AbortController().signal): ProviderCall => ({
  model: "gpt-4o-mini",
  account: { id: "me@example.com", apiKey },
  signal,
});

const ask = (text: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: "client-model",
  stream: true,
  messages: [{ role: "user", content: [{ type: "text", text }] }],
  ...extra,
});

async function readAll(stream: ReadableStream<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream as unknown as AsyncIterable<StreamEvent>) events.push(event);
  return events;
}

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error("expected a rejection");
}

const texts = (events: StreamEvent[]) => events.flatMap((event) => (event.type === "text-delta" ? [event.text] : [])).join("");

describe("createOpenAIProvider against the fake OpenAI", () => {
  test("streams an answer and sends the lowered request with a Bearer key and the extra headers", async () => {
    const provider = createOpenAIProvider(settings());
    expect(provider.type).toBe("openai");
    expect(provider.nativeProtocol).toBe("openai-chat");
    const events = await readAll(await provider.stream(ask("Hello there"), call()));

    expect(texts(events)).toBe("Echo: Hello there");
    expect(events[0]).toEqual({ type: "message-start", id: expect.stringMatching(/^chatcmpl-fake-\d+$/), model: "gpt-4o-mini" });
    expect(events.at(-2)).toEqual({ type: "finish", reason: { unified: "stop", raw: "stop" } });
    // The fake counts a token per 4 characters of the messages' JSON.
    const prompt = Math.ceil(JSON.stringify([{ role: "user", content: "Hello there" }]).length / 4);
    expect(events.at(-1)).toEqual({ type: "usage", usage: { input: { total: prompt, cacheRead: 0 }, output: { total: 5, reasoning: 0 } } });

    const [request] = openai.requests;
    expect(request?.path).toBe("/v1/chat/completions");
    expect(request?.apiKey).toBe("sk-test");
    expect(request?.headers.get("authorization")).toBe("Bearer sk-test");
    expect(request?.headers.get("content-type")).toBe("application/json");
    expect(request?.headers.get("http-referer")).toBe("https://agw.example");
    expect(request?.headers.get("x-title")).toBe("agw");
    expect(request?.body).toEqual({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Hello there" }],
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  test("an OAuth access token is sent as the Bearer token", async () => {
    const provider = createOpenAIProvider(settings());
    await readAll(await provider.stream(ask("hi"), { ...call(), account: { id: "oauth", accessToken: "at-123", apiKey: "sk-unused" } }));
    expect(openai.requests[0]?.headers.get("authorization")).toBe("Bearer at-123");
  });

  test("frames split inside a UTF-8 character decode intact, and SSE comments are skipped", async () => {
    const greeting = "Grüße, 世界 👋";
    const chunks = [
      { id: "r-split", model: "m", choices: [{ index: 0, delta: { content: greeting } }] },
      { id: "r-split", model: "m", choices: [{ index: 0, delta: { content: " ¡Adiós!" }, finish_reason: "stop" }] },
    ];
    const wire = new TextEncoder().encode(chunks.map((value) => `data: ${JSON.stringify(value)}\n\n`).join(""));
    const inside = (character: string) => indexOfBytes(wire, new TextEncoder().encode(character)) + 1;
    const firstLf = wire.indexOf(10);
    const splitAt = [inside("ü"), inside("世"), inside("👋") + 2, firstLf + 1, inside("¡")].sort((a, b) => a - b);
    openai.setScript(() => ({ type: "stream", chunks, splitAt }));

    const events = await readAll(await createOpenAIProvider(settings()).stream(ask("hi"), call()));
    expect(events).toEqual([
      { type: "message-start", id: "r-split", model: "m" },
      { type: "text-delta", text: greeting },
      { type: "text-delta", text: " ¡Adiós!" },
      { type: "finish", reason: { unified: "stop", raw: "stop" } },
    ]);

    // OpenRouter keeps the connection alive with SSE comments.
    const server = Bun.serve({
      port: 0,
      fetch: () =>
        new Response(
          ': OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\ndata: {"id":"gen-1","choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n',
          { headers: { "content-type": "text/event-stream" } },
        ),
    });
    try {
      const provider = createOpenAIProvider(settings({ baseUrl: server.url.origin }));
      expect(await readAll(await provider.stream(ask("hi"), call()))).toEqual([
        { type: "message-start", id: "gen-1" },
        { type: "text-delta", text: "ok" },
        { type: "finish", reason: { unified: "stop", raw: "stop" } },
      ]);
    } finally {
      await server.stop(true);
    }
  });

  test("reasoning, tools and images reach the fake and come back as IR events", async () => {
    const provider = createOpenAIProvider(settings());
    const events = await readAll(
      await provider.stream(
        ask("What's the weather in Paris?", {
          tools: [{ name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } }],
          reasoning: { effort: "low" },
        }),
        call(),
      ),
    );
    const start = events[0] as Extract<StreamEvent, { type: "message-start" }>;
    expect(start).toEqual({ type: "message-start", id: expect.stringMatching(/^chatcmpl-fake-\d+$/), model: "gpt-4o-mini" });
    const id = `call_fake_${start.id?.replace(/\W/g, "")}`;
    expect(events.slice(1)).toEqual([
      { type: "reasoning-delta", text: "Thinki" },
      { type: "reasoning-delta", text: "ng abo" },
      { type: "reasoning-delta", text: "ut it." },
      { type: "tool-call-start", id, name: "get_weather" },
      { type: "tool-call-delta", id, argumentsDelta: '{"ci' },
      { type: "tool-call-delta", id, argumentsDelta: 'ty":"Pa' },
      { type: "tool-call-delta", id, argumentsDelta: 'ris"}' },
      { type: "tool-call-end", id },
      { type: "finish", reason: { unified: "tool-calls", raw: "tool_calls" } },
      { type: "usage", usage: { input: { total: expect.any(Number), cacheRead: 0 }, output: { total: 17, reasoning: 5 } } },
    ]);
    expect(openai.requests[0]?.body.reasoning_effort).toBe("low");
    expect(openai.requests[0]?.body.tools).toEqual([
      { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } },
    ]);

    const image = ask("Describe", {
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Describe" },
            { type: "image", mediaType: "image/png", data: Buffer.from("12345678").toString("base64") },
          ],
        },
      ],
    });
    expect(texts(await readAll(await provider.stream(image, call())))).toBe("I see an image of image/png with 8 bytes");
  });

  test("a tool result and a JSON schema get the fake's answers", async () => {
    const provider = createOpenAIProvider(settings());
    const request = ask("weather?");
    request.messages.push(
      { role: "assistant", content: [{ type: "tool-call", id: "c1", name: "get_weather", arguments: '{"city":"Paris"}' }] },
      { role: "tool", content: [{ type: "tool-result", toolCallId: "c1", content: [{ type: "text", text: '{"temperature":21}' }] }] },
    );
    expect(texts(await readAll(await provider.stream(request, call())))).toBe('The result was: {"temperature":21}');
    expect(openai.requests[0]?.body.messages.slice(1)).toEqual([
      { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] },
      { role: "tool", tool_call_id: "c1", content: '{"temperature":21}' },
    ]);

    const schema = { type: "object", properties: { answer: { type: "string" }, score: { type: "integer", minimum: 3 } }, required: ["answer", "score"] };
    const json = await readAll(await provider.stream(ask("rate it", { responseFormat: { type: "json", schema } }), call()));
    expect(JSON.parse(texts(json))).toEqual({ answer: "ok", score: 3 });
  });

  test("max_tokens instead of max_completion_tokens when the provider is built so", async () => {
    const provider = createOpenAIProvider(settings(), { maxTokensField: "max_tokens" });
    await readAll(await provider.stream(ask("hi", { maxOutputTokens: 64 }), call()));
    expect(openai.requests[0]?.body.max_tokens).toBe(64);
    expect(openai.requests[0]?.body.max_completion_tokens).toBeUndefined();
  });

  test("an upstream refusal rejects with the mapped error", async () => {
    const provider = createOpenAIProvider(settings());
    const limited = await rejection(provider.stream(ask("hi"), call("key-429")));
    expect(limited).toMatchObject({ kind: "rate_limit", retryable: true, retryAfterMs: 2000, upstreamStatus: 429, quotaExhausted: false });
    const quota = await rejection(provider.stream(ask("hi"), call("key-quota")));
    expect(quota).toMatchObject({ kind: "rate_limit", quotaExhausted: true, code: "insufficient_quota" });
    const unauthorized = await rejection(provider.stream(ask("hi"), call("key-401")));
    expect(unauthorized).toMatchObject({ kind: "upstream", code: "upstream_unauthorized", retryable: true, upstreamStatus: 401 });
    const broken = await rejection(provider.stream(ask("hi"), call("key-500")));
    expect(broken).toMatchObject({ kind: "upstream", status: 502, retryable: true, upstreamStatus: 500 });
    const busy = await rejection(provider.stream(ask("hi"), call("key-503")));
    expect(busy).toMatchObject({ kind: "overloaded", retryable: true, upstreamStatus: 503 });
    openai.setScript(() => ({ type: "error", status: 404, body: { error: { message: "The model `nope` does not exist", type: "invalid_request_error", code: "model_not_found" } } }));
    expect(await rejection(provider.stream(ask("hi"), call()))).toMatchObject({ kind: "not_found", code: "model_not_found" });
  });

  test("a missing key is the fake's 401; a required web search is refused before any request", async () => {
    const keyless = { ...call(), account: { id: "local" } };
    const error = await rejection(createOpenAIProvider(settings()).stream(ask("hi"), keyless));
    expect(error).toMatchObject({ kind: "upstream", code: "upstream_unauthorized", retryable: true });
    expect(openai.requests).toHaveLength(0);

    const search = await rejection(createOpenAIProvider(settings()).stream(ask("news?", { webSearch: { required: true } }), call()));
    expect(search).toMatchObject({ kind: "invalid_request", param: "tools" });
    expect(openai.requests).toHaveLength(0);
  });

  test("an error after the stream started arrives as the last event", async () => {
    const events = await readAll(await createOpenAIProvider(settings()).stream(ask("hi"), call("key-midstream-error")));
    expect(events.slice(0, 2)).toEqual([
      { type: "message-start", id: "chatcmpl-fake-midstream", model: "fake" },
      { type: "text-delta", text: "Partial answer" },
    ]);
    expect(events).toHaveLength(3);
    expect(events[2]).toMatchObject({ type: "error", error: { kind: "upstream", retryable: true, upstreamStatus: 500 } });
  });

  test("a stream cut before its finish reason, or with bad JSON, ends with an error event", async () => {
    openai.setScript(() => ({ type: "stream", chunks: [{ id: "c", choices: [{ index: 0, delta: { content: "Hel" } }] }], noDone: true }));
    const cut = await readAll(await createOpenAIProvider(settings()).stream(ask("hi"), call()));
    expect(cut.map((event) => event.type)).toEqual(["message-start", "text-delta", "error"]);
    expect(cut[2]).toMatchObject({ error: { kind: "upstream", retryable: true } });

    const server = Bun.serve({ port: 0, fetch: () => new Response('data: {"choices":[{"delta":{"content":"ok"}}]}\n\ndata: {oops sk-secret-abcdefghijkl\n\n') });
    try {
      const events = await readAll(await createOpenAIProvider(settings({ baseUrl: server.url.origin })).stream(ask("hi"), call()));
      expect(events.map((event) => event.type)).toEqual(["message-start", "text-delta", "error"]);
      expect(events[2]).toMatchObject({ error: { kind: "upstream", retryable: true, message: "the upstream sent an SSE event that is not JSON: {oops [redacted]" } });
    } finally {
      await server.stop(true);
    }
  });

  test("the timeout covers the wait for the response head, not the stream", async () => {
    openai.setScript(() => ({ type: "hang", ms: 1000 }));
    const error = await rejection(createOpenAIProvider(settings({ timeoutMs: 100 })).stream(ask("hi"), call()));
    expect(error).toMatchObject({ kind: "timeout", status: 504, retryable: true });

    const slow = startFakeOpenAI({ pieceDelayMs: 15 });
    try {
      const provider = createOpenAIProvider(settings({ baseUrl: slow.url, timeoutMs: 150 }));
      const started = performance.now();
      const events = await readAll(await provider.stream(ask("a long enough question to need many pieces"), call()));
      expect(performance.now() - started).toBeGreaterThan(150);
      expect(texts(events)).toBe("Echo: a long enough question to need many pieces");
      expect(events.some((event) => event.type === "error")).toBe(false);
    } finally {
      await slow.stop();
    }
  });

  test("an unreachable upstream is a retryable upstream error; the default base URL is OpenAI's", async () => {
    const closed = Bun.serve({ port: 0, fetch: () => new Response("") });
    const origin = closed.url.origin;
    await closed.stop(true);
    const error = await rejection(createOpenAIProvider(settings({ baseUrl: origin })).stream(ask("hi"), call()));
    expect(error).toMatchObject({ kind: "upstream", retryable: true });
    expect(error.message).toStartWith("could not reach the upstream: ");
    expect(DEFAULT_OPENAI_BASE_URL).toBe("https://api.openai.com/v1");
  });

  test("a client that went away cancels the request", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(createOpenAIProvider(settings()).stream(ask("hi"), call("sk-test", controller.signal)));
    expect(error.retryable).toBe(false);
  });
});

describe("pass-through", () => {
  test("relays the client's body untouched and the answer byte for byte; the usage tail reads the usage", async () => {
    const provider = createOpenAIProvider(settings());
    const body = '{"model":"gpt-4o-mini",  "messages":[{"role":"user","content":"Hi"}],"stream":true,"stream_options":{"include_usage":true},"logprobs":true}';
    const chunks = [
      { id: "p-1", object: "chat.completion.chunk", model: "gpt-4o-mini", choices: [{ index: 0, delta: { content: "Grüße" }, finish_reason: null }], usage: null },
      { id: "p-1", object: "chat.completion.chunk", model: "gpt-4o-mini", choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: null },
      { id: "p-1", object: "chat.completion.chunk", model: "gpt-4o-mini", choices: [], usage: { prompt_tokens: 8, completion_tokens: 2, total_tokens: 10, prompt_tokens_details: { cached_tokens: 4 } } },
    ];
    openai.setScript(() => ({ type: "stream", chunks }));
    const response = await provider.passthrough!({ operation: "chat/completions", body }, call());

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toStartWith("text/event-stream");
    const relayed = await response.text();
    expect(relayed).toBe(chunks.map((value) => `data: ${JSON.stringify(value)}\n\n`).join("") + "data: [DONE]\n\n");
    const [request] = openai.requests;
    expect(request?.text).toBe(body);
    expect(request?.path).toBe("/v1/chat/completions");
    expect(request?.headers.get("authorization")).toBe("Bearer sk-test");
    expect(request?.headers.get("x-title")).toBe("agw");
    expect(provider.passthroughUsage!(relayed.slice(-600))).toEqual({ input: { total: 8, cacheRead: 4 }, output: { total: 2 } });
  });

  test("a non-streaming request gets the fake's JSON answer; refusals reject as GatewayErrors", async () => {
    const provider = createOpenAIProvider(settings());
    const response = await provider.passthrough!({ operation: "chat/completions", body: '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}' }, call());
    const text = await response.text();
    const answer = JSON.parse(text);
    expect(answer).toMatchObject({ object: "chat.completion", model: "gpt-4o-mini", choices: [{ index: 0, message: { role: "assistant", content: "Echo: Hi" }, finish_reason: "stop" }] });
    expect(provider.passthroughUsage!(text)).toEqual({ input: { total: answer.usage.prompt_tokens, cacheRead: 0 }, output: { total: answer.usage.completion_tokens, reasoning: 0 } });

    const limited = await rejection(provider.passthrough!({ operation: "chat/completions", body: '{"model":"m","messages":[]}' }, call("key-429")));
    expect(limited).toMatchObject({ kind: "rate_limit", retryAfterMs: 2000 });
  });
});

describe("the fake OpenAI's defaults", () => {
  test("a missing key, a bad path and a bad body in OpenAI's error shape", async () => {
    const post = (path: string, init: RequestInit) => fetch(`${openai.url}${path}`, { method: "POST", ...init });
    const keyless = await post("/chat/completions", { body: "{}" });
    expect(keyless.status).toBe(401);
    expect(((await keyless.json()) as any).error).toMatchObject({ type: "invalid_request_error", param: null, code: null });
    const wrongPath = await post("/completions", { headers: { authorization: "Bearer k" }, body: "{}" });
    expect(wrongPath.status).toBe(404);
    const notJson = await post("/chat/completions", { headers: { authorization: "Bearer k" }, body: "{" });
    expect(notJson.status).toBe(400);
  });

  test("without include_usage no usage chunk comes, and every frame is a data line", async () => {
    const response = await fetch(`${openai.url}/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer k", "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "Hi" }], stream: true }),
    });
    const frames = (await response.text()).split("\n\n").filter(Boolean);
    expect(frames.every((frame) => frame.startsWith("data: "))).toBe(true);
    expect(frames.at(-1)).toBe("data: [DONE]");
    expect(frames.some((frame) => frame.includes('"usage"'))).toBe(false);
  });
});

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let start = 0; start <= haystack.length - needle.length; start += 1) {
    for (let offset = 0; offset < needle.length; offset += 1) if (haystack[start + offset] !== needle[offset]) continue outer;
    return start;
  }
  return -1;
}
