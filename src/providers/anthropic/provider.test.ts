import { afterAll, beforeEach, describe, expect, test } from "bun:test";
import { GatewayError } from "../../ir/errors.ts";
import type { StreamEvent } from "../../ir/event.ts";
import type { ChatRequest } from "../../ir/request.ts";
import { collectResponse } from "../../ir/collect.ts";
import { anthropicSse, FAKE_THINKING_SIGNATURE, startFakeAnthropic } from "../../../test/harness/fake-anthropic.ts";
import type { PassthroughRequest, ProviderCall, ProviderSettings } from "../types.ts";
import { createAnthropicProvider } from "./provider.ts";

const anthropic = startFakeAnthropic();
afterAll(() => anthropic.stop());
beforeEach(() => {
  anthropic.setScript(undefined);
  anthropic.requests.length = 0;
});

const settings = (extra: Partial<ProviderSettings> = {}): ProviderSettings => ({
  name: "claude",
  type: "anthropic",
  baseUrl: `${anthropic.url}//`,
  timeoutMs: 5000,
  headers: { "x-team": "agw" },
  ...extra,
});

const call = (apiKey = "sk-ant-test-key", signal = new AbortController().signal): ProviderCall => ({
  model: "claude-sonnet-4-5",
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

async function* iterate(events: StreamEvent[]) {
  yield* events;
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

const weatherTool = { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } };

describe("createAnthropicProvider against the fake Anthropic", () => {
  test("streams an answer; the key goes in x-api-key with anthropic-version and the settings headers", async () => {
    const provider = createAnthropicProvider(settings());
    expect(provider.type).toBe("anthropic");
    expect(provider.nativeProtocol).toBe("anthropic");
    const events = await readAll(await provider.stream(ask("Hello there"), call()));

    expect(texts(events)).toBe("Echo: Hello there");
    expect(events[0]).toEqual({
      type: "message-start",
      id: expect.stringMatching(/^msg_fake_\d+$/),
      model: "claude-sonnet-4-5",
      usage: { input: { total: 28, cacheRead: 14, cacheWrite: 0 }, output: { total: 0 } },
    });
    expect(events.at(-2)).toEqual({ type: "finish", reason: { unified: "stop", raw: "end_turn" } });
    const usage = events.at(-1);
    expect(usage?.type).toBe("usage");
    // The lowered request carries a cache breakpoint, so the fake reports a cache read inside the input total.
    if (usage?.type === "usage") {
      expect(usage.usage.input.cacheRead).toBeGreaterThan(0);
      expect(usage.usage.input.total).toBeGreaterThan(usage.usage.input.cacheRead!);
    }

    const [request] = anthropic.requests;
    expect(request?.path).toBe("/v1/messages");
    expect(request?.headers.get("x-api-key")).toBe("sk-ant-test-key");
    expect(request?.headers.get("authorization")).toBeNull();
    expect(request?.headers.get("anthropic-version")).toBe("2023-06-01");
    expect(request?.headers.get("content-type")).toBe("application/json");
    expect(request?.headers.get("x-team")).toBe("agw");
    expect(request?.body).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 4096,
      messages: [{ role: "user", content: [{ type: "text", text: "Hello there", cache_control: { type: "ephemeral" } }] }],
      stream: true,
    });
  });

  test("thinking and a tool call come back as IR events, arguments in pieces; the next turn's signature is accepted", async () => {
    const provider = createAnthropicProvider(settings());
    const first = ask("What's the weather in Paris?", { tools: [weatherTool], reasoning: { effort: "low" } });
    const events = await readAll(await provider.stream(first, call()));
    const start = events[0];
    const messageId = start?.type === "message-start" ? start.id! : "";
    const id = messageId.replace(/^msg_/, "toolu_");
    expect(messageId).toStartWith("msg_fake_");
    expect(events.filter((event) => event.type !== "usage")).toEqual([
      { type: "message-start", id: messageId, model: "claude-sonnet-4-5", usage: { input: { total: 32, cacheRead: 16, cacheWrite: 0 }, output: { total: 0 } } },
      { type: "reasoning-delta", text: "Thinking about it." },
      { type: "reasoning-signature", signature: { family: "anthropic", value: FAKE_THINKING_SIGNATURE } },
      { type: "tool-call-start", id, name: "get_weather" },
      { type: "tool-call-delta", id, argumentsDelta: '{"city"' },
      { type: "tool-call-delta", id, argumentsDelta: ': "Par' },
      { type: "tool-call-delta", id, argumentsDelta: 'is"}' },
      { type: "tool-call-end", id },
      { type: "finish", reason: { unified: "tool-calls", raw: "tool_use" } },
    ]);
    expect(anthropic.requests[0]?.body.thinking).toEqual({ type: "enabled", budget_tokens: 2048 });
    expect(anthropic.requests[0]?.body.max_tokens).toBe(4096);

    // The collected answer goes back as history: the signed thinking must pass the fake's check.
    const answer = await collectResponse(iterate(events));
    const call0 = answer.choices[0]!.content.find((part) => part.type === "tool-call")!;
    const second: ChatRequest = {
      ...first,
      messages: [
        ...first.messages,
        { role: "assistant", content: answer.choices[0]!.content },
        { role: "tool", content: [{ type: "tool-result", toolCallId: call0.type === "tool-call" ? call0.id : "", content: [{ type: "text", text: "21°C" }] }] },
      ],
    };
    const next = await readAll(await provider.stream(second, call()));
    expect(texts(next)).toBe("The result was: 21°C");
    expect(anthropic.requests[1]?.body.messages[1].content[0]).toEqual({
      type: "thinking",
      thinking: "Thinking about it.",
      signature: FAKE_THINKING_SIGNATURE,
    });
  });

  test("a thinking signature the upstream did not issue is refused as an invalid request naming the signature", async () => {
    const request = ask("Thanks", {
      reasoning: { effort: "low" },
      messages: [
        { role: "user", content: [{ type: "text", text: "Hi" }] },
        { role: "assistant", content: [{ type: "reasoning", text: "hmm", signature: { family: "anthropic", value: "forged" } }, { type: "text", text: "Hello" }] },
        { role: "user", content: [{ type: "text", text: "Thanks" }] },
      ],
    });
    const error = await rejection(createAnthropicProvider(settings()).stream(request, call()));
    expect(error).toMatchObject({ kind: "invalid_request", retryable: false, upstreamStatus: 400 });
    expect(error.message).toBe("messages.1.content.0: Invalid `signature` in `thinking` block");
  });

  test("an image reaches the fake as a base64 image block", async () => {
    const request = ask("Describe", {
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
    const events = await readAll(await createAnthropicProvider(settings()).stream(request, call()));
    expect(texts(events)).toBe("I see an image of image/png with 8 bytes");
  });

  test("OAuth accounts send a Bearer token; `authorization` in the settings headers makes the key a Bearer token", async () => {
    const oauth = { ...call(), account: { id: "oauth@example.com", accessToken: "oauth-access-token" } };
    await readAll(await createAnthropicProvider(settings()).stream(ask("hi"), oauth));
    expect(anthropic.requests[0]?.headers.get("authorization")).toBe("Bearer oauth-access-token");
    expect(anthropic.requests[0]?.headers.get("x-api-key")).toBeNull();

    const zai = createAnthropicProvider(settings({ headers: { Authorization: "Bearer", "Anthropic-Version": "2024-01-01" } }));
    await readAll(await zai.stream(ask("hi"), call("zai-key.abcdef")));
    expect(anthropic.requests[1]?.headers.get("authorization")).toBe("Bearer zai-key.abcdef");
    expect(anthropic.requests[1]?.headers.get("x-api-key")).toBeNull();
    expect(anthropic.requests[1]?.headers.get("anthropic-version")).toBe("2024-01-01");
    expect(anthropic.requests[1]?.apiKey).toBe("zai-key.abcdef");
  });

  test("an upstream refusal rejects with the mapped error", async () => {
    const provider = createAnthropicProvider(settings());
    expect(await rejection(provider.stream(ask("hi"), call("key-429")))).toMatchObject({
      kind: "rate_limit",
      retryable: true,
      retryAfterMs: 2000,
      upstreamStatus: 429,
    });
    expect(await rejection(provider.stream(ask("hi"), call("key-529")))).toMatchObject({
      kind: "overloaded",
      status: 529,
      retryable: true,
      upstreamStatus: 529,
    });
    expect(await rejection(provider.stream(ask("hi"), call("key-500")))).toMatchObject({
      kind: "upstream",
      status: 502,
      retryable: true,
      upstreamStatus: 500,
    });
    expect(await rejection(provider.stream(ask("hi"), call("key-401")))).toMatchObject({
      kind: "upstream",
      code: "upstream_unauthorized",
      retryable: true,
      upstreamStatus: 401,
    });
  });

  test("an account without a key is refused before any request", async () => {
    const keyless = { ...call(), account: { id: "me@example.com" } };
    const error = await rejection(createAnthropicProvider(settings()).stream(ask("hi"), keyless));
    expect(error).toMatchObject({ kind: "upstream", code: "upstream_unauthorized", retryable: true });
    expect(anthropic.requests).toHaveLength(0);
  });

  test("an error after the stream started arrives as the last event", async () => {
    const events = await readAll(await createAnthropicProvider(settings()).stream(ask("hi"), call("key-midstream-error")));
    expect(events.slice(0, 2)).toEqual([
      { type: "message-start", id: "msg_fake_midstream", model: "fake", usage: { input: { total: 5 }, output: { total: 0 } } },
      { type: "text-delta", text: "Partial answer" },
    ]);
    expect(events).toHaveLength(3);
    expect(events[2]).toMatchObject({ type: "error", error: { kind: "overloaded", retryable: true } });
  });

  test("frames split inside a UTF-8 character and a body cut before message_stop", async () => {
    const greeting = "Grüße, 世界 👋";
    const stream = [
      { type: "message_start", message: { id: "msg_split", model: "claude", usage: { input_tokens: 3, output_tokens: 1 } } },
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: greeting } },
    ];
    const wire = new TextEncoder().encode(anthropicSse(stream));
    const inside = (character: string) => indexOfBytes(wire, new TextEncoder().encode(character)) + 1;
    anthropic.setScript(() => ({ type: "stream", events: stream, splitAt: [inside("ü"), inside("世"), inside("👋") + 2] }));
    const events = await readAll(await createAnthropicProvider(settings()).stream(ask("hi"), call()));
    expect(events.slice(0, 2)).toEqual([
      { type: "message-start", id: "msg_split", model: "claude", usage: { input: { total: 3 }, output: { total: 0 } } },
      { type: "text-delta", text: greeting },
    ]);
    expect(events[2]).toMatchObject({ type: "error", error: { kind: "upstream", retryable: true } });
  });

  test("the timeout covers the wait for the response head; a client that went away cancels", async () => {
    anthropic.setScript(() => ({ type: "hang", ms: 500 }));
    const error = await rejection(createAnthropicProvider(settings({ timeoutMs: 100 })).stream(ask("hi"), call()));
    expect(error).toMatchObject({ kind: "timeout", retryable: true });

    const controller = new AbortController();
    controller.abort();
    const cancelled = await rejection(createAnthropicProvider(settings()).stream(ask("hi"), call("sk-ant-test-key", controller.signal)));
    expect(cancelled.retryable).toBe(false);
  });

  test("an unreachable upstream is a retryable upstream error", async () => {
    const closed = Bun.serve({ port: 0, fetch: () => new Response("") });
    const origin = closed.url.origin;
    await closed.stop(true);
    const error = await rejection(createAnthropicProvider(settings({ baseUrl: origin })).stream(ask("hi"), call()));
    expect(error).toMatchObject({ kind: "upstream", retryable: true });
    expect(error.message).toStartWith("could not reach the upstream: ");
  });
});

describe("passthrough", () => {
  const passthrough = (request: PassthroughRequest & { headers?: Record<string, string> }, providerCall = call()) =>
    createAnthropicProvider(settings({ headers: { "x-team": "agw", "anthropic-beta": "oauth-2025-04-20" } })).passthrough!(request, providerCall);

  test("relays the client's body and the upstream's bytes unchanged, with the client's beta flags and query", async () => {
    const events = [
      { type: "message_start", message: { id: "msg_pt", model: "claude-sonnet-4-5", usage: { input_tokens: 10, output_tokens: 1 } } },
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Héllo 👋" } },
      { type: "content_block_stop", index: 0 },
      { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 4 } },
      { type: "message_stop" },
    ];
    anthropic.setScript(() => ({ type: "stream", events }));
    // Odd spacing and key order: the upstream must receive exactly these bytes.
    const body = '{"model":"claude-sonnet-4-5",  "max_tokens":64,"stream":true,"messages":[{"role":"user","content":"Hi"}],"system":[{"type":"text","text":"x","cache_control":{"type":"ephemeral"}}]}';
    const response = await passthrough({
      operation: "messages?beta=true",
      body,
      headers: { "Anthropic-Beta": "claude-code-20250219,oauth-2025-04-20", "anthropic-version": "2023-06-01", "x-api-key": "client-key" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toStartWith("text/event-stream");
    const text = await response.text();
    expect(text).toBe(anthropicSse(events));

    const [request] = anthropic.requests;
    expect(request?.path).toBe("/v1/messages?beta=true");
    expect(request?.rawBody).toBe(body);
    expect(request?.headers.get("x-api-key")).toBe("sk-ant-test-key");
    expect(request?.headers.get("anthropic-beta")).toBe("oauth-2025-04-20,claude-code-20250219");
    expect(request?.headers.get("anthropic-version")).toBe("2023-06-01");
    expect(request?.headers.get("x-team")).toBe("agw");

    const usage = createAnthropicProvider(settings()).passthroughUsage!(text.slice(-4096));
    expect(usage).toEqual({ input: { total: 10 }, output: { total: 4 } });
  });

  test("an empty operation or a bare query means messages; count_tokens goes through; other routes are refused", async () => {
    await passthrough({ operation: "", body: '{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"a"}]}' });
    await passthrough({ operation: "?beta=true", body: '{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"a"}]}' });
    const counted = await passthrough({ operation: "messages/count_tokens", body: '{"model":"m","messages":[{"role":"user","content":"abcdefgh"}]}' });
    expect(await counted.json()).toEqual({ input_tokens: 2 });
    expect(anthropic.requests.map((request) => request.path)).toEqual(["/v1/messages", "/v1/messages?beta=true", "/v1/messages/count_tokens"]);

    const refused = await rejection(passthrough({ operation: "../v1/files", body: "{}" }));
    expect(refused).toMatchObject({ kind: "not_found" });
    expect(anthropic.requests).toHaveLength(3);
  });

  test("an upstream refusal rejects with the mapped error, before any byte is relayed", async () => {
    const error = await rejection(passthrough({ operation: "messages", body: '{"model":"m","max_tokens":5,"messages":[]}' }, call("key-529")));
    expect(error).toMatchObject({ kind: "overloaded", retryable: true });
  });
});

describe("the fake Anthropic's defaults", () => {
  const post = (body: unknown, headers: Record<string, string> = { "x-api-key": "k", "anthropic-version": "2023-06-01" }) =>
    fetch(`${anthropic.url}/v1/messages`, { method: "POST", headers, body: JSON.stringify(body) });

  test("a non-streamed request gets one Message object", async () => {
    const answer = (await (await post({ model: "claude", max_tokens: 10, messages: [{ role: "user", content: "Hi" }] })).json()) as any;
    expect(answer).toMatchObject({ type: "message", role: "assistant", model: "claude", stop_reason: "end_turn" });
    expect(answer.content).toEqual([{ type: "text", text: "Echo: Hi" }]);
    expect(answer.usage.input_tokens).toBeGreaterThan(0);
  });

  test("refuses what Anthropic refuses: no key, no version, no max_tokens", async () => {
    const base = { model: "claude", max_tokens: 10, messages: [{ role: "user", content: "Hi" }] };
    const noKey = await post(base, { "anthropic-version": "2023-06-01" });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toEqual({ type: "error", error: { type: "authentication_error", message: "x-api-key header is required" } });
    expect((await post(base, { "x-api-key": "k" })).status).toBe(400);
    const noMax = await post({ model: "claude", messages: [] });
    expect(noMax.status).toBe(400);
    expect(((await noMax.json()) as any).error.message).toBe("max_tokens: Field required");
  });

  test("JSON output fits the schema", async () => {
    const schema = { type: "object", properties: { answer: { type: "string" }, score: { type: "integer", minimum: 3 } } };
    const events = await readAll(
      await createAnthropicProvider(settings()).stream(ask("rate it", { responseFormat: { type: "json", schema } }), call()),
    );
    expect(JSON.parse(texts(events))).toEqual({ answer: "ok", score: 3 });
  });
});

function indexOfBytes(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let start = 0; start <= haystack.length - needle.length; start += 1) {
    for (let offset = 0; offset < needle.length; offset += 1) if (haystack[start + offset] !== needle[offset]) continue outer;
    return start;
  }
  return -1;
}
