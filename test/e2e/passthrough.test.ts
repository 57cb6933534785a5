/**
 * Same protocol on both sides: the request reaches the upstream with only
 * the model replaced — unknown fields and beta features intact — and the
 * upstream's answer reaches the client byte for byte.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { startFakeAnthropic, type FakeAnthropic } from "../harness/fake-anthropic.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../harness/fake-openai.ts";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";

let anthropicUpstream: FakeAnthropic;
let openaiUpstream: FakeOpenAI;
let agw: TestGateway;

beforeAll(() => {
  anthropicUpstream = startFakeAnthropic();
  openaiUpstream = startFakeOpenAI();
  agw = startTestGateway({
    providers: {
      anthropic: { type: "anthropic", baseUrl: anthropicUpstream.url, accounts: [{ id: "a@example.com", apiKey: "sk-ant-upstream" }] },
      openai: { type: "openai", baseUrl: openaiUpstream.url, accounts: [{ id: "o@example.com", apiKey: "sk-upstream" }] },
    },
    models: { "claude-*": "anthropic/claude-sonnet-4-5-20250929", "gpt-*": "openai/gpt-4o-2024-08-06" },
  });
});

afterAll(async () => {
  await agw.stop();
  await anthropicUpstream.stop();
  await openaiUpstream.stop();
});

test("Anthropic client → anthropic provider: betas, unknown fields and cache_control arrive as sent", async () => {
  const body = {
    model: "claude-opus-4-8",
    max_tokens: 100,
    stream: true,
    system: [{ type: "text", text: "Be terse.", cache_control: { type: "ephemeral", ttl: "1h" } }],
    messages: [{ role: "user", content: [{ type: "text", text: "hi", cache_control: { type: "ephemeral" } }] }],
    context_management: { edits: [{ type: "clear_thinking_20251015", keep: "all" }] },
    // Newer than the gateway's schema but one Anthropic knows (it refuses unknown fields, and so does the fake).
    inference_geo: "us",
  };
  const response = await fetch(`${agw.url}/v1/messages?beta=true`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": "client-key",
      "anthropic-version": "2023-06-01",
      "anthropic-beta": "context-management-2025-06-27,interleaved-thinking-2025-05-14",
    },
    body: JSON.stringify(body),
  });
  const relayed = await response.text();
  expect(response.status).toBe(200);
  expect(response.headers.get("x-mapped-model")).toBe("claude-sonnet-4-5-20250929");
  const upstream = anthropicUpstream.requests.at(-1)!;
  expect(JSON.parse(upstream.rawBody)).toEqual({ ...body, model: "claude-sonnet-4-5-20250929" });
  expect(upstream.path).toBe("/v1/messages?beta=true");
  expect(upstream.headers.get("anthropic-beta")).toContain("context-management-2025-06-27");
  expect(upstream.apiKey).toBe("sk-ant-upstream");
  expect(relayed).toContain("event: message_start");
  const text = [...relayed.matchAll(/"text_delta","text":"([^"]*)"/g)].map((match) => match[1]).join("");
  expect(text).toBe("Echo: hi");
});

test("pass-through sends the client's own bytes with only the model's value replaced; a body naming the model twice is sent as parsed", async () => {
  const post = (text: string) =>
    fetch(`${agw.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "client-key", "anthropic-version": "2023-06-01" },
      body: text,
    });
  const sent = '{\n  "max_tokens": 100.0,\n  "messages": [{"role": "user", "content": "say \\"model\\": \\"x\\" \\u00e9"}],\n  "model" : "claude-opus-4-8"\n}';
  const response = await post(sent);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({
    id: expect.stringMatching(/^msg_fake_\d+$/),
    type: "message",
    role: "assistant",
    model: "claude-sonnet-4-5-20250929",
    content: [{ type: "text", text: 'Echo: say "model": "x" é' }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 15, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 10 },
  });
  expect(anthropicUpstream.requests.at(-1)!.rawBody).toBe(sent.replace('"claude-opus-4-8"', '"claude-sonnet-4-5-20250929"'));

  // JSON.parse keeps the last of two keys, an upstream might keep the first: the parsed body (the gateway's reading) goes.
  const twice = await post('{"model":"claude-a","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"model":"claude-b"}');
  expect(twice.status).toBe(200);
  expect(anthropicUpstream.requests.at(-1)!.rawBody).toBe('{"model":"claude-sonnet-4-5-20250929","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}');
});

test("Anthropic SDK through pass-through: the answer is the upstream's own", async () => {
  const client = new Anthropic({ baseURL: agw.url, apiKey: "x", maxRetries: 0 });
  const message = await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 50, messages: [{ role: "user", content: "hello" }] });
  expect(message.content).toEqual([{ type: "text", text: "Echo: hello" }] as never);
  expect(message.model).toBe("claude-sonnet-4-5-20250929");
});

test("OpenAI Chat client → openai provider: the body arrives as sent but for the model; usage is logged", async () => {
  const body = {
    model: "gpt-5",
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: "user", content: "hi there" }],
    logit_bias: { "50256": -100 },
    prediction: { type: "content", content: "hi" },
    // A field translation ignores but OpenAI takes: pass-through keeps it. (OpenAI, like the fake, refuses unknown fields.)
    verbosity: "low",
  };
  const response = await fetch(`${agw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const relayed = await response.text();
  expect(response.status).toBe(200);
  const upstream = openaiUpstream.requests.at(-1)!;
  expect(JSON.parse(upstream.text)).toEqual({ ...body, model: "gpt-4o-2024-08-06" });
  expect(upstream.apiKey).toBe("sk-upstream");
  const text = [...relayed.matchAll(/"delta":\{"content":"([^"]*)"\}/g)].map((match) => match[1]).join("");
  expect(text).toBe("Echo: hi there");
  expect(relayed.trim().endsWith("data: [DONE]")).toBe(true);
  agw.gateway.store.flush();
  const row = agw.gateway.store.requestLogs.get(response.headers.get("x-request-id")!)!;
  expect(row).toMatchObject({ provider: "openai", mappedModel: "gpt-4o-2024-08-06", status: 200 });
  expect(row.inputTokens).toBeGreaterThan(0);
  expect(row.outputTokens).toBeGreaterThan(0);
});

test("OpenAI SDK through pass-through", async () => {
  const client = new OpenAI({ baseURL: `${agw.url}/v1`, apiKey: "x", maxRetries: 0 });
  const answer = await client.chat.completions.create({ model: "gpt-4.1", messages: [{ role: "user", content: "ping" }] });
  expect(answer.choices[0]!.message.content).toBe("Echo: ping");
});

test("an upstream error in pass-through comes back in the client's shape and rotates like any other", async () => {
  const failing = startTestGateway({
    providers: { anthropic: { type: "anthropic", baseUrl: anthropicUpstream.url, accounts: [{ id: "bad", apiKey: "key-529" }] } },
    models: { "*": "anthropic/claude-sonnet-4-5" },
    retry: { maxAttempts: 1 },
  });
  try {
    const error = await new Anthropic({ baseURL: failing.url, apiKey: "x", maxRetries: 0 }).messages
      .create({ model: "claude-x", max_tokens: 5, messages: [{ role: "user", content: "x" }] })
      .catch((e) => e);
    expect(error.status).toBe(529);
    expect(error.error).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
  } finally {
    await failing.stop();
  }
});
