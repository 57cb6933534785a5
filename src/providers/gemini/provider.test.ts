import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import type { StreamEvent } from "../../ir/event.ts";
import type { ChatRequest } from "../../ir/request.ts";
import { startFakeGemini } from "../../../test/harness/fake-gemini.ts";
import type { ProviderCall, ProviderSettings } from "../types.ts";
import { createGeminiProvider } from "./provider.ts";

const gemini = startFakeGemini();
afterAll(() => gemini.stop());
beforeEach(() => {
  gemini.setScript(undefined);
  gemini.requests.length = 0;
});

const settings = (extra: Partial<ProviderSettings> = {}): ProviderSettings => ({
  name: "gemini",
  type: "gemini",
  baseUrl: `${gemini.url}/`,
  timeoutMs: 5000,
  headers: { "x-team": "agw" },
  ...extra,
});

const call = (apiKey = "test-key", signal = new AbortController().signal): ProviderCall => ({
  model: "gemini-2.5-flash",
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

describe("createGeminiProvider against the fake Gemini", () => {
  test("streams an answer and sends the lowered request with the key in a header", async () => {
    const provider = createGeminiProvider(settings());
    expect(provider.type).toBe("gemini");
    const events = await readAll(await provider.stream(ask("Hello there"), call()));

    expect(texts(events)).toBe("Echo: Hello there");
    expect(events[0]).toEqual({
      type: "message-start",
      id: "fake-1",
      model: "gemini-2.5-flash",
      usage: { input: { total: 13 }, output: { total: 0 } },
    });
    expect(events.at(-2)).toEqual({ type: "finish", reason: { unified: "stop", raw: "STOP" } });
    expect(events.at(-1)?.type).toBe("usage");

    const [request] = gemini.requests;
    expect(request?.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    expect(request?.headers.get("x-goog-api-key")).toBe("test-key");
    expect(request?.headers.get("content-type")).toBe("application/json");
    expect(request?.headers.get("x-team")).toBe("agw");
    expect(request?.body).toEqual({ contents: [{ role: "user", parts: [{ text: "Hello there" }] }] });
  });

  test("frames split inside a UTF-8 character and between CR and LF decode intact", async () => {
    const greeting = "Grüße, 世界 👋";
    const chunks = [
      { candidates: [{ content: { role: "model", parts: [{ text: greeting }] }, index: 0 }], responseId: "r-split" },
      { candidates: [{ content: { role: "model", parts: [{ text: " ¡Adiós!" }] }, finishReason: "STOP", index: 0 }] },
    ];
    const wire = new TextEncoder().encode(chunks.map((chunk) => `data: ${JSON.stringify(chunk)}\r\n\r\n`).join(""));
    const inside = (character: string) => {
      const bytes = new TextEncoder().encode(character);
      const start = indexOfBytes(wire, bytes);
      expect(start).toBeGreaterThan(0);
      return start + 1;
    };
    const firstCr = wire.indexOf(13);
    const splitAt = [inside("ü"), inside("世"), inside("👋") + 2, firstCr + 1, firstCr + 3, inside("¡")].sort((a, b) => a - b);
    gemini.setScript(() => ({ type: "stream", chunks, splitAt }));

    const events = await readAll(await createGeminiProvider(settings()).stream(ask("hi"), call()));
    expect(events).toEqual([
      { type: "message-start", id: "r-split" },
      { type: "text-delta", text: greeting },
      { type: "text-delta", text: " ¡Adiós!" },
      { type: "finish", reason: { unified: "stop", raw: "STOP" } },
    ]);
  });

  test("thinking, tools and images reach the fake and come back as IR events", async () => {
    const provider = createGeminiProvider(settings());
    const events = await readAll(
      await provider.stream(
        ask("What's the weather in Paris?", {
          tools: [{ name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } }],
          reasoning: { effort: "low" },
        }),
        call(),
      ),
    );
    expect(events.filter((event) => event.type !== "usage")).toEqual([
      { type: "message-start", id: expect.any(String), model: "gemini-2.5-flash", usage: { input: { total: 17 }, output: { total: 0 } } },
      { type: "reasoning-delta", text: "Thinking about it." },
      { type: "reasoning-signature", signature: { family: "gemini", value: "sig-1" } },
      { type: "tool-call-start", id: expect.stringMatching(/^call_/), name: "get_weather" },
      { type: "tool-call-delta", id: expect.stringMatching(/^call_/), argumentsDelta: '{"city":"Paris"}' },
      { type: "tool-call-end", id: expect.stringMatching(/^call_/) },
      { type: "finish", reason: { unified: "tool-calls", raw: "STOP" } },
    ]);
    expect(gemini.requests[0]?.body.generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } });

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

  test("an upstream refusal rejects with the mapped error", async () => {
    const provider = createGeminiProvider(settings());
    const limited = await rejection(provider.stream(ask("hi"), call("key-429")));
    expect(limited).toMatchObject({ kind: "rate_limit", retryable: true, retryAfterMs: 2000, upstreamStatus: 429, quotaExhausted: false });
    const quota = await rejection(provider.stream(ask("hi"), call("key-quota")));
    expect(quota).toMatchObject({ kind: "rate_limit", quotaExhausted: true, retryAfterMs: 37_000 });
    const broken = await rejection(provider.stream(ask("hi"), call("key-500")));
    expect(broken).toMatchObject({ kind: "upstream", status: 502, retryable: true, upstreamStatus: 500 });
  });

  test("an account without a key is refused before any request", async () => {
    const keyless = { ...call(), account: { id: "me@example.com" } };
    const error = await rejection(createGeminiProvider(settings()).stream(ask("hi"), keyless));
    expect(error).toMatchObject({ kind: "upstream", code: "upstream_unauthorized", retryable: true });
    expect(gemini.requests).toHaveLength(0);
  });

  test("an error after the stream started arrives as the last event", async () => {
    const events = await readAll(await createGeminiProvider(settings()).stream(ask("hi"), call("key-midstream-error")));
    expect(events.slice(0, 2)).toEqual([
      { type: "message-start", id: "fake-midstream", model: "fake" },
      { type: "text-delta", text: "Partial answer" },
    ]);
    expect(events).toHaveLength(3);
    expect(events[2]).toMatchObject({ type: "error", error: { kind: "upstream", retryable: true, upstreamStatus: 500 } });
  });

  test("an SSE event that is not JSON ends the stream with an error event", async () => {
    const server = Bun.serve({
      port: 0,
      fetch: () => new Response('data: {"candidates":[{"content":{"parts":[{"text":"ok"}]}}]}\n\ndata: {oops\n\n'),
    });
    try {
      const provider = createGeminiProvider(settings({ baseUrl: server.url.origin }));
      const events = await readAll(await provider.stream(ask("hi"), call()));
      expect(events.map((event) => event.type)).toEqual(["message-start", "text-delta", "error"]);
      expect(events[2]).toMatchObject({ error: { kind: "upstream", retryable: true } });
    } finally {
      await server.stop(true);
    }
  });

  test("the timeout covers the wait for the response head, not the stream", async () => {
    const silent = Bun.serve({ port: 0, fetch: () => Bun.sleep(2000).then(() => new Response("late")) });
    try {
      const provider = createGeminiProvider(settings({ baseUrl: silent.url.origin, timeoutMs: 100 }));
      const error = await rejection(provider.stream(ask("hi"), call()));
      expect(error).toMatchObject({ kind: "timeout", status: 504, retryable: true });
    } finally {
      await silent.stop(true);
    }

    const slow = startFakeGemini({ pieceDelayMs: 15 });
    try {
      const provider = createGeminiProvider(settings({ baseUrl: slow.url, timeoutMs: 150 }));
      const started = performance.now();
      const events = await readAll(await provider.stream(ask("a long enough question to need many pieces"), call()));
      expect(performance.now() - started).toBeGreaterThan(150);
      expect(texts(events)).toBe("Echo: a long enough question to need many pieces");
      expect(events.some((event) => event.type === "error")).toBe(false);
    } finally {
      await slow.stop();
    }
  });

  test("an unreachable upstream is a retryable upstream error", async () => {
    const closed = Bun.serve({ port: 0, fetch: () => new Response("") });
    const origin = closed.url.origin;
    await closed.stop(true);
    const error = await rejection(createGeminiProvider(settings({ baseUrl: origin })).stream(ask("hi"), call()));
    expect(error.kind).toBe("upstream");
    expect(error.retryable).toBe(true);
    expect(error.message).toStartWith("could not reach the upstream: ");
  });

  test("a client that went away cancels the request", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(createGeminiProvider(settings()).stream(ask("hi"), call("test-key", controller.signal)));
    expect(error.retryable).toBe(false);
  });
});

describe("the fake Gemini's defaults", () => {
  test("answers a tool result with its JSON", async () => {
    const request = ask("weather?");
    request.messages.push(
      { role: "assistant", content: [{ type: "tool-call", id: "c1", name: "get_weather", arguments: '{"city":"Paris"}' }] },
      { role: "tool", content: [{ type: "tool-result", toolCallId: "c1", content: [{ type: "text", text: '{"temperature":21}' }] }] },
    );
    const events = await readAll(await createGeminiProvider(settings()).stream(request, call()));
    expect(texts(events)).toBe('The result was: {"temperature":21}');
    expect(gemini.requests[0]?.body.contents[1].parts[0]).toEqual({
      functionCall: { name: "get_weather", args: { city: "Paris" } },
      thoughtSignature: "skip_thought_signature_validator",
    });
  });

  test("JSON mode answers JSON that fits the schema", async () => {
    const schema = {
      type: "object",
      properties: { answer: { type: "string" }, score: { type: "integer", minimum: 3 }, tags: { type: "array", items: { type: "string", enum: ["a"] } } },
      required: ["answer"],
    };
    const events = await readAll(
      await createGeminiProvider(settings()).stream(ask("rate it", { responseFormat: { type: "json", schema } }), call()),
    );
    expect(JSON.parse(texts(events))).toEqual({ answer: "ok", score: 3, tags: ["a"] });
  });

  test("generateContent answers one JSON object; a missing key is a 401 in Google's shape", async () => {
    const url = `${gemini.url}/v1beta/models/gemini-2.5-flash:generateContent`;
    const body = JSON.stringify({ contents: [{ role: "user", parts: [{ text: "Hi" }] }] });
    const ok = await fetch(url, { method: "POST", headers: { "x-goog-api-key": "k" }, body });
    const answer = (await ok.json()) as any;
    expect(answer.candidates[0].content.parts.map((part: { text: string }) => part.text).join("")).toBe("Echo: Hi");
    expect(answer.candidates[0].finishReason).toBe("STOP");
    expect(answer.usageMetadata.promptTokenCount).toBeGreaterThan(0);

    const refused = await fetch(url, { method: "POST", body });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({
      error: { code: 401, message: "Request is missing required authentication credential.", status: "UNAUTHENTICATED" },
    });
  });
});

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let start = 0; start <= haystack.length - needle.length; start += 1) {
    for (let offset = 0; offset < needle.length; offset += 1) if (haystack[start + offset] !== needle[offset]) continue outer;
    return start;
  }
  return -1;
}
