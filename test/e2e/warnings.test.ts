/**
 * What an upstream cannot honour is said, not silently dropped: the official
 * SDKs against the real gateway (in-process, port 0), backed by the fake
 * Gemini, Anthropic and OpenAI upstreams, which refuse an output budget
 * above the model's limit as the real APIs do.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { startFakeAnthropic, type FakeAnthropic } from "../harness/fake-anthropic.ts";
import { startFakeGemini, type FakeGemini } from "../harness/fake-gemini.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../harness/fake-openai.ts";
import { startTestGateway, type TestGateway } from "../harness/gateway.ts";

let gemini: FakeGemini;
let anthropic: FakeAnthropic;
let openai: FakeOpenAI;
let agw: TestGateway;
let anthropicClient: Anthropic;
let openaiClient: OpenAI;

beforeAll(() => {
  gemini = startFakeGemini();
  anthropic = startFakeAnthropic();
  openai = startFakeOpenAI();
  agw = startTestGateway({
    providers: {
      gemini: { type: "gemini", baseUrl: gemini.url, accounts: [{ id: "g@example.com", apiKey: "good-key" }] },
      tuned: {
        type: "gemini",
        baseUrl: gemini.url,
        accounts: [{ id: "t@example.com", apiKey: "good-key" }],
        maxOutputTokens: { "gemini-2.5-*": 30000 },
      },
      claude: { type: "anthropic", baseUrl: anthropic.url, accounts: [{ id: "c@example.com", apiKey: "good-key" }] },
      claudeDown: { type: "anthropic", baseUrl: anthropic.url, accounts: [{ id: "d@example.com", apiKey: "key-500" }] },
      openai: { type: "openai", baseUrl: openai.url, accounts: [{ id: "o@example.com", apiKey: "good-key" }] },
    },
    models: {
      "claude-sonnet-4-6": "gemini/gemini-2.5-flash",
      "tuned-pro": "tuned/gemini-2.5-pro",
      "gpt-4o": "claude/claude-sonnet-4-5",
      "gpt-4o-down": "claudeDown/claude-sonnet-4-5",
      "gpt-4o-native": "openai/gpt-4o",
      "sonnet-native": "claude/claude-sonnet-4-5",
    },
    retry: { maxAttempts: 1 },
  });
  anthropicClient = new Anthropic({ baseURL: agw.url, apiKey: "unused", maxRetries: 0 });
  openaiClient = new OpenAI({ baseURL: `${agw.url}/v1`, apiKey: "unused", maxRetries: 0 });
});

afterAll(async () => {
  await agw.stop();
  await Promise.all([gemini.stop(), anthropic.stop(), openai.stop()]);
});

afterEach(() => {
  gemini.setScript(undefined);
  anthropic.setScript(undefined);
});

function logRow(response: Response) {
  agw.gateway.store.flush();
  return agw.gateway.store.requestLogs.get(response.headers.get("x-request-id")!);
}

describe("max_tokens above the model's output limit", () => {
  test("an Anthropic client's 128000 on a Gemini mapping: clamped to 65536, the whole answer, the warning in the header and the log", async () => {
    const stream = anthropicClient.messages.stream({
      model: "claude-sonnet-4-6",
      max_tokens: 128000,
      messages: [{ role: "user", content: "Tell me a long story" }],
    });
    const { response } = await stream.withResponse();
    const message = await stream.finalMessage();
    expect(message.content as unknown[]).toEqual([{ type: "text", text: "Echo: Tell me a long story" }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(response.headers.get("x-agw-warnings")).toBe("max_tokens_clamped");
    expect(gemini.requests.at(-1)!.body).toEqual({
      contents: [{ role: "user", parts: [{ text: "Tell me a long story" }] }],
      generationConfig: { maxOutputTokens: 65536 },
    });
    expect(logRow(response)?.warnings).toEqual([
      { code: "max_tokens_clamped", message: "max_tokens 128000 is above gemini-2.5-flash's output limit of 65536; 65536 was sent" },
    ]);
  });

  test("within the limit nothing is clamped and no warning is sent", async () => {
    const { data, response } = await anthropicClient.messages
      .create({ model: "claude-sonnet-4-6", max_tokens: 64000, messages: [{ role: "user", content: "Hello" }] }, { timeout: 60_000 })
      .withResponse();
    expect(data.content as unknown[]).toEqual([{ type: "text", text: "Echo: Hello" }]);
    expect(response.headers.get("x-agw-warnings")).toBeNull();
    expect(gemini.requests.at(-1)!.body.generationConfig).toEqual({ maxOutputTokens: 64000 });
    expect(logRow(response)?.warnings).toBeUndefined();
  });

  test("a provider's maxOutputTokens config overrides the built-in limit", async () => {
    const { data, response } = await openaiClient.chat.completions
      .create({ model: "tuned-pro", max_completion_tokens: 40000, messages: [{ role: "user", content: "Hello" }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe("Echo: Hello");
    expect(response.headers.get("x-agw-warnings")).toBe("max_tokens_clamped");
    expect(gemini.requests.at(-1)!.body.generationConfig).toEqual({ maxOutputTokens: 30000 });
  });
});

describe("max_tokens above the limit on a pass-through: the one change to the client's body, and said", () => {
  test("an Anthropic client's stream to an Anthropic upstream", async () => {
    const stream = anthropicClient.messages.stream({
      model: "sonnet-native",
      max_tokens: 128000,
      thinking: { type: "enabled", budget_tokens: 10000 },
      messages: [{ role: "user", content: "Tell me a long story" }],
    });
    const { response } = await stream.withResponse();
    const message = await stream.finalMessage();
    expect(message.content.at(-1) as unknown).toEqual({ type: "text", text: "Echo: Tell me a long story" });
    expect(response.headers.get("x-agw-warnings")).toBe("max_tokens_clamped");
    expect(JSON.parse(anthropic.requests.at(-1)!.rawBody)).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 64000,
      thinking: { type: "enabled", budget_tokens: 10000 },
      messages: [{ role: "user", content: "Tell me a long story" }],
      stream: true,
    });
  });

  test("a Chat client's max_tokens to an OpenAI upstream; logprobs, honoured there, pass untouched and unreported", async () => {
    const { data, response } = await openaiClient.chat.completions
      .create({ model: "gpt-4o-native", max_tokens: 200000, logprobs: true, messages: [{ role: "user", content: "Hello" }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe("Echo: Hello");
    expect(response.headers.get("x-agw-warnings")).toBe("max_tokens_clamped");
    expect(openai.requests.at(-1)!.body).toEqual({
      model: "gpt-4o",
      max_tokens: 16384,
      logprobs: true,
      messages: [{ role: "user", content: "Hello" }],
    });
  });
});

describe("settings Anthropic has no field for", () => {
  test("a Chat client's n=2 and seed: one answer, both codes in the header, neither in the upstream body, both in the log", async () => {
    const { data, response } = await openaiClient.chat.completions
      .create({ model: "gpt-4o", n: 2, seed: 7, messages: [{ role: "user", content: "Hello" }] })
      .withResponse();
    expect(data.choices.map((choice) => choice.message.content)).toEqual(["Echo: Hello"]);
    expect(response.headers.get("x-agw-warnings")).toBe("n_unsupported,seed_unsupported");
    expect(anthropic.requests.at(-1)!.body).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: 4096,
      messages: [{ role: "user", content: [{ type: "text", text: "Hello", cache_control: { type: "ephemeral" } }] }],
      stream: true,
    });
    expect(logRow(response)?.warnings).toEqual([
      { code: "n_unsupported", message: "Anthropic gives one answer per request; 2 were asked, one is returned" },
      { code: "seed_unsupported", message: "Anthropic has no seed; it was left out" },
    ]);
  });

  test("a streamed answer carries the header before its first event", async () => {
    const { data: stream, response } = await openaiClient.chat.completions
      .create({ model: "gpt-4o", stream: true, seed: 7, frequency_penalty: 0.5, messages: [{ role: "user", content: "Hello" }] })
      .withResponse();
    expect(response.headers.get("x-agw-warnings")).toBe("seed_unsupported,frequency_penalty_unsupported");
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("Echo: Hello");
  });

  test("an upstream error after lowering still says what was dropped", async () => {
    let caught: unknown;
    try {
      await openaiClient.chat.completions.create({ model: "gpt-4o-down", seed: 7, messages: [{ role: "user", content: "Hello" }] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(OpenAI.APIError);
    const error = caught as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBeGreaterThanOrEqual(500);
    expect(error.headers?.get("x-agw-warnings")).toBe("seed_unsupported");
  });
});

describe("fields the client protocol accepts and no translated upstream honours", () => {
  test("logprobs on an Anthropic mapping is reported; the same request passed through to an OpenAI upstream is not", async () => {
    const translated = await openaiClient.chat.completions
      .create({ model: "gpt-4o", logprobs: true, top_logprobs: 2, messages: [{ role: "user", content: "Hello" }] })
      .withResponse();
    expect(translated.data.choices[0]!.message.content).toBe("Echo: Hello");
    expect(translated.response.headers.get("x-agw-warnings")).toBe("logprobs_ignored,top_logprobs_ignored");

    const passedThrough = await openaiClient.chat.completions
      .create({ model: "gpt-4o-native", logprobs: true, top_logprobs: 2, messages: [{ role: "user", content: "Hello" }] })
      .withResponse();
    expect(passedThrough.data.choices[0]!.message.content).toBe("Echo: Hello");
    expect(passedThrough.response.headers.get("x-agw-warnings")).toBeNull();
    expect(openai.requests.at(-1)!.body).toMatchObject({ model: "gpt-4o", logprobs: true, top_logprobs: 2 });
    expect(logRow(passedThrough.response)?.warnings).toBeUndefined();
  });

  test("a Responses client's max_tool_calls (background: false asks for nothing), with the clamp on the same request", async () => {
    const { data, response } = await openaiClient.responses
      .create({ model: "claude-sonnet-4-6", input: "Hello", background: false, max_tool_calls: 2, max_output_tokens: 100000, store: false })
      .withResponse();
    expect(data.output_text).toBe("Echo: Hello");
    expect(response.headers.get("x-agw-warnings")).toBe("max_tool_calls_ignored,max_tokens_clamped");
    expect(gemini.requests.at(-1)!.body.generationConfig).toEqual({ maxOutputTokens: 65536 });
  });
});
