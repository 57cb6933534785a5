/**
 * The official Anthropic SDK against the real gateway (in-process, port 0),
 * backed by the fake Gemini upstream, which checks thought signatures the
 * way Gemini 3 models do.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { startFakeGemini, type FakeGemini } from "../harness/fake-gemini.ts";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";

let gemini: FakeGemini;
let agw: TestGateway;
let client: Anthropic;

beforeAll(() => {
  gemini = startFakeGemini();
  agw = startTestGateway({
    providers: {
      gemini: {
        type: "gemini",
        baseUrl: gemini.url,
        accounts: [{ id: "alice@example.com", apiKey: "good-key" }],
        models: ["gemini-2.5-flash", "gemini-2.5-flash-lite"],
      },
      limited: { type: "gemini", baseUrl: gemini.url, accounts: [{ id: "only@example.com", apiKey: "key-429" }] },
      overloaded: { type: "gemini", baseUrl: gemini.url, accounts: [{ id: "o@example.com", apiKey: "key-503" }] },
      midstream: { type: "gemini", baseUrl: gemini.url, accounts: [{ id: "m@example.com", apiKey: "key-midstream-error" }] },
    },
    models: {
      "claude-sonnet-*": "gemini/gemini-2.5-flash",
      "claude-opus-*": "gemini/gemini-3-pro-preview",
      "claude-haiku-*": "gemini/gemini-2.5-flash",
      "always-429": "limited/gemini-2.5-flash",
      "always-overloaded": "overloaded/gemini-2.5-flash",
      "breaks-midway": "midstream/gemini-2.5-flash",
    },
    intercept: { backgroundModel: "gemini/gemini-2.5-flash-lite" },
  });
  client = new Anthropic({ baseURL: agw.url, apiKey: "unused", maxRetries: 0 });
});

afterAll(async () => {
  await agw.stop();
  await gemini.stop();
});

afterEach(() => gemini.setScript(undefined));

const lastRequest = () => gemini.requests.at(-1)!;
const weatherTool: Anthropic.Tool = {
  name: "get_weather",
  description: "Current weather for a city",
  input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe("Anthropic SDK → agw → Gemini", () => {
  test("messages.create: text, usage, headers", async () => {
    const { data, response } = await client.messages
      .create({
        model: "claude-sonnet-4-5-20250929",
        max_tokens: 100,
        system: [{ type: "text", text: "Be terse.", cache_control: { type: "ephemeral" } }],
        messages: [{ role: "user", content: [{ type: "text", text: "Hello there", cache_control: { type: "ephemeral" } }] }],
      })
      .withResponse();
    expect(data.type).toBe("message");
    expect(data.role).toBe("assistant");
    expect(data.model).toBe("claude-sonnet-4-5-20250929");
    expect(data.content as unknown[]).toEqual([{ type: "text", text: "Echo: Hello there" }]);
    expect(data.stop_reason).toBe("end_turn");
    expect(data.usage.input_tokens).toBeGreaterThan(0);
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    expect(data.id).toStartWith("msg_");
    expect(response.headers.get("x-mapped-model")).toBe("gemini-2.5-flash");
    expect(response.headers.get("x-account-email")).toBe("alice@example.com");
    expect(lastRequest().body.systemInstruction).toEqual({ parts: [{ text: "Be terse." }] });
    expect(JSON.stringify(lastRequest().body)).not.toContain("cache_control");
  });

  test("stream(): events carry event: lines, the SDK assembles the message", async () => {
    const stream = client.messages.stream({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      messages: [{ role: "user", content: "Stream a reply please" }],
    });
    const types: string[] = [];
    let startUsage: Anthropic.Usage | undefined;
    stream.on("streamEvent", (event) => {
      types.push(event.type);
      if (event.type === "message_start") startUsage = event.message.usage;
    });
    const message = await stream.finalMessage();
    expect(message.content as unknown[]).toEqual([{ type: "text", text: "Echo: Stream a reply please" }]);
    // The input count is in message_start, where LangChain and Claude Code's context meter read it: Gemini's own count.
    const promptTokens = Math.ceil(JSON.stringify(lastRequest().body.contents).length / 4);
    expect(startUsage?.input_tokens).toBe(promptTokens);
    expect(message.usage.input_tokens).toBe(promptTokens);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.output_tokens).toBeGreaterThan(0);
    expect(types[0]).toBe("message_start");
    expect(types.at(-1)).toBe("message_stop");
    expect(types).toContain("content_block_delta");
    expect(types.filter((t) => t === "content_block_delta").length).toBeGreaterThan(1);
  });

  test("raw SSE: every frame has an event: line; Claude Code's ?beta=true path, x-api-key and betas work", async () => {
    const response = await fetch(`${agw.url}/v1/messages?beta=true`, {
      method: "POST",
      headers: {
        "x-api-key": "whatever",
        "anthropic-version": "2023-06-01",
        "anthropic-beta": "claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27",
        "content-type": "application/json",
      },
      body: JSON.stringify({
        model: "claude-sonnet-4-5",
        max_tokens: 50,
        stream: true,
        metadata: { user_id: JSON.stringify({ device_id: "d", session_id: "s" }) },
        context_management: { edits: [] },
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toStartWith("text/event-stream");
    const frames = (await response.text()).trim().split("\n\n");
    for (const frame of frames) expect(frame).toMatch(/^event: [a-z_]+\ndata: \{/);
    const names = frames.map((frame) => /^event: ([a-z_]+)/.exec(frame)![1]);
    expect(names.slice(0, 2)).toEqual(["message_start", "content_block_start"]);
    expect(names.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"]);
    expect(new Set(names.slice(2, -3))).toEqual(new Set(["content_block_delta"]));
  });

  test("tool use round trip, JSON and streaming", async () => {
    const first = await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 200,
      tools: [weatherTool],
      messages: [{ role: "user", content: "What is the weather in Paris?" }],
    });
    expect(first.stop_reason).toBe("tool_use");
    const toolUse = first.content.find((block) => block.type === "tool_use")!;
    if (toolUse.type !== "tool_use") throw new Error("expected tool_use");
    expect(toolUse.name).toBe("get_weather");
    expect(toolUse.input).toEqual({ city: "Paris" });

    const stream = client.messages.stream({
      model: "claude-sonnet-4-5",
      max_tokens: 200,
      tools: [weatherTool],
      messages: [
        { role: "user", content: "What is the weather in Paris?" },
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: '{"temperature":21}' }] },
      ],
    });
    const second = await stream.finalMessage();
    expect(second.content as unknown[]).toEqual([{ type: "text", text: 'The result was: {"temperature":21}' }]);
    const contents = lastRequest().body.contents;
    expect(contents.at(-1).parts[0].functionResponse).toMatchObject({ name: "get_weather", response: { temperature: 21 } });
  });

  test("a streamed tool call arrives as input_json_delta and assembles into input", async () => {
    const message = await client.messages
      .stream({
        model: "claude-sonnet-4-5",
        max_tokens: 200,
        tools: [weatherTool],
        tool_choice: { type: "tool", name: "get_weather" },
        messages: [{ role: "user", content: "weather in Paris" }],
      })
      .finalMessage();
    const toolUse = message.content.find((block) => block.type === "tool_use");
    expect(toolUse).toMatchObject({ type: "tool_use", name: "get_weather", input: { city: "Paris" } });
    expect(lastRequest().body.toolConfig).toEqual({ functionCallingConfig: { mode: "ANY", allowedFunctionNames: ["get_weather"] } });
  });

  test("thinking: budget → thinkingConfig, thoughts → thinking blocks with agw signatures", async () => {
    const message = await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 4000,
      thinking: { type: "enabled", budget_tokens: 2000 },
      messages: [{ role: "user", content: "Think first" }],
    });
    expect(message.content[0] as unknown).toEqual({ type: "thinking", thinking: "Thinking about it.", signature: "agw1.gemini.t.sig-1" });
    expect(message.content[1] as unknown).toEqual({ type: "text", text: "Echo: Think first" });
    expect(lastRequest().body.generationConfig.thinkingConfig).toEqual({ thinkingBudget: 2000, includeThoughts: true });
  });

  test("images (base64) reach Gemini as inlineData", async () => {
    const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    const message = await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: png } },
            { type: "text", text: "What is this?" },
          ],
        },
      ],
    });
    expect(message.content[0]).toMatchObject({ type: "text", text: expect.stringContaining("image/png") });
    expect(lastRequest().body.contents[0].parts[0]).toEqual({ inlineData: { mimeType: "image/png", data: png } });
  });

  test("countTokens answers the upstream's real count, never 0", async () => {
    const before = gemini.requests.length;
    const counted = await client.messages.countTokens({
      model: "claude-sonnet-4-5",
      system: "You are a helpful assistant.",
      messages: [{ role: "user", content: "How many tokens is this sentence?" }],
    });
    expect(counted.input_tokens).toBeGreaterThan(0);
    const upstream = gemini.requests.slice(before).find((request) => request.action === "countTokens");
    expect(upstream).toBeDefined();
  });

  test("/v1/models/claude lists models", async () => {
    const page = await client.models.list();
    expect(page.data.map((model) => model.id)).toContain("gemini-2.5-flash");
  });
});

describe("thinking signatures across turns (Gemini 3 rules)", () => {
  const model = "claude-opus-4-1";

  test("three turns with thinking and tool calls pass without a 400", async () => {
    const messages: Anthropic.MessageParam[] = [{ role: "user", content: "What's the weather in Paris?" }];
    const thinking = { type: "enabled" as const, budget_tokens: 2000 };
    const first = await client.messages.create({ model, max_tokens: 4000, thinking, tools: [weatherTool], messages });
    expect(first.stop_reason).toBe("tool_use");
    const toolUse = first.content.find((block) => block.type === "tool_use")!;
    if (toolUse.type !== "tool_use") throw new Error("expected tool_use");
    expect(first.content.some((block) => block.type === "thinking" && block.signature.startsWith("agw1.gemini.c."))).toBe(true);

    messages.push({ role: "assistant", content: first.content });
    messages.push({ role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "22C and sunny" }] });
    const second = await client.messages.create({ model, max_tokens: 4000, thinking, tools: [weatherTool], messages });
    expect(second.stop_reason).toBe("end_turn");
    const replayed = lastRequest().body.contents[1].parts;
    expect(replayed.find((part: any) => part.functionCall).thoughtSignature).toStartWith("sig-call-");

    messages.push({ role: "assistant", content: second.content });
    messages.push({ role: "user", content: "And the weather tomorrow?" });
    const third = await client.messages.stream({ model, max_tokens: 4000, thinking, tools: [weatherTool], messages }).finalMessage();
    expect(third.stop_reason).toBe("tool_use");
  });

  test("a signature from another model family is dropped, not sent", async () => {
    const message = await client.messages.create({
      model,
      max_tokens: 1000,
      tools: [weatherTool],
      messages: [
        { role: "user", content: "What's the weather in Paris?" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "Claude's own thinking", signature: "EqQBCkYIBxgCKkAanthropicsignature" },
            { type: "tool_use", id: "toolu_01", name: "get_weather", input: { city: "Paris" } },
          ],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01", content: "rain" }] },
      ],
    });
    expect(message.stop_reason).toBe("end_turn");
    const sent = JSON.stringify(lastRequest().body);
    expect(sent).not.toContain("anthropicsignature");
    expect(sent).toContain("skip_thought_signature_validator");
  });

  test("a signature the upstream refuses is retried once without thinking", async () => {
    const before = gemini.requests.length;
    const { data: message, response } = await client.messages.create({
      model,
      max_tokens: 1000,
      tools: [weatherTool],
      messages: [
        { role: "user", content: "What's the weather in Paris?" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "old", signature: "agw1.gemini.t.sig-revoked" },
            { type: "thinking", thinking: "", signature: "agw1.gemini.c.sig-revoked-call" },
            { type: "tool_use", id: "toolu_02", name: "get_weather", input: { city: "Paris" } },
          ],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_02", content: "rain" }] },
      ],
    }).withResponse();
    expect(message.stop_reason).toBe("end_turn");
    const sent = gemini.requests.slice(before);
    expect(sent).toHaveLength(2);
    expect(JSON.stringify(sent[1]!.body)).not.toContain("sig-revoked");
    // Said, not silent: the header and the request log name the retry (and agw_signatures_retried_total counts it).
    expect(response.headers.get("x-agw-warnings")).toBe("signatures_stripped_after_refusal");
    agw.gateway.store.flush();
    expect(agw.gateway.store.requestLogs.get(response.headers.get("x-request-id")!)!.warnings).toEqual([
      {
        code: "signatures_stripped_after_refusal",
        message: expect.stringMatching(/^the upstream refused a signature in the conversation's history \(.+\); retried once without the history's signatures and thinking$/),
      },
    ]);
  });
});

describe("interception", () => {
  test("a warm-up is answered locally, JSON and stream, and logged", async () => {
    const before = gemini.requests.length;
    const { data, response } = await client.messages
      .create({ model: "claude-haiku-4-5", max_tokens: 1, messages: [{ role: "user", content: "Warmup" }] })
      .withResponse();
    expect(data.content as unknown[]).toEqual([{ type: "text", text: "OK" }]);
    expect(data.usage).toMatchObject({ input_tokens: 1, output_tokens: 1 });
    expect(response.headers.get("x-warmup-intercepted")).toBe("true");
    const streamed = await client.messages
      .stream({ model: "claude-haiku-4-5", max_tokens: 1, messages: [{ role: "user", content: "Warmup" }] })
      .finalMessage();
    expect(streamed.content as unknown[]).toEqual([{ type: "text", text: "OK" }]);
    expect(gemini.requests.length).toBe(before);
    agw.gateway.store.flush();
    expect(agw.gateway.store.requestLogs.get(response.headers.get("x-request-id")!)).toMatchObject({ intercepted: "warmup", status: 200 });
  });

  test("a title request goes to the background model without tools or thinking", async () => {
    const { response } = await client.messages
      .create({
        model: "claude-sonnet-4-5",
        max_tokens: 100,
        system: "Generate a concise, sentence-case title (3-7 words) that captures the main topic.",
        tools: [weatherTool],
        thinking: { type: "disabled" },
        messages: [{ role: "user", content: "help me fix the login bug" }],
      })
      .withResponse();
    expect(response.headers.get("x-mapped-model")).toBe("gemini-2.5-flash-lite");
    expect(lastRequest().model).toBe("gemini-2.5-flash-lite");
    expect(lastRequest().body.tools).toBeUndefined();
    agw.gateway.store.flush();
    expect(agw.gateway.store.requestLogs.get(response.headers.get("x-request-id")!)).toMatchObject({ intercepted: "title" });
  });
});

describe("errors in Anthropic's shape", () => {
  test("unknown route, probes and telemetry", async () => {
    expect((await fetch(`${agw.url}/`, { method: "HEAD" })).status).toBe(200);
    expect((await fetch(`${agw.url}/v1/api/event_logging/batch`, { method: "POST", body: "{}" })).status).toBe(200);
    const missing = await fetch(`${agw.url}/v1/v1/messages`, { method: "POST", body: "{}" });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ type: "error", error: { type: "not_found_error" } });
  });

  test("a bad request is a 400 invalid_request_error naming the field", async () => {
    const error = await client.messages
      .create({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "x" }] } as never)
      .catch((e) => e);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error.error).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect(error.error.error.message).toContain("max_tokens");
  });

  test("401 is immediate and explicit", async () => {
    const strict = startTestGateway({ auth: { mode: "strict", apiKey: "right" }, providers: { demo: { type: "mock" } }, models: { "*": "demo/echo" } });
    try {
      const wrong = new Anthropic({ baseURL: strict.url, apiKey: "wrong", maxRetries: 0 });
      const error = await wrong.messages.create({ model: "claude-sonnet-4-5", max_tokens: 5, messages: [{ role: "user", content: "x" }] }).catch((e) => e);
      expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
      expect(error.error).toMatchObject({ type: "error", error: { type: "authentication_error" } });
      const right = new Anthropic({ baseURL: strict.url, authToken: "right", apiKey: null, maxRetries: 0 });
      const answer = await right.messages.create({ model: "claude-sonnet-4-5", max_tokens: 50, messages: [{ role: "user", content: "hi" }] });
      expect(answer.content as unknown[]).toEqual([{ type: "text", text: "hi" }]);
      expect((await fetch(`${strict.url}/`, { method: "HEAD" })).status).toBe(200);
    } finally {
      await strict.stop();
    }
  });

  test("404 for an unmapped model", async () => {
    const bare = startTestGateway({ providers: { demo: { type: "mock" } }, models: { "gpt-4o": "demo/echo" } });
    try {
      const error = await new Anthropic({ baseURL: bare.url, apiKey: "x", maxRetries: 0 }).messages
        .create({ model: "claude-sonnet-4-5", max_tokens: 5, messages: [{ role: "user", content: "x" }] })
        .catch((e) => e);
      expect(error).toBeInstanceOf(Anthropic.NotFoundError);
      expect(error.error).toMatchObject({ error: { type: "not_found_error" } });
    } finally {
      await bare.stop();
    }
  });

  test("429 with Retry-After when every account rests", async () => {
    const error = await client.messages
      .create({ model: "always-429", max_tokens: 5, messages: [{ role: "user", content: "x" }] })
      .catch((e) => e);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(error.error).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
    expect(Number(error.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  test("an overloaded upstream, after every attempt, is a 529 overloaded_error", async () => {
    const error = await client.messages
      .create({ model: "always-overloaded", max_tokens: 5, messages: [{ role: "user", content: "x" }] })
      .catch((e) => e);
    expect(error.status).toBe(529);
    expect(error.error).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
  });

  test("an error after the stream began arrives as an error event", async () => {
    const stream = client.messages.stream({ model: "breaks-midway", max_tokens: 50, messages: [{ role: "user", content: "x" }] });
    const error = await stream.finalMessage().catch((e) => e);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(String(error.message)).toContain("internal error");
  });
});

describe("long silences and counting without an upstream counter", () => {
  test("ping frames keep a silent stream alive", async () => {
    const slow = startFakeGemini();
    const gateway = startTestGateway({
      providers: { g: { type: "gemini", baseUrl: slow.url, accounts: [{ id: "a", apiKey: "k" }] } },
      models: { "*": "g/gemini-2.5-flash" },
      limits: { keepAliveMs: 100 },
    });
    try {
      slow.setScript(() => ({
        type: "stream",
        chunks: [
          { candidates: [{ content: { role: "model", parts: [{ text: "first" }] }, index: 0 }] },
          { candidates: [{ content: { role: "model", parts: [{ text: " second" }] }, index: 0, finishReason: "STOP" }] },
        ],
        pauseBeforeChunkMs: { 1: 450 },
      }));
      const response = await fetch(`${gateway.url}/v1/messages`, {
        method: "POST",
        body: JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 20, stream: true, messages: [{ role: "user", content: "x" }] }),
      });
      const text = await response.text();
      expect(text).toContain('event: ping\ndata: {"type": "ping"}');
      expect(text.indexOf("event: ping")).toBeGreaterThan(text.indexOf('"first"'));
      expect(text.indexOf("event: ping")).toBeLessThan(text.indexOf('" second"'));
    } finally {
      await gateway.stop();
      await slow.stop();
    }
  });

  test("count_tokens on a provider without a counter answers the local estimate", async () => {
    const demo = startTestGateway({ providers: { demo: { type: "mock" } }, models: { "*": "demo/echo" } });
    try {
      const counted = await new Anthropic({ baseURL: demo.url, apiKey: "x", maxRetries: 0 }).messages.countTokens({
        model: "claude-sonnet-4-5",
        messages: [{ role: "user", content: "The quick brown fox jumps over the lazy dog." }],
      });
      expect(counted.input_tokens).toBeGreaterThan(10);
      expect(counted.input_tokens).toBeLessThan(30);
    } finally {
      await demo.stop();
    }
  });
});
